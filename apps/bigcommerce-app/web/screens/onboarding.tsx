import { Badge, Box, Button, Flex, FlexItem, H3, Message, Panel, Text } from "@bigcommerce/big-design";
import { useQuery } from "@tanstack/react-query";
import { adminKeys, currentSyncRun, useAdminApi, useCatalogReadiness, useStoreSync } from "@varai/admin-kit";
import type { Boot } from "../boot.ts";
import { LabelledProgressBar } from "../parts.tsx";

type Step = {
  title: string;
  done: boolean;
  badge: { label: string; variant: "success" | "warning" | "secondary" | "danger" };
};

/**
 * The first screen after install: the catalog's sync, live (the backfill runs as the merchant
 * watches), the storefront script, and how many frames are ready for try-on.
 */
export function OnboardingScreen({ boot, onNext }: { boot: Boot; onNext: (tab: string) => void }) {
  const api = useAdminApi();
  const live = useStoreSync(boot.connectionId);
  // The connection list carries no run: until a live event arrives (a sync that finished before
  // the socket opened sends none), the connection itself says how its last run went.
  const detail = useQuery({
    queryKey: adminKeys.connection(boot.connectionId),
    queryFn: () => api.connection(boot.connectionId),
    enabled: live.run === null,
    refetchInterval: (q) =>
      q.state.data?.lastSync && q.state.data.lastSync.status !== "queued" && q.state.data.lastSync.status !== "running"
        ? false
        : 2000,
  });
  const connection = live.connection ?? detail.data ?? null;
  const run = live.run ?? currentSyncRun(detail.data, undefined);
  const { readiness } = useCatalogReadiness();
  const fetched = run?.counts.fetched ?? 0;
  const written = run ? run.counts.upserted + run.counts.skipped : 0;
  const total = Math.max(fetched, readiness?.total ?? 0);
  const synced = run?.status === "succeeded";
  const failed = run?.status === "failed";
  const percent = synced ? 100 : total > 0 ? Math.min(99, Math.round((written / total) * 100)) : run?.active ? 5 : 0;
  const scriptOk = boot.script.status !== "failed";
  const steps: Step[] = [
    { title: "Store connected", done: connection !== null, badge: { label: "Connected", variant: "success" } },
    {
      title: "Catalog synced",
      done: synced,
      badge: synced
        ? { label: "Synced", variant: "success" }
        : failed
          ? { label: "Failed", variant: "danger" }
          : { label: "Syncing", variant: "warning" },
    },
    {
      title: "Try-on added to your storefront",
      done: scriptOk,
      badge: scriptOk ? { label: "Live", variant: "success" } : { label: "Missing", variant: "danger" },
    },
  ];
  return (
    <Flex flexDirection="column" flexGap="1.5rem">
      <Panel header="Set-up" description="VARAi copies your catalog and adds the try-on to your product pages.">
        <Flex flexDirection="column" flexGap="1rem" as="ol" style={{ listStyle: "none", margin: 0, padding: 0 }}>
          {steps.map((step) => (
            <Flex as="li" key={step.title} justifyContent="space-between" alignItems="center">
              <FlexItem>
                <H3 marginBottom="none">{step.title}</H3>
              </FlexItem>
              <Badge {...step.badge} />
            </Flex>
          ))}
        </Flex>
      </Panel>
      <Panel header="Catalog sync" description="Products are read from your store and kept in sync by webhooks.">
        <Box role="status" aria-live="polite" aria-label="Catalog sync progress">
          <LabelledProgressBar percent={percent} label="Catalog sync progress" />
          <Text marginTop="small">
            {synced
              ? `Sync finished: ${fetched} products read, ${run?.counts.upserted ?? 0} saved${run?.counts.failed ? `, ${run.counts.failed} failed` : ""}.`
              : failed
                ? "The sync failed. It will be retried."
                : run
                  ? `Syncing… ${written} of ${total || "?"} products.`
                  : "Waiting for the first sync to start…"}
          </Text>
        </Box>
        {failed ? (
          <Message type="error" messages={[{ text: run?.error ?? "The sync failed." }]} marginTop="medium" />
        ) : null}
      </Panel>
      {!scriptOk ? (
        <Message
          type="error"
          header="The try-on script is not on your storefront"
          messages={[{ text: `${boot.script.message ?? "It could not be added."} Open the app again to repair it.` }]}
        />
      ) : null}
      <Panel
        header="Try-on readiness"
        description="Frames need their size (lens, bridge and frame width) and a prepared try-on image."
      >
        <Text>
          {readiness ? `${readiness.ready} of ${readiness.total} frames are ready for try-on.` : "Counting frames…"}
        </Text>
        <Flex flexGap="1rem" marginTop="medium">
          <Button variant="secondary" onClick={() => onNext("catalog")}>
            Review catalog
          </Button>
          <Button variant="secondary" onClick={() => onNext("widget")}>
            Customise the widget
          </Button>
        </Flex>
      </Panel>
    </Flex>
  );
}

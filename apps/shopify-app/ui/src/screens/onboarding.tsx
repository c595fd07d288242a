import {
  Badge,
  BlockStack,
  Box,
  Button,
  Card,
  InlineStack,
  Layout,
  Page,
  ProgressBar,
  Spinner,
  Text,
} from "@shopify/polaris";
import {
  type SyncRunView,
  useCatalogReadiness,
  useLiveStatus,
  useStartSync,
  useStoreSync,
  useWidgetSettings,
} from "@varai/admin-kit";
import type { ReactNode } from "react";
import { hrefOf } from "../router.ts";
import { useShopStatus } from "../shopify-hooks.ts";
import { ErrorBanner, ErrorPage, LoadingPage } from "./states.tsx";

const HEALTH: Record<string, { label: string; tone: "success" | "info" | "warning" | "critical" }> = {
  healthy: { label: "Healthy", tone: "success" },
  unknown: { label: "No signal yet", tone: "info" },
  degraded: { label: "Degraded", tone: "warning" },
  failing: { label: "Failing", tone: "critical" },
};

function Step(props: { number: number; title: string; done: boolean; children: ReactNode }) {
  return (
    <li>
      <BlockStack gap="200">
        <InlineStack gap="200" blockAlign="center">
          <Text as="h3" variant="headingSm">
            {props.number}. {props.title}
          </Text>
          <Badge tone={props.done ? "success" : "attention"}>{props.done ? "Done" : "To do"}</Badge>
        </InlineStack>
        <Box paddingInlineStart="400">{props.children}</Box>
      </BlockStack>
    </li>
  );
}

function SyncLine({ run, connectionId }: { run: SyncRunView | null; connectionId: string | null }) {
  const resync = useStartSync();
  if (!run)
    return (
      <p>{connectionId ? "The first sync of your products is about to start." : "Your store is being connected."}</p>
    );
  if (run.active)
    return (
      <InlineStack gap="200" blockAlign="center">
        <Spinner size="small" accessibilityLabel="Syncing your catalog" />
        <span className="sync-line">
          Syncing your products ({run.status}): {run.counts.fetched} fetched, {run.counts.upserted} saved
        </span>
      </InlineStack>
    );
  if (run.status === "succeeded")
    return (
      <span className="sync-line">
        Catalog synced: {run.counts.upserted} products saved
        {run.counts.failed ? `, ${run.counts.failed} failed` : ""}.
      </span>
    );
  return (
    <BlockStack gap="200">
      <span className="sync-line">
        The last sync {run.status}
        {run.error ? `: ${run.error}` : ""}.
      </span>
      {connectionId ? (
        <div>
          <Button loading={resync.isPending} onClick={() => resync.mutate({ id: connectionId, mode: "full" })}>
            Sync again
          </Button>
        </div>
      ) : null}
    </BlockStack>
  );
}

export function OnboardingScreen() {
  const status = useShopStatus();
  const sync = useStoreSync(status.data?.connection?.id ?? null);
  const readiness = useCatalogReadiness();
  const widget = useWidgetSettings();
  const live = useLiveStatus();
  const title = "Get started with VARAi";
  if (status.isPending) return <LoadingPage title={title} />;
  if (status.isError) return <ErrorPage title={title} error={status.error} retry={() => void status.refetch()} />;
  const shop = status.data;
  const synced = sync.run?.status === "succeeded";
  const ready = readiness.readiness;
  const embedOn = shop.themeEmbedEnabled === true;
  const styled = (widget.data?.version ?? 0) > 0;
  const steps = [synced, embedOn, ready !== null && ready.total > 0 && ready.ready === ready.total, styled];
  const done = steps.filter(Boolean).length;

  return (
    <Page title={title} subtitle={shop.shop}>
      <Layout>
        <Layout.Section>
          <Card>
            <BlockStack gap="400">
              <BlockStack gap="200">
                <Text as="h2" variant="headingMd">
                  Setup guide
                </Text>
                <Text as="p" tone="subdued">
                  {done} of {steps.length} steps completed
                </Text>
                <ProgressBar progress={(done / steps.length) * 100} size="small" tone="primary" />
              </BlockStack>
              <BlockStack as="ol" gap="500">
                <Step number={1} title="Sync your catalog" done={synced}>
                  <SyncLine run={sync.run} connectionId={sync.connection?.id ?? null} />
                </Step>
                <Step number={2} title="Turn on the try-on app embed" done={embedOn}>
                  <BlockStack gap="200">
                    <p>
                      {shop.themeEmbedEnabled === undefined || shop.themeEmbedEnabled === null
                        ? "Turn on “VARAi try-on” under App embeds in the theme editor, then save the theme."
                        : embedOn
                          ? "The app embed is on in your live theme."
                          : "The app embed is off in your live theme: turn it on and save."}
                    </p>
                    <div>
                      <Button url={shop.themeEmbedUrl} external variant={embedOn ? "secondary" : "primary"}>
                        Open the theme editor
                      </Button>
                    </div>
                  </BlockStack>
                </Step>
                <Step
                  number={3}
                  title="Complete your frames"
                  done={ready !== null && ready.total > 0 && ready.ready === ready.total}
                >
                  <BlockStack gap="200">
                    {readiness.isError ? (
                      <ErrorBanner error={readiness.error} retry={() => void readiness.refetch()} />
                    ) : (
                      <p>
                        {ready
                          ? `${ready.ready} of ${ready.total} frames are ready for try-on.`
                          : "Counting your frames…"}
                      </p>
                    )}
                    <div>
                      <Button url={hrefOf("catalog")}>Review catalog readiness</Button>
                    </div>
                  </BlockStack>
                </Step>
                <Step number={4} title="Style the try-on widget" done={styled}>
                  <BlockStack gap="200">
                    <p>Match the widget to your theme's colours and choose what it offers.</p>
                    <div>
                      <Button url={hrefOf("widget")}>Customize the widget</Button>
                    </div>
                  </BlockStack>
                </Step>
              </BlockStack>
            </BlockStack>
          </Card>
        </Layout.Section>
        <Layout.Section variant="oneThird">
          <Card>
            <BlockStack gap="300">
              <Text as="h2" variant="headingMd">
                Your store
              </Text>
              <InlineStack gap="200" align="space-between">
                <Text as="span">Plan</Text>
                <Badge tone={shop.plan === "free" ? "info" : "success"}>{shop.plan}</Badge>
              </InlineStack>
              <InlineStack gap="200" align="space-between">
                <Text as="span">Store connection</Text>
                <Badge tone={HEALTH[shop.connection?.health ?? ""]?.tone ?? "warning"}>
                  {HEALTH[shop.connection?.health ?? ""]?.label ?? "Not connected"}
                </Badge>
              </InlineStack>
              <InlineStack gap="200" align="space-between">
                <Text as="span">Live updates</Text>
                <span role="status">
                  <Badge tone={live === "open" ? "success" : "attention"}>{live === "open" ? "Live" : live}</Badge>
                </span>
              </InlineStack>
              <Button url={hrefOf("billing")} variant="plain">
                Plan and billing
              </Button>
            </BlockStack>
          </Card>
        </Layout.Section>
      </Layout>
    </Page>
  );
}

import {
  type ConnectionView,
  problemsByField,
  type SimulatedPlatform,
  type SyncProgressData,
  useCan,
  useConnections,
  useConnectSimulatedStore,
  useCreateConnection,
  useCreateLinkCode,
  useDemoCapabilities,
  useStartSync,
  useSyncProgress,
  useSyncRunPoll,
} from "@varai/admin-kit";
import { CreateConnectionSchema } from "@varai/schema";
import { useState } from "react";
import {
  Button,
  Dialog,
  DialogTrigger,
  FieldError,
  Form,
  Heading,
  Input,
  Label,
  ListBox,
  ListBoxItem,
  Modal,
  Popover,
  ProgressBar,
  Radio,
  RadioGroup,
  Select,
  SelectValue,
  TextField,
} from "react-aria-components";
import { DialogFooter, Empty, ErrorState, Loading, PageHeader, ShownOnce } from "../parts.tsx";

type Platform = "woocommerce" | "shopify" | "bigcommerce" | "magento";

const PLATFORM_LABELS: Record<Platform, string> = {
  woocommerce: "WooCommerce",
  shopify: "Shopify",
  bigcommerce: "BigCommerce",
  magento: "Magento",
};

/** Each platform's fields: [name in the API body, label, secret?, required?]. */
const FIELDS: Record<Platform, ReadonlyArray<[string, string, boolean, boolean]>> = {
  woocommerce: [
    ["storeUrl", "Store URL", false, true],
    ["credentials.consumerKey", "Consumer key", true, true],
    ["credentials.consumerSecret", "Consumer secret", true, true],
    ["webhookSecret", "Webhook secret", true, true],
    ["apiBaseUrl", "API base URL (optional)", false, false],
  ],
  shopify: [
    ["shopDomain", "Shop domain (<shop>.myshopify.com)", false, true],
    ["credentials.accessToken", "Admin API access token", true, true],
    ["apiBaseUrl", "API base URL (optional)", false, false],
  ],
  bigcommerce: [
    ["storeHash", "Store hash", false, true],
    ["credentials.accessToken", "API access token", true, true],
    ["apiBaseUrl", "API base URL (optional)", false, false],
  ],
  magento: [
    ["storeUrl", "Store URL", false, true],
    ["storeCode", "Store code", false, false],
    ["credentials.accessToken", "Integration access token", true, true],
    ["webhookSecret", "Webhook secret", true, true],
    ["apiBaseUrl", "API base URL (optional)", false, false],
  ],
};

function toBody(platform: Platform, form: FormData): Record<string, unknown> {
  const body: Record<string, unknown> = { platform, name: String(form.get("name") ?? "") };
  const credentials: Record<string, string> = {};
  for (const [field] of FIELDS[platform]) {
    const value = String(form.get(field) ?? "").trim();
    if (!value) continue;
    if (field.startsWith("credentials.")) credentials[field.slice("credentials.".length)] = value;
    else body[field] = value;
  }
  body.credentials = credentials;
  return body;
}

/** A zod or API issue path as the form field it belongs to (`credentials` alone: the first credential). */
function fieldOf(platform: Platform, path: string): string {
  if (path !== "credentials") return path;
  return FIELDS[platform].find(([field]) => field.startsWith("credentials."))?.[0] ?? path;
}

function AddConnection() {
  const [platform, setPlatform] = useState<Platform>("woocommerce");
  const create = useCreateConnection();
  const [local, setLocal] = useState<Record<string, string>>({});
  const api = problemsByField(create.error);
  const form = api.form;
  const fields = {
    ...Object.fromEntries(Object.entries(api.fields).map(([path, message]) => [fieldOf(platform, path), message])),
    ...local,
  };
  return (
    <DialogTrigger>
      <Button className="button primary">Add a store</Button>
      <Modal className="modal" isDismissable>
        <Dialog className="dialog">
          {({ close }) => (
            <Form
              validationErrors={fields}
              onSubmit={(e) => {
                e.preventDefault();
                // The API's own schema: a malformed shop domain or URL never leaves the page.
                const body = toBody(platform, new FormData(e.currentTarget));
                const parsed = CreateConnectionSchema.safeParse(body);
                if (!parsed.success) {
                  const issues = parsed.error.issues.map((i) => [fieldOf(platform, i.path.join(".")), i.message]);
                  setLocal(Object.fromEntries(issues));
                  return;
                }
                setLocal({});
                create.mutate(body, { onSuccess: close });
              }}
            >
              <Heading slot="title">Add a store</Heading>
              <Select
                selectedKey={platform}
                onSelectionChange={(key) => {
                  setPlatform(key as Platform);
                  setLocal({});
                  create.reset();
                }}
              >
                <Label>Platform</Label>
                <Button className="select-button">
                  <SelectValue />
                </Button>
                <Popover>
                  <ListBox>
                    <ListBoxItem id="woocommerce">WooCommerce</ListBoxItem>
                    <ListBoxItem id="shopify">Shopify</ListBoxItem>
                    <ListBoxItem id="bigcommerce">BigCommerce</ListBoxItem>
                    <ListBoxItem id="magento">Magento</ListBoxItem>
                  </ListBox>
                </Popover>
              </Select>
              <TextField name="name" isRequired maxLength={200}>
                <Label>Name</Label>
                <Input />
                <FieldError />
              </TextField>
              {FIELDS[platform].map(([field, label, secret, required]) => (
                <TextField
                  key={`${platform}-${field}`}
                  name={field}
                  isRequired={required}
                  type={secret ? "password" : "text"}
                >
                  <Label>{label}</Label>
                  <Input autoComplete="off" />
                  <FieldError />
                </TextField>
              ))}
              <DialogFooter
                error={form}
                pending={create.isPending}
                onCancel={close}
                submit="Connect"
                pendingLabel="Connecting…"
              />
            </Form>
          )}
        </Dialog>
      </Modal>
    </DialogTrigger>
  );
}

/**
 * The default install's "connect a simulated store": the server starts a simulated shop of the
 * chosen platform and connects it like any store, so a newcomer sees a real sync happen.
 */
function ConnectSimulatedStore({ platforms }: { platforms: readonly SimulatedPlatform[] }) {
  const [platform, setPlatform] = useState<SimulatedPlatform>(platforms[0]!);
  const connect = useConnectSimulatedStore();
  const { form, fields } = problemsByField(connect.error);
  const problem = form ?? fields.platform ?? null;
  return (
    <DialogTrigger onOpenChange={() => connect.reset()}>
      <Button className="button secondary">Connect a simulated store</Button>
      <Modal className="modal" isDismissable>
        <Dialog className="dialog">
          {({ close }) => (
            <Form
              onSubmit={(e) => {
                e.preventDefault();
                connect.mutate(platform, { onSuccess: close });
              }}
            >
              <Heading slot="title">Connect a simulated store</Heading>
              <p className="muted">
                A simulated shop with a few dozen frames runs inside this install. It is connected like a real store:
                its catalog syncs in, and it sends signed webhooks as its frames change.
              </p>
              <RadioGroup
                className="radio-group"
                value={platform}
                onChange={(value) => setPlatform(value as SimulatedPlatform)}
              >
                <Label>Platform</Label>
                {platforms.map((p) => (
                  <Radio key={p} value={p} className="radio">
                    {PLATFORM_LABELS[p]}
                  </Radio>
                ))}
              </RadioGroup>
              <DialogFooter
                error={problem}
                pending={connect.isPending}
                onCancel={close}
                submit="Connect"
                pendingLabel="Connecting…"
              />
            </Form>
          )}
        </Dialog>
      </Modal>
    </DialogTrigger>
  );
}

/**
 * A one-time code for a platform plugin's "Connect to VARAi" (the WooCommerce plugin): the store
 * it connects joins this tenant instead of a new one. Shown once; the API keeps only its hash.
 */
function LinkCodeButton() {
  const create = useCreateLinkCode();
  const { form } = problemsByField(create.error);
  return (
    <>
      <Button className="button secondary" isDisabled={create.isPending} onPress={() => create.mutate()}>
        {create.isPending ? "Making a code…" : "Link a plugin store"}
      </Button>
      {form && (
        <p className="form-error" role="alert">
          {form}
        </p>
      )}
      {create.data && (
        <ShownOnce
          title="Your link code"
          lead={`Paste it into the VARAi plugin's "Connect to VARAi" in your store's admin before ${new Date(
            create.data.expiresAt,
          ).toLocaleTimeString()}. It works once, and the store joins this tenant.`}
          value={create.data.code}
          testId="link-code"
          onClose={() => create.reset()}
        />
      )}
    </>
  );
}

/** Whether the polled run is further along than what the screen shows (finished, or more fetched). */
function isFurther(
  polled: { status: string; counts: { fetched: number } },
  shown: { status: string; counts: { fetched: number } },
): boolean {
  const done = (s: string) => s !== "queued" && s !== "running";
  if (done(shown.status)) return false;
  // A poll answered before the last live event must not step the screen back (running -> queued).
  return done(polled.status) || polled.counts.fetched > shown.counts.fetched;
}

function SyncStatus({ connection, live }: { connection: ConnectionView; live: SyncProgressData | undefined }) {
  // The live event is newer than the list whenever it is about the same or a later run.
  const liveOrListed =
    live ?? (connection.lastSync ? { ...connection.lastSync, pages: 0, runId: connection.lastSync.id } : null);
  const liveActive = liveOrListed?.status === "queued" || liveOrListed?.status === "running";
  // While a run shows as active, the API is asked too: a missed live event cannot freeze it.
  const polled = useSyncRunPoll(connection.id, liveOrListed?.runId ?? null, liveActive);
  const fresher =
    polled.data && liveOrListed && polled.data.id === liveOrListed.runId && isFurther(polled.data, liveOrListed)
      ? { ...liveOrListed, status: polled.data.status, counts: polled.data.counts, error: polled.data.error }
      : liveOrListed;
  const run = fresher;
  if (!run) return <p className="muted">No sync running.</p>;
  const active = run.status === "queued" || run.status === "running";
  return (
    <div className="sync-status">
      {active ? (
        <ProgressBar
          isIndeterminate
          aria-label={`Sync of ${connection.name}`}
          valueLabel={`${run.counts.fetched} products`}
        >
          {() => (
            <>
              {/* An indeterminate bar has no valueText: the counts are written out. */}
              <span className="progress-label">
                {run.mode} sync {run.status}: {run.counts.fetched} fetched, {run.counts.upserted} written
              </span>
              <div className="bar">
                <div className="fill" />
              </div>
            </>
          )}
        </ProgressBar>
      ) : (
        <span className={`badge run-${run.status}`}>
          Last {run.mode} sync {run.status}: {run.counts.upserted} written, {run.counts.failed} failed
          {run.error ? ` (${run.error})` : ""}
        </span>
      )}
    </div>
  );
}

function ConnectionCard({ connection, live }: { connection: ConnectionView; live: SyncProgressData | undefined }) {
  const canManage = useCan("connections:manage");
  const sync = useStartSync();
  const stats = connection.webhookStats;
  return (
    <article className="card" aria-labelledby={`con-${connection.id}`}>
      <header>
        <h2 id={`con-${connection.id}`}>{connection.name}</h2>
        <span className={`badge health-${connection.health}`}>{connection.health}</span>
      </header>
      <dl className="facts">
        <dt>Platform</dt>
        <dd>{connection.platform}</dd>
        <dt>Store</dt>
        <dd>{connection.shopDomain ?? connection.storeUrl ?? connection.storeHash ?? "—"}</dd>
        <dt>Webhooks accepted</dt>
        <dd>{stats.accepted}</dd>
        <dt>Rejected signatures</dt>
        <dd>{stats.rejectedSignatures}</dd>
        <dt>Duplicates / malformed</dt>
        <dd>
          {stats.duplicates} / {stats.malformed}
        </dd>
        <dt>Last delivery</dt>
        <dd>{connection.lastDeliveryAt ? new Date(connection.lastDeliveryAt).toLocaleString() : "none yet"}</dd>
        <dt>Last sync</dt>
        <dd>{connection.lastSyncAt ? new Date(connection.lastSyncAt).toLocaleString() : "never"}</dd>
      </dl>
      <SyncStatus connection={connection} live={live} />
      {canManage && connection.status === "active" && (
        <div className="card-actions">
          <Button
            className="button secondary"
            isDisabled={sync.isPending}
            onPress={() => sync.mutate({ id: connection.id, mode: "incremental" })}
          >
            Incremental sync
          </Button>
          <Button
            className="button secondary"
            isDisabled={sync.isPending}
            onPress={() => sync.mutate({ id: connection.id, mode: "full" })}
          >
            Full sync
          </Button>
        </div>
      )}
      {sync.error ? <ErrorState error={sync.error} /> : null}
    </article>
  );
}

export function ConnectionsScreen() {
  const connections = useConnections();
  const progress = useSyncProgress();
  const canManage = useCan("connections:manage");
  // Asked only of those who could use it; an older gateway without the endpoint offers nothing.
  const capabilities = useDemoCapabilities(canManage);
  const simulated = canManage ? (capabilities.data?.simulatedStores.platforms ?? []) : [];
  return (
    <section>
      <PageHeader title="Connections">
        {simulated.length > 0 && <ConnectSimulatedStore platforms={simulated} />}
        {canManage && <LinkCodeButton />}
        {canManage && <AddConnection />}
      </PageHeader>
      {connections.isPending ? (
        <Loading what="connections" />
      ) : connections.isError ? (
        <ErrorState error={connections.error} retry={() => void connections.refetch()} />
      ) : connections.data.items.length === 0 ? (
        <Empty>
          <p>No store is connected yet.</p>
          {!canManage ? (
            <p>Ask a tenant admin to connect one.</p>
          ) : simulated.length > 0 ? (
            <p>Add one to sync its catalog, or connect a simulated store to see a sync happen.</p>
          ) : (
            <p>Add one to sync its catalog.</p>
          )}
        </Empty>
      ) : (
        <div className="cards">
          {connections.data.items.map((c) => {
            // Live events arrived after the list was loaded, so they are the newer state.
            return <ConnectionCard key={c.id} connection={c} live={progress[c.id]} />;
          })}
        </div>
      )}
    </section>
  );
}

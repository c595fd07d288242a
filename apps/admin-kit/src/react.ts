import {
  type QueryClient,
  type UseQueryResult,
  useMutation,
  useQueries,
  useQuery,
  useQueryClient,
} from "@tanstack/react-query";
import { VaraiApiError } from "@varai/clients";
import { type Permission, roleHasPermission } from "@varai/schema";
import {
  createContext,
  createElement,
  type ReactNode,
  useContext,
  useEffect,
  useState,
  useSyncExternalStore,
} from "react";
import type { AdminApi, AnalyticsSummary, PrivacyRequestInput, ProductView } from "./api.ts";
import type {
  LiveConnection,
  LiveEvent,
  LiveStatus,
  LiveTopic,
  SyncProgressData,
  TrainingProgressData,
} from "./live.ts";
import type { AdminSession, SessionState } from "./session.ts";

/**
 * React bindings. Only hooks and one provider, no components or styles, so the Shopify app
 * (Polaris, React 18) and Studio (React 19) share them. Uses no React-19-only API.
 */
interface AdminContextValue {
  session: AdminSession;
  api: AdminApi;
  live: LiveConnection;
}
const AdminContext = createContext<AdminContextValue | null>(null);

/** Query keys, exported so an app can invalidate or prefetch. */
export const adminKeys = {
  connections: ["connections"] as const,
  connection: (id: string) => ["connections", id] as const,
  demoCapabilities: ["demo-capabilities"] as const,
  products: ["products"] as const,
  frameAsset: (assetId: string) => ["frame-assets", assetId] as const,
  analytics: ["analytics"] as const,
  widgetSettings: ["widget-settings"] as const,
  apiKeys: ["api-keys"] as const,
  users: (tenantId: string) => ["users", tenantId] as const,
  audit: ["audit"] as const,
  storedExports: ["privacy-exports"] as const,
  retention: ["retention"] as const,
  rules: ["recommendation-rules"] as const,
  models: ["models"] as const,
  tenants: ["tenants"] as const,
  tenantConnections: (tenantId: string) => ["tenants", tenantId, "connections"] as const,
};

export function AdminProvider(props: AdminContextValue & { children: ReactNode }) {
  const { session, api, live, children } = props;
  return createElement(AdminContext.Provider, { value: { session, api, live } }, children);
}

function useAdmin(): AdminContextValue {
  const value = useContext(AdminContext);
  if (!value) throw new Error("@varai/admin-kit hooks need an <AdminProvider>");
  return value;
}

export function useAdminApi(): AdminApi {
  return useAdmin().api;
}

export function useSession(): SessionState & { session: AdminSession } {
  const { session } = useAdmin();
  const state = useSyncExternalStore(session.subscribe, session.getState, session.getState);
  return { ...state, session };
}

/** Whether the signed-in role holds the permission (the same table the API enforces). */
export function useCan(permission: Permission): boolean {
  const state = useSession();
  return state.status === "signed-in" && roleHasPermission(state.role, permission);
}

export function useLiveStatus(): LiveStatus {
  const { live } = useAdmin();
  return useSyncExternalStore(
    live.onStatus,
    () => live.status,
    () => live.status,
  );
}

/** Calls `handler` for every live event of `topic` while mounted. */
export function useLiveEvent<T = Record<string, unknown>>(topic: LiveTopic, handler: (event: LiveEvent<T>) => void) {
  const { live } = useAdmin();
  const [latest] = useState(() => ({ handler }));
  latest.handler = handler;
  useEffect(
    () =>
      live.onEvent((event) => {
        if (event.topic === topic) latest.handler(event as LiveEvent<T>);
      }),
    [live, topic, latest],
  );
}

/**
 * Connects the live socket while signed in and turns its events into cache updates: sync and
 * webhook events refresh connections (and products once a run ends), analytics events refresh
 * the summary, a finished training run the model versions, a prepared asset the products, and
 * `resync` refreshes everything. Mount once, near the root.
 */
export function useLiveQueryBridge(queryClient: QueryClient): void {
  const { live } = useAdmin();
  const signedIn = useSession().status === "signed-in";
  useEffect(() => {
    if (!signedIn) return;
    live.connect();
    const offEvent = live.onEvent((event) => {
      if (event.topic === "analytics") void queryClient.invalidateQueries({ queryKey: adminKeys.analytics });
      if (event.topic === "webhooks") void queryClient.invalidateQueries({ queryKey: adminKeys.connections });
      if (event.topic === "assets") void queryClient.invalidateQueries({ queryKey: adminKeys.products });
      if (event.topic === "training" && (event.data as unknown as TrainingProgressData).status !== "running")
        void queryClient.invalidateQueries({ queryKey: adminKeys.models });
      if (event.topic === "sync") {
        const data = event.data as unknown as SyncProgressData;
        if (data.status !== "running") void queryClient.invalidateQueries({ queryKey: adminKeys.connections });
        if (data.status === "succeeded") void queryClient.invalidateQueries({ queryKey: adminKeys.products });
      }
    });
    const offResync = live.onResync(() => void queryClient.invalidateQueries());
    return () => {
      offEvent();
      offResync();
      live.close();
    };
  }, [live, queryClient, signedIn]);
}

/** The latest live progress of each connection's sync run, by connection id. */
export function useSyncProgress(): Record<string, SyncProgressData> {
  const [progress, setProgress] = useState<Record<string, SyncProgressData>>({});
  useLiveEvent<SyncProgressData>("sync", (event) =>
    setProgress((previous) => ({ ...previous, [event.data.connectionId]: event.data })),
  );
  return progress;
}

/**
 * A sync run as the API has it now, polled every `intervalMs` while `active`: the live socket
 * is best effort, so a screen showing a running sync must not wait forever on a missed event.
 */
export function useSyncRunPoll(connectionId: string, runId: string | null, active: boolean, intervalMs = 3000) {
  const api = useAdminApi();
  return useQuery({
    queryKey: [...adminKeys.connections, connectionId, "sync-run", runId],
    queryFn: () => api.syncRun(connectionId, runId ?? ""),
    enabled: active && runId !== null,
    refetchInterval: active ? intervalMs : false,
  });
}

export function useConnections() {
  const api = useAdminApi();
  return useQuery({ queryKey: adminKeys.connections, queryFn: api.connections });
}

export function useCreateConnection() {
  const api = useAdminApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: api.createConnection,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: adminKeys.connections }),
  });
}

/** What the install offers beyond the API proper (simulated stores); fetched only when `enabled`. */
export function useDemoCapabilities(enabled = true) {
  const api = useAdminApi();
  // A property of the install, not of the data: it changes only with a restart.
  return useQuery({
    queryKey: adminKeys.demoCapabilities,
    queryFn: api.demoCapabilities,
    enabled,
    staleTime: Infinity,
  });
}

/** Connects a simulated store (default install); its first full sync then shows through `useSyncProgress`. */
export function useConnectSimulatedStore() {
  const api = useAdminApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: api.connectSimulatedStore,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: adminKeys.connections }),
  });
}

/** A new link code on each call; nothing to invalidate (codes are not listed). */
export function useCreateLinkCode() {
  const api = useAdminApi();
  return useMutation({ mutationFn: api.createLinkCode });
}

export function useStartSync() {
  const api = useAdminApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, mode }: { id: string; mode: "full" | "incremental" }) => api.startSync(id, mode),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: adminKeys.connections }),
  });
}

/** Every product (pages of 100 followed to the end, at most `max`), for search and filtering. */
export function useAllProducts(max = 2000) {
  const api = useAdminApi();
  return useQuery({
    queryKey: adminKeys.products,
    queryFn: async () => {
      const items = [];
      let after: string | undefined;
      do {
        const page = await api.products({ limit: 100, ...(after ? { after } : {}) });
        items.push(...page.items);
        after = page.nextCursor ?? undefined;
      } while (after && items.length < max);
      return items;
    },
  });
}

export function useUpdateFrame() {
  const api = useAdminApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, patch }: { id: string; patch: Parameters<AdminApi["updateFrame"]>[1] }) =>
      api.updateFrame(id, patch),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: adminKeys.products }),
  });
}

export function usePrepareTryOnAsset() {
  const api = useAdminApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api.prepareTryOnAsset(id),
    onSuccess: (pending) => {
      // Show `pending` at once (preparing often takes less than a refetch), then refetch: the live
      // `assets` event may already have announced the outcome before this answer arrived.
      queryClient.setQueryData<ProductView[]>(adminKeys.products, (all) =>
        all?.map((p) => (p.id === pending.id ? pending : p)),
      );
      return queryClient.invalidateQueries({ queryKey: adminKeys.products });
    },
  });
}

/**
 * An object URL of a prepared frame asset, or null while it loads (or without an asset). The token
 * lives in memory, so the PNG is fetched with it and handed to <img> as a blob URL, revoked after use.
 */
export function useFrameAssetUrl(assetId: string | null | undefined): { url: string | null; error: unknown } {
  const api = useAdminApi();
  const asset = useQuery({
    queryKey: adminKeys.frameAsset(assetId ?? ""),
    queryFn: () => api.frameAsset(assetId as string),
    enabled: Boolean(assetId),
    // An asset id names immutable bytes: a rebuilt asset has a new id.
    staleTime: Number.POSITIVE_INFINITY,
  });
  const [url, setUrl] = useState<string | null>(null);
  useEffect(() => {
    if (!asset.data) {
      setUrl(null);
      return;
    }
    const next = URL.createObjectURL(asset.data);
    setUrl(next);
    return () => URL.revokeObjectURL(next);
  }, [asset.data]);
  return { url, error: asset.error };
}

export function useAnalyticsSummary(range: { from?: string; to?: string }): UseQueryResult<AnalyticsSummary> {
  const api = useAdminApi();
  return useQuery({
    queryKey: [...adminKeys.analytics, range.from ?? null, range.to ?? null],
    queryFn: () => api.analyticsSummary(range),
    // Live events invalidate it; keep showing the old numbers meanwhile (no flash of loading).
    placeholderData: (previous) => previous,
  });
}

export function useWidgetSettings() {
  const api = useAdminApi();
  return useQuery({ queryKey: adminKeys.widgetSettings, queryFn: api.widgetSettings });
}

export function useSaveWidgetSettings() {
  const api = useAdminApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ version, config }: { version: number; config: unknown }) => api.saveWidgetSettings(version, config),
    onSuccess: (saved) => queryClient.setQueryData(adminKeys.widgetSettings, saved),
  });
}

export function useApiKeys() {
  const api = useAdminApi();
  return useQuery({ queryKey: adminKeys.apiKeys, queryFn: api.apiKeys });
}

/** Creates a key; the answer (kept by the mutation, never in the query cache) holds the key once. */
export function useCreateApiKey() {
  const api = useAdminApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: api.createApiKey,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: adminKeys.apiKeys }),
  });
}

export function useRevokeApiKey() {
  const api = useAdminApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: api.revokeApiKey,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: adminKeys.apiKeys }),
  });
}

/** The users of a tenant (`null`: none named yet, e.g. a platform admin before picking one). */
export function useUsers(tenantId: string | null) {
  const api = useAdminApi();
  return useQuery({
    queryKey: adminKeys.users(tenantId ?? ""),
    queryFn: () => api.users(tenantId as string),
    enabled: tenantId !== null,
  });
}

export function useCreateUser(tenantId: string) {
  const api = useAdminApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: Record<string, unknown>) => api.createUser(tenantId, input),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: adminKeys.users(tenantId) }),
  });
}

export function useChangeUserRole(tenantId: string) {
  const api = useAdminApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ userId, role }: { userId: string; role: Parameters<AdminApi["changeUserRole"]>[2] }) =>
      api.changeUserRole(tenantId, userId, role),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: adminKeys.users(tenantId) }),
  });
}

/** One page of the audit log, newest first; `before` is the previous page's `nextBefore`. */
export function useAuditPage(query: { limit: number; before?: string }) {
  const api = useAdminApi();
  return useQuery({
    queryKey: [...adminKeys.audit, query.limit, query.before ?? null],
    queryFn: () => api.audit(query),
    placeholderData: (previous) => previous,
  });
}

/** Exports a shopper's data; the result is the mutation's data (shown, not cached). */
export function useExportShopper() {
  const api = useAdminApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: PrivacyRequestInput) => api.exportShopper(input),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: adminKeys.audit }),
  });
}

/** Erases a shopper's data; the result counts what each participant erased. */
export function useRedactShopper() {
  const api = useAdminApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: PrivacyRequestInput) => api.redactShopper(input),
    // Audited, and stored exports of the shopper are erased with the rest.
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: adminKeys.audit });
      void queryClient.invalidateQueries({ queryKey: adminKeys.storedExports });
    },
  });
}

export function useStoredExports() {
  const api = useAdminApi();
  return useQuery({ queryKey: adminKeys.storedExports, queryFn: api.storedExports });
}

export function useDownloadStoredExport() {
  const api = useAdminApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: api.downloadStoredExport,
    // The download count and the audit log move.
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: adminKeys.storedExports });
      void queryClient.invalidateQueries({ queryKey: adminKeys.audit });
    },
  });
}

export function useRetention() {
  const api = useAdminApi();
  return useQuery({ queryKey: adminKeys.retention, queryFn: api.retention });
}

export function useSaveRetention() {
  const api = useAdminApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: api.saveRetention,
    onSuccess: (saved) => queryClient.setQueryData(adminKeys.retention, saved),
  });
}

export function useRules() {
  const api = useAdminApi();
  return useQuery({ queryKey: adminKeys.rules, queryFn: api.rules });
}

export function useSaveRules() {
  const api = useAdminApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ rules, expectedVersion }: { rules: unknown; expectedVersion: number }) =>
      api.saveRules(rules, expectedVersion),
    onSuccess: (saved) => queryClient.setQueryData(adminKeys.rules, saved),
  });
}

/** Every tenant (platform admins). */
export function useTenants() {
  const api = useAdminApi();
  return useQuery({ queryKey: adminKeys.tenants, queryFn: api.tenants });
}

export function useCreateTenant() {
  const api = useAdminApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: api.createTenant,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: adminKeys.tenants }),
  });
}

/** Each tenant's connections (health, last sync, webhook counts), one query per tenant. */
export function useTenantsConnections(tenantIds: readonly string[]) {
  const api = useAdminApi();
  return useQueries({
    queries: tenantIds.map((tenantId) => ({
      queryKey: adminKeys.tenantConnections(tenantId),
      queryFn: () => api.tenantConnections(tenantId),
    })),
  });
}

export function useModels() {
  const api = useAdminApi();
  return useQuery({ queryKey: adminKeys.models, queryFn: api.models });
}

/** Trains now; the call answers when the run ends, `useTrainingProgress` shows it meanwhile. */
export function useTrainModel() {
  const api = useAdminApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: api.trainModel,
    onSettled: () => queryClient.invalidateQueries({ queryKey: adminKeys.models }),
  });
}

export function useActivateModel() {
  const api = useAdminApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: api.activateModel,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: adminKeys.models }),
  });
}

/** The latest live update of the tenant's training run (started here, elsewhere or by the schedule); null before any. */
export function useTrainingProgress(): TrainingProgressData | null {
  const [progress, setProgress] = useState<TrainingProgressData | null>(null);
  useLiveEvent<TrainingProgressData>("training", (event) => setProgress(event.data));
  return progress;
}

/** The ranking of a sample face with a draft of the rules (nothing stored). */
export function useRankingPreview() {
  const api = useAdminApi();
  return useMutation({ mutationFn: api.previewRanking });
}

/**
 * The API's problem details by field (`issues[].path`, e.g. `config.theme.primary` or
 * `dimensions.lensWidthMm`), for showing next to the inputs; `form` holds the detail otherwise.
 */
export function problemsByField(error: unknown): { form: string | null; fields: Record<string, string> } {
  if (!(error instanceof VaraiApiError))
    return { form: error ? String((error as Error).message ?? error) : null, fields: {} };
  const issues = Array.isArray(error.problem.issues)
    ? (error.problem.issues as Array<{ path?: string; message?: string }>)
    : [];
  const fields: Record<string, string> = {};
  for (const issue of issues) if (issue.path) fields[issue.path] = issue.message ?? "invalid";
  return { form: issues.length > 0 ? null : error.message, fields };
}

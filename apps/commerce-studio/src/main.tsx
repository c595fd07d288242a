import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { AdminProvider, createAdminApi, createAdminSession, createLiveConnection } from "@varai/admin-kit";
import { createVaraiClient } from "@varai/clients";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { actingTenant } from "./acting-tenant.ts";
import { App } from "./app.tsx";
import "./styles.css";

// Same origin: the gateway serves Studio at /studio (in dev, Vite proxies /v1 to it).
const baseUrl = window.location.origin;
// The refresh token stays in the API's HttpOnly cookie; the access token in memory only.
const session = createAdminSession({ baseUrl, refreshCookie: true });
// A reload (or a new tab) resumes the session through that cookie, or shows the login.
void session.restore();
const client = createVaraiClient({
  baseUrl,
  fetch: (input, init) => {
    // A platform admin acts on the tenant they picked (X-VARAi-Tenant); everyone else on their own.
    const tenant = actingTenant.get();
    const headers = { ...(init?.headers as Record<string, string>), ...(tenant ? { "X-VARAi-Tenant": tenant } : {}) };
    return session.authorizedFetch(String(input), { ...init, headers });
  },
});
// The same client acting on a given tenant: the all-tenants health screen reads each in turn.
const clientForTenant = (tenantId: string) =>
  createVaraiClient({
    baseUrl,
    fetch: (input, init) =>
      session.authorizedFetch(String(input), {
        ...init,
        headers: { ...(init?.headers as Record<string, string>), "X-VARAi-Tenant": tenantId },
      }),
  });
const api = createAdminApi(client, { clientForTenant });
const live = createLiveConnection({ baseUrl, getTicket: api.liveTicket });
// A socket is bound to the tenant of its ticket: a platform admin switching tenants gets a new one
// (with no resume point: event ids belong to one tenant).
actingTenant.subscribe(() => {
  if (session.getState().status !== "signed-in") return;
  live.close();
  live.connect();
});
const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      staleTime: 30_000,
      refetchOnWindowFocus: false,
      // A 4xx will not get better by asking again.
      retry: (count, error) => count < 2 && !(error as { status?: number }).status?.toString().startsWith("4"),
    },
  },
});

const root = document.getElementById("root");
if (root)
  createRoot(root).render(
    <StrictMode>
      <QueryClientProvider client={queryClient}>
        <AdminProvider session={session} api={api} live={live}>
          <App queryClient={queryClient} />
        </AdminProvider>
      </QueryClientProvider>
    </StrictMode>,
  );

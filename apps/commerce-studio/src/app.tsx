import { type QueryClient, useQueryClient } from "@tanstack/react-query";
import { useCan, useLiveQueryBridge, useLiveStatus, useSession } from "@varai/admin-kit";
import type { Permission } from "@varai/schema";
import { lazy, type ReactNode, Suspense, useState, useSyncExternalStore } from "react";
import { Button, Input, Label, TextField } from "react-aria-components";
import { BrowserRouter, Navigate, NavLink, Route, Routes } from "react-router";
import { actingTenant } from "./acting-tenant.ts";
import { Empty, Loading } from "./parts.tsx";
import { ApiKeysScreen } from "./screens/api-keys.tsx";
import { AuditScreen } from "./screens/audit.tsx";
import { CatalogScreen } from "./screens/catalog.tsx";
import { ConnectionsScreen } from "./screens/connections.tsx";
import { LoginScreen } from "./screens/login.tsx";
import { ModelsScreen } from "./screens/models.tsx";
import { PrivacyScreen } from "./screens/privacy.tsx";
import { RecommendationRulesScreen } from "./screens/recommendation-rules.tsx";
import { TenantsScreen } from "./screens/tenants.tsx";
import { TenantsHealthScreen } from "./screens/tenants-health.tsx";
import { TenantUsersScreen, UsersScreen } from "./screens/users.tsx";
import { WidgetSettingsScreen } from "./screens/widget-settings.tsx";

// The charts library is the biggest dependency: loaded with the analytics screen, not at login.
const AnalyticsScreen = lazy(() => import("./screens/analytics.tsx"));

const SCREENS: ReadonlyArray<{ path: string; label: string; permission: Permission }> = [
  // The platform admin's own screens first; nobody else holds tenants:list.
  { path: "tenants", label: "Tenants", permission: "tenants:list" },
  { path: "health", label: "All tenants' health", permission: "tenants:list" },
  { path: "connections", label: "Connections", permission: "connections:read" },
  { path: "catalog", label: "Catalog", permission: "catalog:read" },
  { path: "analytics", label: "Analytics", permission: "analytics:read" },
  { path: "widget-settings", label: "Widget settings", permission: "tenants:read" },
  { path: "recommendation-rules", label: "Recommendation rules", permission: "recommendations:manage" },
  { path: "models", label: "Models", permission: "recommendations:manage" },
  { path: "api-keys", label: "API keys", permission: "api-keys:manage" },
  { path: "users", label: "Users and roles", permission: "users:manage" },
  { path: "audit", label: "Audit log", permission: "audit:read" },
  { path: "privacy", label: "Privacy requests", permission: "privacy:manage" },
];

/** A screen the role may not use: said plainly (the API would refuse its calls anyway). */
function Allowed({ permission, children }: { permission: Permission; children: ReactNode }) {
  const allowed = useCan(permission);
  if (!allowed) return <Empty>Your role does not give access to this screen.</Empty>;
  return children;
}

const ROLE_LABELS = {
  platform_admin: "Platform admin",
  tenant_admin: "Tenant admin",
  tenant_staff: "Staff",
  viewer: "Viewer (read-only)",
} as const;

export function App({ queryClient }: { queryClient: QueryClient }) {
  const state = useSession();
  useLiveQueryBridge(queryClient);
  if (state.status === "restoring")
    return (
      <main className="login" id="main">
        <Loading what="your session" />
      </main>
    );
  if (state.status !== "signed-in") return <LoginScreen expired={state.reason === "expired"} />;
  return (
    <BrowserRouter basename="/studio">
      <Shell />
    </BrowserRouter>
  );
}

function NavItem({ path, label, permission }: (typeof SCREENS)[number]) {
  const allowed = useCan(permission);
  if (!allowed) return null;
  return (
    <li>
      <NavLink to={`/${path}`}>{label}</NavLink>
    </li>
  );
}

function TenantPicker() {
  const tenant = useSyncExternalStore(actingTenant.subscribe, actingTenant.get);
  const [draft, setDraft] = useState(tenant ?? "");
  const queryClient = useQueryClient();
  return (
    <form
      className="tenant-picker"
      onSubmit={(e) => {
        e.preventDefault();
        actingTenant.set(draft.trim() || null);
        void queryClient.invalidateQueries();
      }}
    >
      <TextField value={draft} onChange={setDraft}>
        <Label>Act on tenant</Label>
        <Input placeholder="ten_…" />
      </TextField>
      <Button type="submit">Switch</Button>
    </form>
  );
}

function Shell() {
  const state = useSession();
  const live = useLiveStatus();
  const acting = useSyncExternalStore(actingTenant.subscribe, actingTenant.get);
  if (state.status !== "signed-in") return null;
  const { me, role, session } = state;
  // A platform admin starts at the tenant directory: the shop screens need a tenant picked first.
  const home = role === "platform_admin" ? "/tenants" : "/connections";
  return (
    <div className="shell">
      <header className="topbar">
        <a className="skip-link" href="#main">
          Skip to content
        </a>
        <span className="brand">VARAi Commerce Studio</span>
        <span className="tenant">{me.tenant?.name ?? "Platform"}</span>
        {/* Keyed by the tenant so a pick made elsewhere ("Act on it") shows in the field. */}
        {role === "platform_admin" && <TenantPicker key={acting ?? ""} />}
        <span className={`live live-${live}`} role="status" aria-live="polite">
          {live === "open" ? "Live" : live === "reconnecting" ? "Reconnecting…" : "Connecting…"}
        </span>
        <span className="who">
          {me.user.email} · {ROLE_LABELS[role]}
        </span>
        <Button className="button secondary" onPress={() => void session.logout()}>
          Sign out
        </Button>
      </header>
      <nav aria-label="Screens" className="sidebar">
        <ul>
          {SCREENS.map((screen) => (
            <NavItem key={screen.path} {...screen} />
          ))}
        </ul>
      </nav>
      <main id="main" className="content">
        <Suspense fallback={<Loading what="screen" />}>
          <Routes>
            <Route path="/" element={<Navigate to={home} replace />} />
            <Route
              path="/tenants"
              element={
                <Allowed permission="tenants:list">
                  <TenantsScreen />
                </Allowed>
              }
            />
            <Route
              path="/tenants/:tenantId/users"
              element={
                <Allowed permission="tenants:list">
                  <TenantUsersScreen />
                </Allowed>
              }
            />
            <Route
              path="/health"
              element={
                <Allowed permission="tenants:list">
                  <TenantsHealthScreen />
                </Allowed>
              }
            />
            <Route path="/connections" element={<ConnectionsScreen />} />
            <Route path="/catalog" element={<CatalogScreen />} />
            <Route path="/analytics" element={<AnalyticsScreen />} />
            <Route path="/widget-settings" element={<WidgetSettingsScreen />} />
            <Route
              path="/recommendation-rules"
              element={
                <Allowed permission="recommendations:manage">
                  <RecommendationRulesScreen />
                </Allowed>
              }
            />
            <Route
              path="/models"
              element={
                <Allowed permission="recommendations:manage">
                  <ModelsScreen />
                </Allowed>
              }
            />
            <Route
              path="/api-keys"
              element={
                <Allowed permission="api-keys:manage">
                  <ApiKeysScreen />
                </Allowed>
              }
            />
            <Route
              path="/users"
              element={
                <Allowed permission="users:manage">
                  <UsersScreen />
                </Allowed>
              }
            />
            <Route
              path="/audit"
              element={
                <Allowed permission="audit:read">
                  <AuditScreen />
                </Allowed>
              }
            />
            <Route
              path="/privacy"
              element={
                <Allowed permission="privacy:manage">
                  <PrivacyScreen />
                </Allowed>
              }
            />
            <Route path="*" element={<Navigate to={home} replace />} />
          </Routes>
        </Suspense>
      </main>
    </div>
  );
}

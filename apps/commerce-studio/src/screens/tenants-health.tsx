import { type ConnectionView, type TenantView, useTenants, useTenantsConnections } from "@varai/admin-kit";
import type { ReactNode } from "react";
import { Empty, ErrorState, Loading, PageHeader } from "../parts.tsx";

const when = (iso: string | null) => (iso ? new Date(iso).toLocaleString() : "never");
const count = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** Webhook deliveries that were refused: a bad signature or a body that did not parse. */
const webhookFailures = (c: ConnectionView) => c.webhookStats.rejectedSignatures + c.webhookStats.malformed;

function ConnectionRow({
  tenant,
  connection,
  first,
}: {
  tenant: TenantView;
  connection: ConnectionView;
  first: boolean;
}) {
  const failures = webhookFailures(connection);
  return (
    <tr data-connection-id={connection.id}>
      <th scope="row">{first ? tenant.name : <span className="visually-hidden">{tenant.name}</span>}</th>
      <td>
        {connection.name} <span className="muted">({connection.platform})</span>
      </td>
      <td>
        <span className={`badge health-${connection.health}`}>{connection.health}</span>
      </td>
      {/* The list carries the time of the last sync; its outcome shows in the health. */}
      <td className="last-sync">
        {connection.lastSync ? (
          <>
            <span className={`badge run-${connection.lastSync.status}`}>{connection.lastSync.status}</span>{" "}
            {when(connection.lastSync.finishedAt ?? connection.lastSync.startedAt ?? connection.lastSyncAt)}
          </>
        ) : (
          when(connection.lastSyncAt)
        )}
      </td>
      <td>
        <span className={failures > 0 ? "flag" : undefined}>{failures}</span>
        <span className="muted">
          {" "}
          ({count(connection.webhookStats.rejectedSignatures, "bad signature")},{" "}
          {count(connection.webhookStats.malformed, "malformed body", "malformed bodies")})
        </span>
      </td>
      <td>{when(connection.lastDeliveryAt)}</td>
    </tr>
  );
}

/** One line per tenant without a connection, or while its connections load or failed to. */
function TenantLine({ tenant, children }: { tenant: TenantView; children: ReactNode }) {
  return (
    <tr data-tenant-id={tenant.id}>
      <th scope="row">{tenant.name}</th>
      <td colSpan={5}>{children}</td>
    </tr>
  );
}

/** Every tenant's stores at a glance: health, the last sync, refused webhooks (platform admins). */
export function TenantsHealthScreen() {
  const tenants = useTenants();
  const items = tenants.data?.items ?? [];
  const connections = useTenantsConnections(items.map((t) => t.id));
  const all = connections.flatMap((q) => q.data?.items ?? []);
  const failing = all.filter((c) => c.health === "failing" || c.health === "degraded").length;
  return (
    <section>
      <PageHeader title="All tenants' health" />
      {tenants.isPending ? (
        <Loading what="tenants" />
      ) : tenants.isError ? (
        <ErrorState error={tenants.error} retry={() => void tenants.refetch()} />
      ) : items.length === 0 ? (
        <Empty>
          <p>No tenant yet.</p>
        </Empty>
      ) : (
        <>
          <p className="muted" role="status">
            {count(items.length, "tenant")}, {count(all.length, "connected store")}, {failing} degraded or failing,{" "}
            {count(
              all.reduce((sum, c) => sum + webhookFailures(c), 0),
              "refused webhook delivery",
              "refused webhook deliveries",
            )}
            .
          </p>
          <table className="table">
            <caption className="visually-hidden">Health of every tenant's stores</caption>
            <thead>
              <tr>
                <th scope="col">Tenant</th>
                <th scope="col">Store</th>
                <th scope="col">Health</th>
                <th scope="col">Last sync</th>
                <th scope="col">Webhook failures</th>
                <th scope="col">Last delivery</th>
              </tr>
            </thead>
            <tbody>
              {items.map((tenant, i) => {
                const query = connections[i];
                if (!query || query.isPending)
                  return (
                    <TenantLine key={tenant.id} tenant={tenant}>
                      <span className="muted">Loading…</span>
                    </TenantLine>
                  );
                if (query.isError)
                  return (
                    <TenantLine key={tenant.id} tenant={tenant}>
                      <ErrorState error={query.error} retry={() => void query.refetch()} />
                    </TenantLine>
                  );
                if (query.data.items.length === 0)
                  return (
                    <TenantLine key={tenant.id} tenant={tenant}>
                      <span className="muted">No store connected.</span>
                    </TenantLine>
                  );
                return query.data.items.map((connection, n) => (
                  <ConnectionRow key={connection.id} tenant={tenant} connection={connection} first={n === 0} />
                ));
              })}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}

import type { ConnectionDoc } from "./collections.ts";
import type { SyncContext } from "./sync-types.ts";

/** Creates missing webhook subscriptions and re-enables disabled ones; never fails the caller. */
export async function ensureWebhooks(c: SyncContext, connection: ConnectionDoc): Promise<void> {
  const { store, deps, registry, governor } = c;
  const adapter = registry.adapterFor(connection);
  if (!adapter.capabilities.webhookRegistration || connection.status !== "active") return;
  await governor.acquire(connection.id, 1);
  const result = await adapter.registerWebhooks(c.webhookUrlOf(connection));
  // Its calls reported no signal here; the next response's report includes them.
  governor.observe(connection.id, null);
  const check = result.ok
    ? {
        checkedAt: c.now(),
        created: result.value.created.length,
        reactivated: result.value.reactivated.length,
        error: null,
      }
    : { checkedAt: c.now(), created: 0, reactivated: 0, error: result.error.message };
  if (!result.ok)
    deps.logger.warn({ connectionId: connection.id, code: result.error.code }, "webhook registration failed");
  await store.connections.updateOne(connection.tenantId, { id: connection.id }, { $set: { webhookCheck: check } });
}

import type { Logger } from "./logger.ts";

/**
 * Tells a merchant that something needs them, e.g. that a shopper's data export (Shopify
 * `customers/data_request`) is ready to download. A notification names the tenant and what
 * to fetch, never shopper data: the export itself stays behind the authenticated API.
 * The default logs; a deployment wires email or a webhook (`createWebhookNotifier`).
 */
export interface MerchantNotification {
  tenantId: string;
  kind: "privacy.export.ready";
  /** Where a tenant admin fetches it (a path of this API). */
  path: string;
  expiresAt: string;
  /** e.g. the platform and its request id, for the merchant's own records. */
  source?: Record<string, string>;
}

export interface Notifier {
  /** Must not throw for a delivery problem the caller cannot fix: logs it and returns. */
  notify(notification: MerchantNotification): Promise<void>;
}

export function createLoggingNotifier(logger: Logger): Notifier {
  return {
    async notify(n) {
      logger.info(
        { tenantId: n.tenantId, kind: n.kind, path: n.path, expiresAt: n.expiresAt },
        "merchant notification",
      );
    },
  };
}

/**
 * POSTs each notification as JSON to a URL of the deployment's choosing (a mail relay, a chat
 * hook, Studio's inbox). `fetch` should be runtime's guarded fetch. Failures are logged: the
 * export is stored and listed whether or not the merchant was reached.
 */
export function createWebhookNotifier(options: {
  url: string;
  fetch: typeof globalThis.fetch;
  logger: Logger;
  /** Sent as `Authorization: Bearer <token>` when set. */
  token?: string;
}): Notifier {
  return {
    async notify(n) {
      try {
        const response = await options.fetch(options.url, {
          method: "POST",
          headers: {
            "content-type": "application/json",
            ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
          },
          body: JSON.stringify(n),
          signal: AbortSignal.timeout(10_000),
        });
        await response.arrayBuffer().catch(() => undefined);
        if (!response.ok) options.logger.warn({ tenantId: n.tenantId, status: response.status }, "notifier refused");
      } catch (error) {
        options.logger.warn({ tenantId: n.tenantId, err: error }, "notifier unreachable");
      }
    },
  };
}

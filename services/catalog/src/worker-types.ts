import type { RuntimeDeps } from "@varai/runtime";
import type { Platform } from "@varai/schema";
import type { ConnectionDoc } from "./collections.ts";
import type { CatalogStore } from "./connections-store.ts";
import type { RateGovernor } from "./governor.ts";
import type { ProductWriter } from "./product-writer.ts";
import type { AdapterRegistry } from "./registry.ts";
import type { StatsBuffer } from "./webhook-stats.ts";

export interface OrderNotification {
  tenantId: string;
  platform: Platform;
  connectionId: string;
  orderId: string;
  occurredAt: string;
  currency: string;
  total: string;
  lineItems: Array<{ productExternalId: string; productId?: string; quantity: number; price: string }>;
  varaiSessionId: string | null;
}

export interface PrivacyRequest {
  tenantId: string;
  platform: Platform;
  connectionId: string;
  kind: "shopper-export" | "shopper-redact" | "shop-redact";
  shopperId?: string;
  shopperEmail?: string;
  orderIds?: string[];
  /** The platform's id of the request (Shopify `data_request.id`). */
  requestId?: string;
}

export interface WorkerDeps {
  deps: RuntimeDeps;
  store: CatalogStore;
  registry: AdapterRegistry;
  writer: ProductWriter;
  governor: RateGovernor;
  /** Counts a delivery whose product did not map to a valid ProductDraft as malformed. */
  stats?: StatsBuffer;
  onOrder?: (order: OrderNotification) => Promise<void>;
  onPrivacyRequest?: (request: PrivacyRequest) => Promise<void>;
  /** After a BigCommerce uninstall, when the shop's data is erased. Default 48 h, as Shopify's shop/redact. */
  shopRedactDelayMs?: number;
}

/** The event's tenant, connection and arrival, as every handler needs them. */
export interface EventTarget {
  tenantId: string;
  connectionId: string;
  receivedAt: string;
  connection: ConnectionDoc;
}

import { generateCatalog, type SimProduct } from "./catalog.ts";

/**
 * The platform-neutral state of one simulated store: its catalog, mutations, injected faults
 * and a request log. Each platform module (shopify.ts, woocommerce.ts; magento and bigcommerce
 * next) serialises this state in its own format and enforces its own limits.
 */
export interface SimStore {
  readonly products: Map<number, SimProduct>;
  /** Moves `updatedAt` forward (strictly, even within one millisecond) and applies a patch. */
  updateProduct(index: number, patch?: Partial<Omit<SimProduct, "index">>): SimProduct;
  deleteProduct(index: number): void;
  /** Makes the next `times` API calls answer `status` (5xx outages, 401 revoked keys). */
  failNext(status: number, times?: number): void;
  /** Consumes one injected failure, if any. */
  takeFailure(): number | null;
  /** Every API call served (path + query), newest last, bounded. */
  readonly requestLog: string[];
  log(entry: string): void;
  latencyMs: number;
}

export interface SimStoreOptions {
  seed?: number;
  products?: number;
  variableFraction?: number;
  latencyMs?: number;
  clock?: () => number;
}

export function createSimStore(options: SimStoreOptions = {}): SimStore {
  const clock = options.clock ?? Date.now;
  const products = new Map<number, SimProduct>();
  for (const p of generateCatalog({
    seed: options.seed ?? 42,
    count: options.products ?? 20,
    ...(options.variableFraction !== undefined ? { variableFraction: options.variableFraction } : {}),
  }))
    products.set(p.index, p);
  const failures: number[] = [];
  const requestLog: string[] = [];
  return {
    products,
    updateProduct(index, patch = {}) {
      const current = products.get(index);
      if (!current) throw new Error(`simulated product ${index} does not exist`);
      const previous = Date.parse(current.updatedAt);
      const updatedAt = new Date(Math.max(clock(), previous + 1000)).toISOString();
      const next = { ...current, ...patch, index, updatedAt: patch.updatedAt ?? updatedAt };
      products.set(index, next);
      return next;
    },
    deleteProduct(index) {
      products.delete(index);
    },
    failNext(status, times = 1) {
      for (let i = 0; i < times; i++) failures.push(status);
    },
    takeFailure: () => failures.shift() ?? null,
    requestLog,
    log(entry) {
      requestLog.push(entry);
      if (requestLog.length > 50_000) requestLog.splice(0, 10_000);
    },
    latencyMs: options.latencyMs ?? 0,
  };
}

/** Serialises with the named fields' digit strings written as bare JSON numbers (64-bit ids as platforms send them). */
export function jsonWithNumericIds(value: unknown, fields: readonly string[]): string {
  const pattern = new RegExp(`"(${fields.join("|")})":"(\\d+)"`, "g");
  return JSON.stringify(value).replace(pattern, '"$1":$2');
}

export interface SimWebhook {
  headers: Record<string, string>;
  body: Buffer;
}

/** POSTs a prepared webhook to a target URL; returns the status. */
export async function deliver(target: string, webhook: SimWebhook): Promise<number> {
  const response = await fetch(target, {
    method: "POST",
    headers: webhook.headers,
    body: new Uint8Array(webhook.body),
  });
  await response.arrayBuffer();
  return response.status;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

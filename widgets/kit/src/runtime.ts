import { createVaraiClient, type VaraiClient } from "@varai/clients";
import type { AnalyticsEventInput } from "@varai/schema";
import {
  DEFAULT_WIDGET_CONFIG,
  type WidgetConfig,
  WidgetConfigSchema,
  type WidgetProduct,
  WidgetProductListSchema,
} from "./config.ts";
import { createEventBatcher, type EventBatcher } from "./events.ts";

/** What the loader (`varai.js`) leaves on `window.VARAi` for the element chunks. */
export interface VaraiBootstrap {
  base: string;
  key: string | null;
  /**
   * Set only by Commerce Studio's preview page (`/studio/preview`): the merchant's unsaved
   * settings, used instead of `/widget/config`, and no events sent (a preview is not a
   * shopper). Storefronts never set it, so they always read `/widget/config`.
   */
  previewConfig?: unknown;
  runtime?: WidgetRuntime;
}

export interface WidgetRuntime {
  base: string;
  key: string | null;
  client: VaraiClient;
  config: Promise<WidgetConfig>;
  products(query: { ids?: readonly string[]; sku?: string; limit?: number }): Promise<WidgetProduct[]>;
  events: EventBatcher;
  /** The logged-in shopper (an element's `shopper-id`), sent with events, analyses and recommendations. */
  readonly shopper: Shopper;
  identify(shopper: Shopper): void;
}

export interface Shopper {
  shopperId?: string;
  shopperEmail?: string;
  /** `shopper-consent`: personalised analytics and recommendations (not photo storage). */
  consent?: boolean;
}

/**
 * What events and recommendation requests say of the shopper: the id with `consent: true` when
 * the storefront reported consent, nothing otherwise (the API refuses a shopper id without it).
 */
export function personalisation(shopper: Shopper): { shopperId?: string; consent?: true } {
  return shopper.shopperId && shopper.consent ? { shopperId: shopper.shopperId, consent: true } : {};
}

declare global {
  interface Window {
    VARAi?: VaraiBootstrap;
  }
}

/** The one runtime of the page, shared by every element (chunks share this module, but the page may load two copies). */
export function getRuntime(): WidgetRuntime {
  window.VARAi ??= { base: location.origin, key: null };
  const boot = window.VARAi;
  boot.runtime ??= createRuntime(boot.base, boot.key, boot.previewConfig);
  return boot.runtime;
}

function keyHeaders(key: string | null): Record<string, string> {
  return key ? { "X-VARAi-Key": key } : {};
}

function parseConfig(json: unknown): WidgetConfig {
  const parsed = WidgetConfigSchema.safeParse(json);
  return parsed.success ? parsed.data : DEFAULT_WIDGET_CONFIG;
}

export function createRuntime(base: string, key: string | null, previewConfig?: unknown): WidgetRuntime {
  const client = createVaraiClient({ baseUrl: base, publishableKey: key ?? undefined });
  const preview = previewConfig !== undefined;

  const config = preview
    ? Promise.resolve(parseConfig(previewConfig))
    : fetch(`${base}/widget/config`, { headers: keyHeaders(key), credentials: "omit" })
        .then((r) => (r.ok ? r.json() : {}))
        .then(parseConfig)
        // The widgets keep working on defaults when the config cannot be read.
        .catch(() => DEFAULT_WIDGET_CONFIG);

  const productCache = new Map<string, Promise<WidgetProduct[]>>();
  function products(query: { ids?: readonly string[]; sku?: string; limit?: number }): Promise<WidgetProduct[]> {
    const params = new URLSearchParams();
    if (query.ids?.length) params.set("ids", query.ids.join(","));
    if (query.sku) params.set("sku", query.sku);
    if (query.limit) params.set("limit", String(query.limit));
    const url = `${base}/widget/products?${params}`;
    let hit = productCache.get(url);
    if (!hit) {
      hit = fetch(url, { headers: keyHeaders(key), credentials: "omit" })
        .then((r) => (r.ok ? r.json() : Promise.reject(new Error(`HTTP ${r.status}`))))
        .then((json) => WidgetProductListSchema.parse(json).items);
      hit.catch(() => productCache.delete(url));
      productCache.set(url, hit);
    }
    return hit;
  }

  const events = createEventBatcher({
    sessionId: sessionId(),
    // A batch that carries the shopper carries the consent it was given under (see identify).
    send: (batch) =>
      preview ? Promise.resolve() : client.sendEvents(batch, batch.some((e) => e.shopperId) ? { consent: true } : {}),
    beacon: (batch) => (preview ? true : beacon(base, key, batch)),
  });
  // pagehide is the last reliable moment on mobile (unload is not fired); hidden tabs may never come back.
  addEventListener("pagehide", () => events.flushOnHide());
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "hidden") events.flushOnHide();
  });

  let shopper: Shopper = {};
  return {
    base,
    key,
    client,
    config,
    products,
    events,
    get shopper() {
      return shopper;
    },
    identify(next) {
      shopper = { ...next };
      events.setShopperId(personalisation(shopper).shopperId);
    },
  };
}

/**
 * sendBeacon cannot set headers, so the publishable key travels in the query string
 * (`?key=`), which the events route accepts; the body is text/plain so that a cross-origin
 * beacon is a CORS-simple request (an application/json beacon would need a preflight).
 */
function beacon(base: string, key: string | null, batch: AnalyticsEventInput[]): boolean {
  if (typeof navigator.sendBeacon !== "function") return false;
  const url = `${base}/v1/events${key ? `?key=${encodeURIComponent(key)}` : ""}`;
  try {
    const consent = batch.some((e) => e.shopperId) ? { consent: true } : {};
    return navigator.sendBeacon(url, new Blob([JSON.stringify({ events: batch, ...consent })], { type: "text/plain" }));
  } catch {
    return false;
  }
}

function sessionId(): string {
  const make = () => `ses_${Math.random().toString(36).slice(2)}${Date.now().toString(36)}`;
  try {
    let id = sessionStorage.getItem("varai:session");
    if (!id) {
      id = make();
      sessionStorage.setItem("varai:session", id);
    }
    return id;
  } catch {
    return make();
  }
}

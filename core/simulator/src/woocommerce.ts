import { createHmac, randomUUID } from "node:crypto";
import type { SimProduct } from "./catalog.ts";
import { createSimStore, type SimStore, type SimStoreOptions, type SimWebhook, sleep } from "./store.ts";

export const wooProductId = (index: number) => String(100 + index);
export const wooVariationId = (index: number, v: number) => String(1_000_000 + index * 10 + v);

export interface WooSimOptions extends SimStoreOptions {
  /** The store's home URL as WooCommerce knows it (part of the OAuth base string). */
  storeUrl?: string;
  consumerKey?: string;
  consumerSecret?: string;
  /** The secret the simulated webhooks are signed with. */
  webhookSecret?: string;
  currency?: string;
  /** Host-level limit (token bucket of this many requests, refilled per second). Default: none. */
  requestsPerSecond?: number;
  /**
   * Serves at most this many products per page whatever `per_page` asks (a host or plugin that
   * lowers WordPress's cap; the headers follow it). The demo uses it so a backfill takes visible
   * pages. Default: none (per_page as asked, 1-100).
   */
  maxPageSize?: number;
}

export interface WooSim {
  readonly platform: "woocommerce";
  readonly store: SimStore;
  readonly consumerKey: string;
  readonly consumerSecret: string;
  readonly webhookSecret: string;
  readonly webhooks: Array<{ id: string; topic: string; delivery_url: string; status: string; secret: string }>;
  readonly stats: { requests: number; throttled: number; unauthorized: number };
  ceilingProductsPerSecond(pageSize: number): number;
  externalId(index: number): string;
  indexOf(externalId: string): number;
  /** Handles a request whose path is relative to the site root (`/wp-json/wc/v3/...`). */
  handle(request: Request, path: string): Promise<Response | null>;
  /**
   * One webhook delivery as WooCommerce would send it; `copies` > 1 produces that many identical
   * bodies with fresh delivery ids (one admin save firing product.updated several times).
   */
  webhooksFor(
    topic: string,
    options?: { index?: number; signature?: "valid" | "bad" | "none"; copies?: number; body?: string | Buffer },
  ): SimWebhook[];
  ping(webhookId?: number): SimWebhook;
  restProduct(index: number): Record<string, unknown>;
}

const enc = (s: string) =>
  encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

export function createWooSim(options: WooSimOptions = {}): WooSim {
  const store = createSimStore(options);
  const consumerKey = options.consumerKey ?? "ck_simulated";
  const consumerSecret = options.consumerSecret ?? "cs_simulated";
  const webhookSecret = options.webhookSecret ?? "woo-webhook-secret";
  const currency = options.currency ?? "USD";
  const rps = options.requestsPerSecond ?? null;
  let tokens = rps ?? 0;
  let refilledAt = performance.now();
  const stats = { requests: 0, throttled: 0, unauthorized: 0 };
  const webhooks: WooSim["webhooks"] = [];
  let lastHookId = 0;
  const byExternal = new Map<string, number>();
  for (const index of store.products.keys()) byExternal.set(wooProductId(index), index);

  const gmt = (iso: string) => iso.replace(/\.\d{3}Z$/, "");
  const restProduct = (index: number): Record<string, unknown> => {
    const p = store.products.get(index) as SimProduct;
    const variable = p.variants.length > 1;
    return {
      id: Number(wooProductId(index)),
      name: p.corrupt ? 42 : p.title,
      slug: p.handle,
      permalink: `https://store.example/product/${p.handle}`,
      date_created_gmt: gmt(p.createdAt),
      date_modified_gmt: gmt(p.updatedAt),
      type: variable ? "variable" : "simple",
      status: p.status === "active" ? "publish" : "draft",
      sku: p.variants[0]!.sku,
      price: p.variants[0]!.price,
      regular_price: variable ? "" : p.variants[0]!.price,
      manage_stock: true,
      stock_quantity: p.variants[0]!.stock,
      categories: [{ id: 15, name: "Eyeglasses", slug: "eyeglasses" }],
      tags: p.tags.map((t, i) => ({ id: i + 1, name: t })),
      brands: [{ id: 3, name: p.vendor }],
      images: p.images.map((img, i) => ({ id: 500 + i, src: img.url, alt: img.alt })),
      attributes: [
        { id: 0, name: "Frame Shape", visible: true, variation: false, options: [p.frame.shape] },
        { id: 0, name: "Rim Type", visible: true, variation: false, options: [p.frame.rim] },
        { id: 0, name: "Material", visible: true, variation: false, options: [p.frame.material] },
        { id: 0, name: "Frame Width", visible: true, variation: false, options: [`${p.frame.frameWidthMm} mm`] },
        { id: 0, name: "Lens Width", visible: true, variation: false, options: [`${p.frame.lensWidthMm} mm`] },
        { id: 0, name: "Bridge Width", visible: true, variation: false, options: [`${p.frame.bridgeWidthMm}mm`] },
        { id: 0, name: "Temple Length", visible: true, variation: false, options: [`${p.frame.templeLengthMm} mm`] },
        { id: 0, name: "Color", visible: true, variation: variable, options: p.variants.map((v) => v.color) },
      ],
      variations: variable ? p.variants.map((v) => Number(wooVariationId(index, v.index))) : [],
      meta_data: [],
    };
  };
  const variations = (index: number) => {
    const p = store.products.get(index) as SimProduct;
    return p.variants.map((v) => ({
      id: Number(wooVariationId(index, v.index)),
      sku: v.sku,
      price: v.price,
      regular_price: v.price,
      manage_stock: true,
      stock_quantity: v.stock,
      attributes: [{ id: 0, name: "Color", option: v.color }],
    }));
  };

  /** Basic over any scheme (tests), or OAuth 1.0a one-legged as Woo checks it. */
  const authorized = (request: Request, url: URL): boolean => {
    const header = request.headers.get("authorization");
    if (header?.startsWith("Basic ")) {
      return Buffer.from(header.slice(6), "base64").toString() === `${consumerKey}:${consumerSecret}`;
    }
    const q = url.searchParams;
    if (q.get("oauth_consumer_key") !== consumerKey) return false;
    const method = q.get("oauth_signature_method");
    const algorithm = method === "HMAC-SHA256" ? "sha256" : method === "HMAC-SHA1" ? "sha1" : null;
    const timestamp = Number(q.get("oauth_timestamp"));
    if (!algorithm || !q.get("oauth_nonce") || Math.abs(Date.now() / 1000 - timestamp) > 15 * 60) return false;
    const params = [...q.entries()]
      .filter(([k]) => k !== "oauth_signature")
      .map(([k, v]) => [enc(k), enc(v)] as const)
      .sort(([ak, av], [bk, bv]) => (ak === bk ? (av < bv ? -1 : 1) : ak < bk ? -1 : 1))
      .map(([k, v]) => `${k}=${v}`)
      .join("&");
    const base = `${request.method}&${enc(`${url.origin}${url.pathname}`)}&${enc(params)}`;
    const expected = createHmac(algorithm, `${consumerSecret}&`).update(base).digest("base64");
    return expected === q.get("oauth_signature");
  };

  const problem = (status: number, code: string, message: string) =>
    Response.json({ code, message, data: { status } }, { status });

  const api = async (request: Request, route: string, url: URL): Promise<Response> => {
    const q = url.searchParams;
    if (request.method === "GET" && route === "/products") {
      const asked = Number(q.get("per_page") ?? 10);
      const page = Number(q.get("page") ?? 1);
      if (!(asked >= 1 && asked <= 100))
        return problem(400, "rest_invalid_param", "per_page must be between 1 (inclusive) and 100 (inclusive)");
      const perPage = Math.min(asked, options.maxPageSize ?? asked);
      const since = q.get("modified_after");
      const sinceMs = since ? Date.parse(q.get("dates_are_gmt") === "true" ? `${since}Z` : since) : null;
      const all = [...store.products.values()]
        .filter((p) => sinceMs === null || Date.parse(p.updatedAt) > sinceMs - 1)
        .sort((a, b) => a.index - b.index);
      const totalPages = Math.ceil(all.length / perPage);
      const items = all.slice((page - 1) * perPage, page * perPage).map((p) => restProduct(p.index));
      return Response.json(items, {
        headers: { "x-wp-total": String(all.length), "x-wp-totalpages": String(totalPages) },
      });
    }
    const one = /^\/products\/(\d+)(\/variations)?$/.exec(route);
    if (request.method === "GET" && one) {
      const index = byExternal.get(one[1]!);
      if (index === undefined || !store.products.has(index))
        return problem(404, "woocommerce_rest_product_invalid_id", "Invalid ID.");
      return Response.json(one[2] ? variations(index) : restProduct(index));
    }
    if (request.method === "GET" && route === "/data/currencies/current")
      return Response.json({ code: currency, name: "US dollar", symbol: "$" });
    if (route === "/webhooks" && request.method === "GET")
      return Response.json(webhooks.map(({ secret: _s, ...w }) => w));
    if (route === "/webhooks" && request.method === "POST") {
      const body = (await request.json()) as { topic: string; delivery_url: string; secret?: string; status?: string };
      const hook = {
        id: String(++lastHookId),
        topic: body.topic,
        delivery_url: body.delivery_url,
        status: body.status ?? "active",
        secret: body.secret ?? "",
      };
      webhooks.push(hook);
      const { secret: _s, ...visible } = hook;
      return Response.json(visible, { status: 201 });
    }
    const hookId = /^\/webhooks\/(\d+)$/.exec(route)?.[1];
    if (hookId && request.method === "PUT") {
      const hook = webhooks.find((w) => w.id === hookId);
      if (!hook) return problem(404, "woocommerce_rest_webhook_invalid_id", "Invalid ID.");
      Object.assign(hook, { status: ((await request.json()) as { status?: string }).status ?? hook.status });
      const { secret: _s, ...visible } = hook;
      return Response.json(visible);
    }
    if (hookId && request.method === "DELETE") {
      const at = webhooks.findIndex((w) => w.id === hookId);
      if (at < 0) return problem(404, "woocommerce_rest_webhook_invalid_id", "Invalid ID.");
      const [{ secret: _s, ...visible }] = webhooks.splice(at, 1) as [WooSim["webhooks"][number]];
      return Response.json(visible);
    }
    return problem(404, "rest_no_route", "No route was found matching the URL and request method.");
  };

  const sign = (body: Buffer, how: "valid" | "bad" | "none" | undefined): Record<string, string> =>
    how === "none"
      ? {}
      : {
          "x-wc-webhook-signature": createHmac("sha256", how === "bad" ? `${webhookSecret}x` : webhookSecret)
            .update(body)
            .digest("base64"),
        };

  return {
    platform: "woocommerce",
    store,
    consumerKey,
    consumerSecret,
    webhookSecret,
    webhooks,
    stats,
    ceilingProductsPerSecond: (pageSize) => (rps === null ? Number.POSITIVE_INFINITY : rps * pageSize),
    externalId: wooProductId,
    indexOf(externalId) {
      const index = byExternal.get(externalId);
      if (index === undefined) throw new Error(`no simulated Woo product ${externalId}`);
      return index;
    },
    async handle(request, path) {
      const match = /^\/wp-json\/wc\/v3(\/.*)$/.exec(path);
      if (!match) return null;
      stats.requests++;
      if (store.latencyMs > 0) await sleep(store.latencyMs);
      const url = new URL(request.url);
      store.log(`woocommerce ${request.method} ${match[1]} ${url.searchParams.get("page") ?? ""}`);
      if (rps !== null) {
        const now = performance.now();
        tokens = Math.min(rps, tokens + ((now - refilledAt) / 1000) * rps);
        refilledAt = now;
        if (tokens < 1) {
          stats.throttled++;
          const limited = problem(429, "too_many_requests", "Too many requests");
          limited.headers.set("retry-after", "1");
          return limited;
        }
        tokens -= 1;
      }
      const limitHeaders: Record<string, string> =
        rps === null
          ? {}
          : {
              "ratelimit-limit": String(rps),
              "ratelimit-remaining": String(Math.floor(tokens)),
              "ratelimit-reset": "1",
              "ratelimit-policy": `${rps};w=1`,
            };
      if (!authorized(request, url)) {
        stats.unauthorized++;
        return problem(
          401,
          "woocommerce_rest_authentication_error",
          "Invalid signature - provided signature does not match.",
        );
      }
      const injected = store.takeFailure();
      const response =
        injected !== null ? problem(injected, "simulated", "Simulated failure") : await api(request, match[1]!, url);
      for (const [k, v] of Object.entries(limitHeaders)) response.headers.set(k, v);
      if (response.status === 429) response.headers.set("retry-after", "1");
      return response;
    },
    webhooksFor(topic, opts = {}) {
      const index = opts.index ?? 0;
      let payload: unknown;
      if (topic === "product.deleted") payload = { id: Number(wooProductId(index)) };
      else if (topic.startsWith("product.")) payload = restProduct(index);
      else if (topic === "order.created") {
        const p = store.products.get(index);
        payload = {
          id: 5001,
          currency,
          total: p?.variants[0]?.price ?? "0.00",
          date_created_gmt: new Date().toISOString().slice(0, 19),
          line_items: [
            {
              id: 1,
              product_id: Number(wooProductId(index)),
              variation_id: 0,
              quantity: 1,
              price: Number(p?.variants[0]?.price ?? 0),
            },
          ],
          meta_data: [{ id: 1, key: "_varai_session", value: "sess_woo_1" }],
        };
      } else payload = { id: 1 };
      const body = opts.body !== undefined ? Buffer.from(opts.body) : Buffer.from(JSON.stringify(payload));
      const [resource, event] = topic.split(".");
      return Array.from({ length: opts.copies ?? 1 }, () => ({
        headers: {
          "content-type": "application/json",
          "user-agent": "WooCommerce/9.8.0 Hookshot (WordPress/6.8)",
          "x-wc-webhook-source": "https://store.example/",
          "x-wc-webhook-topic": topic,
          "x-wc-webhook-resource": resource ?? "",
          "x-wc-webhook-event": event ?? "",
          "x-wc-webhook-id": "7",
          "x-wc-webhook-delivery-id": randomUUID().replaceAll("-", ""),
          ...sign(body, opts.signature),
        },
        body,
      }));
    },
    ping: (webhookId = 7) => ({
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: Buffer.from(`webhook_id=${webhookId}`),
    }),
    restProduct,
  };
}

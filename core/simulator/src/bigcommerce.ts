import { createHash, createHmac, randomUUID } from "node:crypto";
import { type BigCommerceUser, createBigCommerceAppSim } from "./bigcommerce-app.ts";
import type { SimProduct } from "./catalog.ts";
import { createSimStore, type SimStore, type SimStoreOptions, type SimWebhook, sleep } from "./store.ts";

export const bigCommerceProductId = (index: number) => String(110 + index);
export const bigCommerceVariantId = (index: number, v: number) => String(5000 + index * 10 + v);

/** The custom header VARAi sets on its hooks (`headers` at creation), echoed on every callback. */
export const BIGCOMMERCE_TOKEN_HEADER = "x-varai-webhook-token";

export interface BigCommerceSimOptions extends SimStoreOptions {
  storeHash?: string;
  accessToken?: string;
  /** The app's client secret: the Standard Webhooks HMAC key. */
  clientSecret?: string;
  /** The custom hook header value of deliveries until hooks are created through the API (then theirs is echoed). */
  webhookToken?: string;
  currency?: string;
  /** The app's client id (the `aud` of signed payloads, checked by the OAuth token endpoint). */
  clientId?: string;
  /** The store owner (who installs unless `authorize` names another user). */
  owner?: BigCommerceUser;
  /** Requests per window, shared by every app on the store (Standard / Plus: 150 per 30 s). */
  quota?: number;
  windowMs?: number;
}

export interface BigCommerceSim {
  readonly platform: "bigcommerce";
  readonly store: SimStore;
  readonly storeHash: string;
  readonly accessToken: string;
  readonly clientSecret: string;
  readonly webhookToken: string;
  readonly quota: number;
  readonly windowMs: number;
  readonly hooks: Array<{
    id: number;
    scope: string;
    destination: string;
    is_active: boolean;
    headers: Record<string, string>;
  }>;
  readonly stats: { requests: number; throttled: number; unauthorized: number };
  readonly clientId: string;
  /** The single-click app side: OAuth token endpoint (login host), signed payloads, Scripts API. */
  readonly app: ReturnType<typeof createBigCommerceAppSim>;
  /** Handles a request to the login host (`/oauth2/token`), relative to the simulator's prefix. */
  handleLogin(request: Request, path: string): Promise<Response | null>;
  /** Uninstall as BigCommerce does it: token revoked, hooks and auto_uninstall scripts deleted. */
  uninstallApp(): void;
  /** One request returns a page of up to 250 products, so the ceiling is quota / window * page size. */
  ceilingProductsPerSecond(pageSize: number): number;
  externalId(index: number): string;
  indexOf(externalId: string): number;
  /** Handles a request whose path is relative to the API host (`/stores/{hash}/v3/...`). */
  handle(request: Request, path: string): Promise<Response | null>;
  /**
   * A thin callback as BigCommerce sends it. `signature` sets both the custom header and the
   * Standard Webhooks signature (valid, wrong secret, or absent); `token` and `standard` override
   * one of them (null / false omits it; `standard.timestamp` in seconds makes a stale delivery).
   */
  webhook(
    scope: string,
    options?: {
      index?: number;
      signature?: "valid" | "bad" | "none";
      body?: string | Buffer;
      token?: string | null;
      standard?: false | { secret?: string; timestamp?: number; id?: string };
      hash?: string;
    },
  ): SimWebhook;
  restProduct(index: number): Record<string, unknown>;
  /** What BigCommerce does after 48 h of failed deliveries (or 90 days idle). */
  deactivateHooks(): void;
  /** Uses up the rest of the current window: the next call answers 429. */
  exhaustQuota(): void;
}

const bcTime = (iso: string) => `${iso.slice(0, 19)}+00:00`;

export function createBigCommerceSim(options: BigCommerceSimOptions = {}): BigCommerceSim {
  const store = createSimStore(options);
  const storeHash = options.storeHash ?? "sim4bc2hash";
  const accessToken = options.accessToken ?? "bc_simulated_token";
  const clientSecret = options.clientSecret ?? "bc-client-secret";
  const webhookToken = options.webhookToken ?? "bc-webhook-token";
  const currency = options.currency ?? "USD";
  const quota = options.quota ?? 150;
  const windowMs = options.windowMs ?? 30_000;
  let windowStart = performance.now();
  let used = 0;
  const stats = { requests: 0, throttled: 0, unauthorized: 0 };
  const hooks: BigCommerceSim["hooks"] = [];
  const clientId = options.clientId ?? "bc-client-id";
  const app = createBigCommerceAppSim({
    storeHash,
    accessToken,
    clientId,
    clientSecret,
    owner: options.owner ?? { id: 9001, email: "owner@sim-store.example", username: "Store Owner" },
  });
  const byExternal = new Map<string, number>();
  for (const index of store.products.keys()) byExternal.set(bigCommerceProductId(index), index);

  const restProduct = (index: number): Record<string, unknown> => {
    const p = store.products.get(index) as SimProduct;
    const id = Number(bigCommerceProductId(index));
    const multi = p.variants.length > 1;
    return {
      id,
      name: p.corrupt ? 42 : p.title,
      type: "physical",
      sku: multi ? `VR-${index}` : p.variants[0]!.sku,
      description: `<p>${p.title}</p>`,
      price: Number(p.variants[0]!.price),
      sale_price: 0,
      calculated_price: Number(p.variants[0]!.price),
      categories: [23],
      brand_id: 1,
      inventory_level: p.variants.reduce((n, v) => n + v.stock, 0),
      inventory_tracking: multi ? "variant" : "product",
      is_visible: p.status === "active",
      availability: "available",
      custom_url: { url: `/${p.handle}/`, is_customized: false },
      date_created: bcTime(p.createdAt),
      date_modified: bcTime(p.updatedAt),
      base_variant_id: multi ? null : Number(bigCommerceVariantId(index, 0)),
      images: p.images.map((img, i) => ({
        id: 300 + index * 10 + i,
        product_id: id,
        is_thumbnail: i === 0,
        sort_order: i,
        description: img.alt,
        image_file: `f/${index}/${i}.jpg`,
        url_zoom: `https://cdn11.bigcommerce.com/s-${storeHash}/images/stencil/1280x1280/products/${id}/${i}.jpg`,
        url_standard: `https://cdn11.bigcommerce.com/s-${storeHash}/images/stencil/500x659/products/${id}/${i}.jpg`,
        url_thumbnail: `https://cdn11.bigcommerce.com/s-${storeHash}/images/stencil/220x290/products/${id}/${i}.jpg`,
        url_tiny: `https://cdn11.bigcommerce.com/s-${storeHash}/images/stencil/44x58/products/${id}/${i}.jpg`,
      })),
      variants: p.variants.map((v) => ({
        id: Number(bigCommerceVariantId(index, v.index)),
        product_id: id,
        sku: v.sku,
        // Variants without their own price inherit the product's: null here.
        price: v.index === 0 ? null : Number(v.price),
        calculated_price: Number(v.price),
        inventory_level: v.stock,
        option_values: multi ? [{ id: 70 + v.index, label: v.color, option_id: 9, option_display_name: "Color" }] : [],
      })),
      custom_fields: [
        { id: 1, name: "Frame Shape", value: p.frame.shape },
        { id: 2, name: "Rim Type", value: p.frame.rim },
        { id: 3, name: "Frame Material", value: p.frame.material },
        { id: 4, name: "Frame Width", value: `${p.frame.frameWidthMm} mm` },
        { id: 5, name: "Lens Width", value: `${p.frame.lensWidthMm} mm` },
        { id: 6, name: "Bridge Width", value: `${p.frame.bridgeWidthMm}mm` },
        { id: 7, name: "Temple Length", value: String(p.frame.templeLengthMm) },
        { id: 8, name: "Brand", value: p.vendor },
      ],
    };
  };

  const problem = (status: number, title: string) =>
    Response.json(
      { status, title, type: "https://developer.bigcommerce.com/api-docs/getting-started/api-status-codes" },
      { status },
    );

  const hookView = (h: BigCommerceSim["hooks"][number]) => ({
    id: h.id,
    client_id: "sim-client",
    store_hash: storeHash,
    scope: h.scope,
    destination: h.destination,
    is_active: h.is_active,
    headers: h.headers,
    created_at: 1_735_689_600,
    updated_at: 1_735_689_600,
  });

  const api = async (request: Request, route: string, url: URL): Promise<Response> => {
    const q = url.searchParams;
    const include = new Set((q.get("include") ?? "").split(",").filter(Boolean));
    const shape = (index: number) => {
      const full = restProduct(index);
      for (const key of ["images", "variants", "custom_fields"]) if (!include.has(key)) delete full[key];
      return full;
    };
    if (request.method === "GET" && route === "/v3/catalog/products") {
      const limit = Number(q.get("limit") ?? 50);
      const page = Number(q.get("page") ?? 1);
      if (!(limit >= 1 && limit <= 250) || !(page >= 1)) return problem(422, "limit must be 1-250, page >= 1");
      const since = q.get("date_modified:min");
      const sinceMs = since ? Date.parse(since) : null;
      if (sinceMs !== null && Number.isNaN(sinceMs)) return problem(422, "date_modified:min is not a date");
      const all = [...store.products.values()]
        .filter((p) => sinceMs === null || Math.floor(Date.parse(p.updatedAt) / 1000) * 1000 >= sinceMs)
        .sort((a, b) => a.index - b.index);
      const data = all.slice((page - 1) * limit, page * limit).map((p) => shape(p.index));
      const totalPages = Math.ceil(all.length / limit);
      const link = (n: number) => `?limit=${limit}&page=${n}`;
      return Response.json({
        data,
        meta: {
          pagination: {
            total: all.length,
            count: data.length,
            per_page: limit,
            current_page: page,
            total_pages: totalPages,
            links: {
              ...(page > 1 ? { previous: link(page - 1) } : {}),
              current: link(page),
              ...(page < totalPages ? { next: link(page + 1) } : {}),
            },
          },
        },
      });
    }
    const one = /^\/v3\/catalog\/products\/(\d+)$/.exec(route);
    if (request.method === "GET" && one) {
      const index = byExternal.get(one[1]!);
      if (index === undefined || !store.products.has(index))
        return problem(404, "The requested product was not found.");
      return Response.json({ data: shape(index), meta: {} });
    }
    if (request.method === "GET" && route === "/v2/store")
      return Response.json({
        id: storeHash,
        domain: "sim.mybigcommerce.com",
        name: "VARAi Simulated BC",
        currency,
        country_code: "US",
        secure_url: "https://sim.mybigcommerce.com",
      });
    if (route.startsWith("/v3/content/scripts")) {
      const scripts = await app.scriptsApi(request, route);
      if (scripts) return scripts;
    }
    if (route === "/v3/hooks" && request.method === "GET")
      return Response.json({ data: hooks.map(hookView), meta: { pagination: { total: hooks.length } } });
    if (route === "/v3/hooks" && request.method === "POST") {
      const body = (await request.json()) as {
        scope?: string;
        destination?: string;
        is_active?: boolean;
        headers?: Record<string, string>;
      };
      const destination = URL.canParse(body.destination ?? "") ? new URL(body.destination!) : null;
      // Port 443 only; one hook per store + client + scope + destination.
      if (!body.scope || !destination || destination.protocol !== "https:" || destination.port !== "")
        return problem(422, "destination must be an https URL on port 443");
      if (hooks.some((h) => h.scope === body.scope && h.destination === body.destination))
        return problem(409, "Hook already exists");
      const hook = {
        id: 20_000_000 + hooks.length + 1,
        scope: body.scope,
        destination: body.destination!,
        is_active: body.is_active ?? true,
        headers: body.headers ?? {},
      };
      hooks.push(hook);
      return Response.json({ data: hookView(hook), meta: {} });
    }
    const hookId = /^\/v3\/hooks\/(\d+)$/.exec(route)?.[1];
    if (hookId && request.method === "PUT") {
      const hook = hooks.find((h) => String(h.id) === hookId);
      if (!hook) return problem(404, "Hook not found");
      const body = (await request.json()) as { is_active?: boolean; headers?: Record<string, string> };
      if (body.is_active !== undefined) hook.is_active = body.is_active;
      if (body.headers) hook.headers = body.headers;
      return Response.json({ data: hookView(hook), meta: {} });
    }
    return problem(404, "Not Found");
  };

  const handleLogin = async (request: Request, path: string): Promise<Response | null> => {
    if (path !== "/oauth2/token" || request.method !== "POST") return null;
    store.log("bigcommerce login POST /oauth2/token");
    return app.token(request);
  };

  const quotaHeaders = (now: number): Record<string, string> => ({
    "x-rate-limit-requests-left": String(Math.max(0, quota - used)),
    "x-rate-limit-requests-quota": String(quota),
    "x-rate-limit-time-window-ms": String(windowMs),
    "x-rate-limit-time-reset-ms": String(Math.max(1, Math.ceil(windowStart + windowMs - now))),
  });

  return {
    platform: "bigcommerce",
    store,
    storeHash,
    accessToken,
    clientSecret,
    webhookToken,
    quota,
    windowMs,
    hooks,
    stats,
    clientId,
    app,
    handleLogin,
    uninstallApp() {
      app.uninstall();
      hooks.splice(0, hooks.length);
    },
    ceilingProductsPerSecond: (pageSize) => (quota / (windowMs / 1000)) * pageSize,
    externalId: bigCommerceProductId,
    indexOf(externalId) {
      const index = byExternal.get(externalId);
      if (index === undefined) throw new Error(`no simulated BigCommerce product ${externalId}`);
      return index;
    },
    async handle(request, path) {
      const match = /^\/stores\/([\w]+)(\/v[23]\/.*)$/.exec(path);
      if (!match) return handleLogin(request, path);
      stats.requests++;
      if (store.latencyMs > 0) await sleep(store.latencyMs);
      const url = new URL(request.url);
      store.log(`bigcommerce ${request.method} ${match[2]} ${url.searchParams.get("page") ?? ""}`);
      if (match[1] !== storeHash) return problem(404, "Store not found");
      if (request.headers.get("x-auth-token") !== accessToken || !app.state.tokenValid) {
        stats.unauthorized++;
        return problem(401, "Unauthorized");
      }
      // A fixed window per store, shared by every app (the quota the engine's governor learns).
      const now = performance.now();
      if (now >= windowStart + windowMs) {
        windowStart = now;
        used = 0;
      }
      if (used >= quota) {
        stats.throttled++;
        const response = problem(429, "Too many requests");
        for (const [k, v] of Object.entries(quotaHeaders(now))) response.headers.set(k, v);
        return response;
      }
      used++;
      const injected = store.takeFailure();
      const response = injected !== null ? problem(injected, "Simulated failure") : await api(request, match[2]!, url);
      // A 429 without quota headers means platform load, not the store's quota: keep them on
      // injected 429s too so tests exercise the documented path.
      for (const [k, v] of Object.entries(quotaHeaders(now))) response.headers.set(k, v);
      return response;
    },
    webhook(scope, opts = {}) {
      const index = opts.index ?? 0;
      const p = store.products.get(index);
      const createdAt = Math.floor(Date.parse(p?.updatedAt ?? new Date().toISOString()) / 1000);
      const hash = opts.hash ?? createHash("sha1").update(`${scope}:${index}:${createdAt}`).digest("hex");
      const payload = {
        scope,
        store_id: "1001234567",
        data: { type: scope.split("/")[1] ?? "product", id: Number(bigCommerceProductId(index)) },
        hash,
        created_at: createdAt,
        producer: `stores/${storeHash}`,
      };
      const body = opts.body !== undefined ? Buffer.from(opts.body) : Buffer.from(JSON.stringify(payload));
      const headers: Record<string, string> = { "content-type": "application/json" };
      const how = opts.signature ?? "valid";
      // BigCommerce echoes the headers set when the hook was created: once the adapter has
      // registered hooks, their token is the one deliveries carry.
      const hook = hooks.find((h) => h.scope === scope) ?? hooks[0];
      const registered = Object.entries(hook?.headers ?? {}).find(
        ([k]) => k.toLowerCase() === BIGCOMMERCE_TOKEN_HEADER,
      )?.[1];
      const valid = registered ?? webhookToken;
      const token =
        opts.token !== undefined ? opts.token : how === "none" ? null : how === "bad" ? "wrong-token" : valid;
      if (token !== null) headers[BIGCOMMERCE_TOKEN_HEADER] = token;
      const standard = opts.standard ?? (how === "none" ? false : {});
      if (standard !== false) {
        const id = standard.id ?? `msg_${randomUUID()}`;
        const timestamp = String(standard.timestamp ?? Math.floor(Date.now() / 1000));
        const secret = standard.secret ?? (how === "bad" ? `${clientSecret}x` : clientSecret);
        const signature = createHmac("sha256", secret).update(`${id}.${timestamp}.`).update(body).digest("base64");
        Object.assign(headers, {
          "webhook-id": id,
          "webhook-timestamp": timestamp,
          "webhook-signature": `v1,${signature}`,
        });
      }
      return { headers, body };
    },
    restProduct,
    deactivateHooks() {
      for (const h of hooks) h.is_active = false;
    },
    exhaustQuota() {
      used = quota;
    },
  };
}

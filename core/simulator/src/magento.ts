import { createHmac, randomUUID } from "node:crypto";
import type { SimProduct } from "./catalog.ts";
import { createSimStore, type SimStore, type SimStoreOptions, type SimWebhook, sleep } from "./store.ts";

export const magentoProductId = (index: number) => String(2000 + index);
/** Every fifth product has a SKU with a slash (real catalogs do; the REST path must encode it). */
export const magentoSku = (p: Pick<SimProduct, "index" | "variants">) =>
  p.index % 5 === 3 ? `VR-${p.index}/B` : p.variants[0]!.sku;

export interface MagentoSimOptions extends SimStoreOptions {
  storeCode?: string;
  /** Integration credentials (System > Extensions > Integrations). */
  consumerKey?: string;
  consumerSecret?: string;
  accessToken?: string;
  accessTokenSecret?: string;
  /** `oauth/consumer/enable_integration_as_bearer`: off by default since 2.4.4. */
  bearerEnabled?: boolean;
  /** The secret the VARAi module signs its events with. */
  webhookSecret?: string;
  currency?: string;
  mediaBaseUrl?: string;
  /** Host-level limit (token bucket refilled per second). Default: none (the merchant's own server). */
  requestsPerSecond?: number;
}

export interface MagentoSim {
  readonly platform: "magento";
  readonly store: SimStore;
  readonly storeCode: string;
  readonly consumerKey: string;
  readonly consumerSecret: string;
  readonly accessToken: string;
  readonly accessTokenSecret: string;
  readonly webhookSecret: string;
  readonly mediaBaseUrl: string;
  readonly stats: { requests: number; throttled: number; unauthorized: number; optionLookups: number };
  ceilingProductsPerSecond(pageSize: number): number;
  externalId(index: number): string;
  indexOf(externalId: string): number;
  sku(index: number): string;
  /** The option id a select attribute stores for a label (assigned on first use, like EAV). */
  optionId(code: string, label: string): string;
  /** Handles a request whose path is relative to the store root (`/rest/{store}/V1/...`). */
  handle(request: Request, path: string): Promise<Response | null>;
  /** A thin event as the VARAi Magento module sends it. */
  webhook(
    event: string,
    options?: { index?: number; signature?: "valid" | "bad" | "none"; eventId?: string; body?: string | Buffer },
  ): SimWebhook;
  restProduct(index: number): Record<string, unknown>;
}

/** PHP's rawurlencode / RFC 3986, which OAuth 1.0a base strings use. */
const enc = (s: string) =>
  encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
const magentoTime = (iso: string) => iso.slice(0, 19).replace("T", " ");
const SELECT_CODES = ["manufacturer", "frame_shape", "rim_type", "color", "lens_width"] as const;
const TEXT_CODES = ["frame_material", "frame_width", "bridge_width", "temple_length", "description"] as const;

export function createMagentoSim(options: MagentoSimOptions = {}): MagentoSim {
  const store = createSimStore(options);
  const storeCode = options.storeCode ?? "default";
  const consumerKey = options.consumerKey ?? "mg_consumer_key";
  const consumerSecret = options.consumerSecret ?? "mg_consumer_secret";
  const accessToken = options.accessToken ?? "mg_access_token";
  const accessTokenSecret = options.accessTokenSecret ?? "mg_access_token_secret";
  const webhookSecret = options.webhookSecret ?? "magento-webhook-secret";
  const currency = options.currency ?? "USD";
  const mediaBaseUrl = options.mediaBaseUrl ?? "https://magento.example/media/";
  const rps = options.requestsPerSecond ?? null;
  let tokens = rps ?? 0;
  let refilledAt = performance.now();
  const stats = { requests: 0, throttled: 0, unauthorized: 0, optionLookups: 0 };
  const usedNonces = new Set<string>();
  const byExternal = new Map<string, number>();
  for (const index of store.products.keys()) byExternal.set(magentoProductId(index), index);

  // EAV option ids per select attribute: label -> id, assigned on first use.
  const options_ = new Map<string, Map<string, string>>(SELECT_CODES.map((c) => [c, new Map()]));
  let nextOptionId = 50;
  const optionId = (code: string, label: string) => {
    const map = options_.get(code)!;
    let id = map.get(label);
    if (!id) {
      id = String(nextOptionId++);
      map.set(label, id);
    }
    return id;
  };

  const restProduct = (index: number): Record<string, unknown> => {
    const p = store.products.get(index) as SimProduct;
    const v = p.variants[0]!;
    return {
      id: Number(magentoProductId(index)),
      sku: magentoSku(p),
      name: p.corrupt ? 42 : p.title,
      attribute_set_id: 4,
      price: Number(v.price),
      status: p.status === "active" ? 1 : 2,
      visibility: 4,
      type_id: "simple",
      created_at: magentoTime(p.createdAt),
      updated_at: magentoTime(p.updatedAt),
      weight: 0.03,
      extension_attributes: {
        website_ids: [1],
        category_links: [{ position: 0, category_id: "3" }],
        stock_item: { item_id: index + 1, product_id: index + 2000, stock_id: 1, qty: v.stock, is_in_stock: true },
      },
      product_links: [],
      options: [],
      media_gallery_entries: [
        ...p.images.map((img, i) => ({
          id: 7000 + index * 10 + i,
          media_type: "image",
          label: img.alt,
          position: i + 1,
          disabled: false,
          types: i === 0 ? ["image", "small_image", "thumbnail"] : [],
          file: `/f/r/frame-${index}-${i}.jpg`,
        })),
        // Hidden in the admin ("Hide from Product Page") but still returned by the API.
        {
          id: 7000 + index * 10 + 9,
          media_type: "image",
          label: "old packshot",
          position: 9,
          disabled: true,
          types: [],
          file: `/o/l/old-${index}.jpg`,
        },
      ],
      tier_prices: [],
      custom_attributes: [
        { attribute_code: "description", value: `<p>${p.title}</p>` },
        { attribute_code: "url_key", value: p.handle },
        { attribute_code: "category_ids", value: ["3"] },
        { attribute_code: "manufacturer", value: optionId("manufacturer", p.vendor) },
        { attribute_code: "frame_shape", value: optionId("frame_shape", p.frame.shape) },
        { attribute_code: "rim_type", value: optionId("rim_type", p.frame.rim) },
        { attribute_code: "frame_material", value: p.frame.material },
        { attribute_code: "color", value: optionId("color", v.color) },
        { attribute_code: "frame_width", value: String(p.frame.frameWidthMm) },
        // A dimension kept as a dropdown: the stored value is an option id, the label "52 mm".
        { attribute_code: "lens_width", value: optionId("lens_width", `${p.frame.lensWidthMm} mm`) },
        { attribute_code: "bridge_width", value: String(p.frame.bridgeWidthMm) },
        { attribute_code: "temple_length", value: String(p.frame.templeLengthMm) },
      ],
    };
  };

  const message = (status: number, text: string, parameters?: unknown) =>
    Response.json(parameters === undefined ? { message: text } : { message: text, parameters }, { status });

  /**
   * OAuth 1.0a as Magento checks it: header parameters plus the raw query string split on `&`
   * and `=` and rawurldecode'd (so `+` is NOT a space), RFC 5849 base string, HMAC-SHA256 or
   * -SHA1 with `consumerSecret&tokenSecret`, and a nonce that may be used once.
   */
  const oauthValid = (request: Request, url: URL, header: string): boolean => {
    const params: Array<[string, string]> = [];
    const oauth = new Map<string, string>();
    for (const m of header.slice(6).matchAll(/([\w]+)="([^"]*)"/g)) {
      const k = decodeURIComponent(m[1]!);
      const v = decodeURIComponent(m[2]!);
      oauth.set(k, v);
      if (k !== "oauth_signature" && k !== "realm") params.push([k, v]);
    }
    const rawQuery = url.search.slice(1);
    if (rawQuery)
      for (const pair of rawQuery.split("&")) {
        const [k = "", v = ""] = pair.split("=");
        params.push([decodeURIComponent(k), decodeURIComponent(v)]);
      }
    const method = oauth.get("oauth_signature_method");
    const algorithm = method === "HMAC-SHA256" ? "sha256" : method === "HMAC-SHA1" ? "sha1" : null;
    const nonce = oauth.get("oauth_nonce") ?? "";
    const timestamp = Number(oauth.get("oauth_timestamp"));
    if (oauth.get("oauth_consumer_key") !== consumerKey || oauth.get("oauth_token") !== accessToken) return false;
    if (!algorithm || !nonce || usedNonces.has(nonce) || Math.abs(Date.now() / 1000 - timestamp) > 600) return false;
    const normalized = params
      .map(([k, v]) => [enc(k), enc(v)] as const)
      .sort(([ak, av], [bk, bv]) => (ak === bk ? (av < bv ? -1 : 1) : ak < bk ? -1 : 1))
      .map(([k, v]) => `${k}=${v}`)
      .join("&");
    const base = `${request.method}&${enc(`${url.origin}${url.pathname}`)}&${enc(normalized)}`;
    const expected = createHmac(algorithm, `${enc(consumerSecret)}&${enc(accessTokenSecret)}`)
      .update(base)
      .digest("base64");
    if (expected !== oauth.get("oauth_signature")) return false;
    usedNonces.add(nonce);
    if (usedNonces.size > 100_000) usedNonces.clear();
    return true;
  };

  const authorized = (request: Request, url: URL): boolean => {
    const header = request.headers.get("authorization") ?? "";
    if (header.startsWith("Bearer ")) return options.bearerEnabled === true && header.slice(7) === accessToken;
    return header.startsWith("OAuth ") && oauthValid(request, url, header);
  };

  /** `searchCriteria[filter_groups][0][filters][0][field]=...` -> plain structures. */
  const readCriteria = (q: URLSearchParams) => {
    const groups = new Map<string, Map<string, Record<string, string>>>();
    const sorts = new Map<string, Record<string, string>>();
    let pageSize: number | null = null;
    let currentPage = 1;
    for (const [key, value] of q) {
      let m = /^searchCriteria\[filter_groups\]\[(\d+)\]\[filters\]\[(\d+)\]\[(\w+)\]$/.exec(key);
      if (m) {
        const group = groups.get(m[1]!) ?? new Map();
        groups.set(m[1]!, group);
        const filter = group.get(m[2]!) ?? {};
        group.set(m[2]!, filter);
        filter[m[3]!] = value;
        continue;
      }
      m = /^searchCriteria\[sortOrders\]\[(\d+)\]\[(\w+)\]$/.exec(key);
      if (m) {
        const sort = sorts.get(m[1]!) ?? {};
        sorts.set(m[1]!, sort);
        sort[m[2]!] = value;
      } else if (key === "searchCriteria[pageSize]") pageSize = Number(value);
      else if (key === "searchCriteria[currentPage]") currentPage = Number(value);
    }
    return {
      groups: [...groups.values()].map((g) => [...g.values()]),
      sort: [...sorts.values()][0] ?? null,
      pageSize,
      currentPage,
    };
  };

  const matches = (p: SimProduct, filter: Record<string, string>): boolean => {
    const condition = filter.condition_type ?? "eq";
    const value = filter.value ?? "";
    const field = filter.field;
    const actual =
      field === "updated_at"
        ? magentoTime(p.updatedAt)
        : field === "entity_id"
          ? magentoProductId(p.index)
          : field === "sku"
            ? magentoSku(p)
            : null;
    if (actual === null) return false;
    const numeric = field === "entity_id";
    const cmp = numeric ? Number(actual) - Number(value) : actual < value ? -1 : actual > value ? 1 : 0;
    switch (condition) {
      case "eq":
        return cmp === 0;
      case "gt":
        return cmp > 0;
      case "gteq":
        return cmp >= 0;
      case "lt":
        return cmp < 0;
      case "lteq":
        return cmp <= 0;
      case "in":
        return value.split(",").includes(actual);
      default:
        return false;
    }
  };

  const api = async (request: Request, route: string, url: URL): Promise<Response> => {
    if (request.method !== "GET") return message(404, "Request does not match any route.");
    if (route === "/products") {
      const c = readCriteria(url.searchParams);
      const all = [...store.products.values()].filter((p) => c.groups.every((g) => g.some((f) => matches(p, f))));
      if (c.sort?.field === "entity_id") {
        const dir = (c.sort.direction ?? "ASC").toUpperCase() === "DESC" ? -1 : 1;
        all.sort((a, b) => dir * (a.index - b.index));
      } else all.sort((a, b) => (a.updatedAt < b.updatedAt ? 1 : -1)); // unstable across changes (#25001)
      let items = all;
      if (c.pageSize !== null && c.pageSize > 0) {
        const lastPage = Math.max(1, Math.ceil(all.length / c.pageSize));
        // Magento's trap (#8099, #26986): a page past the end answers the LAST page again.
        const page = Math.min(Math.max(1, c.currentPage), lastPage);
        items = all.slice((page - 1) * c.pageSize, page * c.pageSize);
      }
      return Response.json({
        items: items.map((p) => restProduct(p.index)),
        // `page_size` is missing from some 2.4.4 responses (#35310): never echo it.
        search_criteria: { filter_groups: c.groups.map((filters) => ({ filters })), current_page: c.currentPage },
        total_count: all.length,
      });
    }
    if (route === "/products/attributes") {
      // The attribute list with each attribute's options (catalogProductAttributeRepositoryV1GetList).
      stats.optionLookups++;
      const c = readCriteria(url.searchParams);
      const filter = c.groups[0]?.[0];
      const codes =
        filter?.field === "attribute_code" && filter.condition_type === "in"
          ? (filter.value ?? "").split(",")
          : [...SELECT_CODES, ...TEXT_CODES];
      const items = codes
        .filter((code) => options_.has(code) || (TEXT_CODES as readonly string[]).includes(code))
        .map((code) => {
          const known = options_.get(code);
          return {
            attribute_id: 100 + code.length,
            attribute_code: code,
            frontend_input: known ? "select" : "text",
            options: known
              ? [{ label: " ", value: "" }, ...[...known].map(([label, value]) => ({ label, value }))]
              : [],
          };
        });
      return Response.json({ items, search_criteria: { filter_groups: [] }, total_count: items.length });
    }
    const options = /^\/products\/attributes\/([\w]+)\/options$/.exec(route);
    if (options) {
      stats.optionLookups++;
      const code = options[1]!;
      const known = options_.get(code);
      if (known)
        return Response.json([{ label: " ", value: "" }, ...[...known].map(([label, value]) => ({ label, value }))]);
      if ((TEXT_CODES as readonly string[]).includes(code)) return Response.json([]);
      return message(
        404,
        'The attribute with a "%1" attributeCode doesn\'t exist. Verify the attribute and try again.',
        [code],
      );
    }
    const one = /^\/products\/([^/]+)$/.exec(route);
    if (one) {
      const sku = decodeURIComponent(one[1]!);
      const p = [...store.products.values()].find((x) => magentoSku(x) === sku);
      if (!p) return message(404, "The product that was requested doesn't exist. Verify the product and try again.");
      return Response.json(restProduct(p.index));
    }
    if (route === "/store/storeConfigs") {
      const base = new URL(mediaBaseUrl).origin;
      return Response.json([
        {
          id: 1,
          code: storeCode,
          website_id: 1,
          locale: "en_US",
          base_currency_code: currency,
          default_display_currency_code: currency,
          timezone: "UTC",
          weight_unit: "kgs",
          base_url: `${base}/`,
          base_link_url: `${base}/`,
          base_static_url: `${base}/static/`,
          base_media_url: mediaBaseUrl,
          secure_base_url: `${base}/`,
          secure_base_link_url: `${base}/`,
          secure_base_static_url: `${base}/static/`,
          secure_base_media_url: mediaBaseUrl,
        },
      ]);
    }
    return message(404, "Request does not match any route.");
  };

  const respond = async (request: Request, url: URL, route: string): Promise<Response> => {
    if (!authorized(request, url)) {
      stats.unauthorized++;
      return message(401, "The consumer isn't authorized to access %resources.", {
        resources: "Magento_Catalog::products",
      });
    }
    const injected = store.takeFailure();
    if (injected !== null)
      return Response.json(
        { message: "Simulated failure" },
        { status: injected, headers: injected === 429 ? { "retry-after": "2" } : {} },
      );
    return api(request, route, url);
  };

  return {
    platform: "magento",
    store,
    storeCode,
    consumerKey,
    consumerSecret,
    accessToken,
    accessTokenSecret,
    webhookSecret,
    mediaBaseUrl,
    stats,
    ceilingProductsPerSecond: (pageSize) => (rps === null ? Number.POSITIVE_INFINITY : rps * pageSize),
    externalId: magentoProductId,
    indexOf(externalId) {
      const index = byExternal.get(externalId);
      if (index === undefined) throw new Error(`no simulated Magento product ${externalId}`);
      return index;
    },
    sku(index) {
      const p = store.products.get(index);
      if (!p) throw new Error(`no simulated Magento product ${index}`);
      return magentoSku(p);
    },
    optionId,
    async handle(request, path) {
      // `/rest/{store}/V1/...`, `/rest/all/V1/...` or `/rest/V1/...` (default store).
      const match = /^\/rest(?:\/([\w-]+))?\/V1(\/.*)$/.exec(path);
      if (!match) return null;
      stats.requests++;
      if (store.latencyMs > 0) await sleep(store.latencyMs);
      const url = new URL(request.url);
      store.log(`magento ${request.method} ${match[2]} ${url.searchParams.get("searchCriteria[currentPage]") ?? ""}`);
      if (rps !== null) {
        const now = performance.now();
        tokens = Math.min(rps, tokens + ((now - refilledAt) / 1000) * rps);
        refilledAt = now;
        if (tokens < 1) {
          stats.throttled++;
          return Response.json(
            { message: "Too Many Requests" },
            {
              status: 429,
              headers: {
                "retry-after": "1",
                "ratelimit-limit": String(rps),
                "ratelimit-remaining": "0",
                "ratelimit-reset": "1",
                "ratelimit-policy": `${rps};w=1`,
              },
            },
          );
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
      const response = await respond(request, url, match[2]!);
      for (const [k, v] of Object.entries(limitHeaders)) response.headers.set(k, v);
      return response;
    },
    webhook(event, opts = {}) {
      const index = opts.index ?? 0;
      const p = store.products.get(index);
      const eventId = opts.eventId ?? randomUUID();
      const payload = {
        event,
        event_id: eventId,
        store_code: storeCode,
        occurred_at: new Date().toISOString(),
        product: {
          id: Number(magentoProductId(index)),
          sku: p ? magentoSku(p) : `VR-${index}-0`,
          updated_at: p ? magentoTime(p.updatedAt) : magentoTime(new Date().toISOString()),
        },
      };
      const body = opts.body !== undefined ? Buffer.from(opts.body) : Buffer.from(JSON.stringify(payload));
      const headers: Record<string, string> = {
        "content-type": "application/json",
        "user-agent": "Varai_TryOn/1.0 Magento/2.4.8",
        "x-varai-topic": event,
        "x-varai-event-id": eventId,
      };
      if (opts.signature !== "none")
        headers["x-varai-signature"] = createHmac(
          "sha256",
          opts.signature === "bad" ? `${webhookSecret}x` : webhookSecret,
        )
          .update(body)
          .digest("base64");
      return { headers, body };
    },
    restProduct,
  };
}

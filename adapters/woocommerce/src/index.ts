import {
  type AdapterDeps,
  type CommerceAdapter,
  FrameAttributeNamesOptionSchema,
  parseAdapterOptions,
  type RegisterWebhooksResult,
  StoreCurrencyOptionSchema,
  type WebhookSubscription,
} from "@varai/commerce";
import { type AppError, err, ok, type Result } from "@varai/schema";
import { z } from "zod";
import { createWooClient } from "./client.ts";
import { toAdapterError } from "./errors.ts";
import { WooCurrencySchema, WooWebhookSchema } from "./platform-schemas.ts";
import { fromWoo } from "./transform.ts";
import { parseWooWebhook } from "./webhooks.ts";

export { toAdapterError } from "./errors.ts";
export { routeWooWebhook } from "./webhooks.ts";

export const WOO_API_VERSION = "wc/v3";
/** WP REST collections cap `per_page` at 100. */
export const WOO_MAX_PAGE_SIZE = 100;
export const WOO_WEBHOOK_TOPICS = ["product.created", "product.updated", "product.deleted", "order.created"] as const;

export const WooAdapterOptionsSchema = z.object({
  connectionId: z.string().min(1),
  /** The store's home URL (`https://shop.example`); the OAuth base string must use it as Woo knows it. */
  storeUrl: z.string().url(),
  consumerKey: z.string().min(1),
  consumerSecret: z.string().min(1),
  /** The connection's own webhook secret (set explicitly when registering hooks). */
  webhookSecret: z.string().min(1),
  /** Overrides `storeUrl` for API calls (the simulator, a proxy). */
  apiBaseUrl: z.string().url().optional(),
  /** Default: Basic over https, OAuth 1.0a over http. */
  auth: z.enum(["basic", "oauth1"]).optional(),
  currency: StoreCurrencyOptionSchema,
  frameAttributeNames: FrameAttributeNamesOptionSchema,
});
export type WooAdapterOptions = z.input<typeof WooAdapterOptionsSchema>;

export function createWooCommerceAdapter(options: WooAdapterOptions, deps: AdapterDeps): CommerceAdapter {
  const o = parseAdapterOptions(WooAdapterOptionsSchema, options, "WooCommerce");
  const base = (o.apiBaseUrl ?? o.storeUrl).replace(/\/+$/, "");
  const request = createWooClient(
    {
      restBase: `${base}/wp-json/${WOO_API_VERSION}`,
      consumerKey: o.consumerKey,
      consumerSecret: o.consumerSecret,
      auth: o.auth ?? (base.startsWith("https:") ? "basic" : "oauth1"),
    },
    deps,
  );
  const ctx = {
    connectionId: o.connectionId,
    currency: o.currency,
    ...(o.frameAttributeNames ? { frameNames: o.frameAttributeNames } : {}),
  };
  const invalid = (message: string) => toAdapterError({ kind: "invalid-response", message });

  const variationsOf = async (id: string) => {
    const r = await request("GET", `/products/${id}/variations`, { per_page: "100" });
    if (!r.ok) return r;
    if (r.value.status === 404) return ok({ list: [] as unknown[], rateLimit: r.value.rateLimit });
    if (!Array.isArray(r.value.body)) return err(invalid("variations is not a list"));
    return ok({ list: r.value.body as unknown[], rateLimit: r.value.rateLimit });
  };
  const isVariable = (raw: unknown) => {
    const p = raw as { type?: unknown; variations?: unknown };
    return p?.type === "variable" && Array.isArray(p.variations) && p.variations.length > 0;
  };

  /**
   * The WordPress plugin's Connect creates these hooks too, at the same moment as our first sync:
   * two creators can each add one for a topic. Both keep the oldest (lowest id) per topic and
   * delete the rest (the plugin's class-webhooks.php does the same), so whichever checks last
   * leaves exactly one.
   */
  const dropDuplicateWebhooks = async (address: string): Promise<Result<void, AppError>> => {
    const now = await listWebhooks();
    if (!now.ok) return now;
    const ours = now.value.filter((w) => w.address === address);
    for (const topic of WOO_WEBHOOK_TOPICS) {
      const hooks = ours.filter((w) => w.topic === topic).sort((a, b) => Number(a.id) - Number(b.id));
      for (const extra of hooks.slice(1)) {
        const r = await request("DELETE", `/webhooks/${extra.id}`, { force: "true" });
        if (!r.ok) return r;
      }
    }
    return ok(undefined);
  };

  const listWebhooks: CommerceAdapter["listWebhooks"] = async () => {
    const r = await request("GET", "/webhooks", { per_page: "100" });
    if (!r.ok) return r;
    const list = z.array(WooWebhookSchema).safeParse(r.value.body);
    if (!list.success) return err(invalid("webhooks list"));
    return ok(
      list.data.map(
        (w): WebhookSubscription => ({
          id: w.id,
          topic: w.topic,
          address: w.delivery_url,
          active: w.status === "active",
        }),
      ),
    );
  };

  return {
    platform: "woocommerce",
    capabilities: {
      pagination: "page",
      maxPageSize: WOO_MAX_PAGE_SIZE,
      incrementalSync: true,
      webhookRegistration: true,
      fullWebhookPayloads: true,
    },

    parseWebhook: (req) => parseWooWebhook(req, o.webhookSecret, ctx),

    async listProducts(query) {
      const page = query.cursor ? Number(query.cursor) : 1;
      if (!Number.isInteger(page) || page < 1) return err(invalid(`bad cursor ${query.cursor}`));
      const perPage = Math.min(WOO_MAX_PAGE_SIZE, Math.max(1, Math.floor(query.pageSize ?? WOO_MAX_PAGE_SIZE)));
      // orderby=id keeps pages stable while products change during a backfill.
      const params: Record<string, string> = {
        per_page: String(perPage),
        page: String(page),
        orderby: "id",
        order: "asc",
      };
      if (query.updatedSince) {
        params.modified_after = query.updatedSince.replace(/\.\d+Z$|Z$/, "");
        params.dates_are_gmt = "true";
      }
      const r = await request("GET", "/products", params);
      if (!r.ok) return r;
      if (r.value.status === 404) return err(invalid("products endpoint missing (pretty permalinks off?)"));
      if (!Array.isArray(r.value.body)) return err(invalid("products is not a list"));
      const totalPages = Number(r.value.headers.get("x-wp-totalpages") ?? "0");
      let rateLimit = r.value.rateLimit;
      const items = [];
      for (const raw of r.value.body as unknown[]) {
        if (isVariable(raw)) {
          const v = await variationsOf(String((raw as { id: unknown }).id));
          if (!v.ok) return v;
          rateLimit = v.value.rateLimit ?? rateLimit;
          items.push(fromWoo(raw, v.value.list, ctx));
        } else items.push(fromWoo(raw, null, ctx));
      }
      return ok({ items, nextCursor: page < totalPages ? String(page + 1) : null, rateLimit });
    },

    async getProduct(externalId) {
      if (!/^\d+$/.test(externalId)) return ok({ product: null, rateLimit: null });
      const r = await request("GET", `/products/${externalId}`);
      if (!r.ok) return r;
      if (r.value.status === 404) return ok({ product: null, rateLimit: r.value.rateLimit });
      let variations: unknown[] | null = null;
      if (isVariable(r.value.body)) {
        const v = await variationsOf(externalId);
        if (!v.ok) return v;
        variations = v.value.list;
      }
      const draft = fromWoo(r.value.body, variations, ctx);
      if (!draft.ok) return err(invalid(`product ${externalId}: ${draft.error.message}`));
      return ok({ product: draft.value, rateLimit: r.value.rateLimit });
    },

    async getStoreInfo() {
      const r = await request("GET", "/data/currencies/current");
      if (!r.ok) return r;
      const c = WooCurrencySchema.safeParse(r.value.body);
      if (!c.success) return err(invalid("current currency"));
      return ok({ currency: c.data.code, name: null });
    },

    async registerWebhooks(address) {
      const existing = await listWebhooks();
      if (!existing.ok) return existing;
      const result: RegisterWebhooksResult = { created: [], reactivated: [], alreadyPresent: 0 };
      for (const topic of WOO_WEBHOOK_TOPICS) {
        const found = existing.value.find((w) => w.topic === topic && w.address === address);
        if (found?.active) {
          result.alreadyPresent++;
          continue;
        }
        // Woo disables a hook after five failed deliveries and never retries; switch it back on.
        const r = found
          ? await request("PUT", `/webhooks/${found.id}`, {}, { status: "active" })
          : await request(
              "POST",
              "/webhooks",
              {},
              { name: `VARAi ${topic}`, topic, delivery_url: address, secret: o.webhookSecret, status: "active" },
            );
        if (!r.ok) return r;
        const hook = WooWebhookSchema.safeParse(r.value.body);
        if (!hook.success) return err(invalid("webhook"));
        const sub = { id: hook.data.id, topic, address, active: hook.data.status === "active" };
        (found ? result.reactivated : result.created).push(sub);
      }
      if (result.created.length > 0) {
        const dropped = await dropDuplicateWebhooks(address);
        if (!dropped.ok) return dropped;
      }
      return ok(result);
    },

    listWebhooks,
  };
}

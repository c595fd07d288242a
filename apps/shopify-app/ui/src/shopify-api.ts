import { z } from "zod";

/** `GET /shopify/api/status`: the shop's tenant, its store connection and plan. */
export const ShopStatusSchema = z.object({
  shop: z.string(),
  tenantId: z.string(),
  connection: z
    .object({
      id: z.string(),
      status: z.string(),
      health: z.string(),
      lastSyncAt: z.string().nullable().optional(),
    })
    .nullable(),
  plan: z.string(),
  /** The theme editor deep link that turns the app embed on (`activateAppId={api_key}/{handle}`). */
  themeEmbedUrl: z.string().url(),
  /** Whether the main theme has the app embed on; null or absent when the server could not read it. */
  themeEmbedEnabled: z.boolean().nullable().optional(),
});
export type ShopStatus = z.infer<typeof ShopStatusSchema>;

/** `POST /shopify/api/session`: a short-lived VARAi tenant-admin token for the `/v1` API. */
export const VaraiSessionSchema = z.object({
  accessToken: z.string().min(1),
  expiresIn: z.number().positive(),
  tenantId: z.string(),
  apiBaseUrl: z.string(),
});
export type VaraiSession = z.infer<typeof VaraiSessionSchema>;

export const PlanSchema = z.looseObject({
  id: z.string(),
  name: z.string(),
  amount: z.number(),
  currencyCode: z.string(),
  interval: z.string().optional(),
  trialDays: z.number().optional(),
  features: z.array(z.string()).default([]),
});
export type Plan = z.infer<typeof PlanSchema>;
export const BillingSchema = z.object({ plan: z.string(), plans: z.array(PlanSchema), status: z.string() });
export type Billing = z.infer<typeof BillingSchema>;
const SubscribeSchema = z.object({ confirmationUrl: z.string().url() });

/** A refused `/shopify/api` call, with the problem document's code and detail. */
export class ShopifyApiError extends Error {
  override readonly name = "ShopifyApiError";
  readonly status: number;
  readonly code: string;
  constructor(status: number, code: string, message: string) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

export interface ShopifyApiOptions {
  /** Where the app's server is (the embedded document's own origin). */
  baseUrl: string;
  idToken: () => Promise<string>;
  fetch?: typeof globalThis.fetch;
}

/**
 * The app server's JSON API, authenticated with App Bridge's session token. A 401 carrying
 * `X-Shopify-Retry-Invalid-Session-Request: 1` means "ask App Bridge for a fresh token and retry"
 * (Shopify's contract): done once per call.
 */
export function createShopifyApi(options: ShopifyApiOptions) {
  const doFetch = options.fetch ?? globalThis.fetch.bind(globalThis);
  const base = options.baseUrl.replace(/\/+$/, "");

  async function call<T>(schema: z.ZodType<T>, method: "GET" | "POST", path: string, body?: unknown): Promise<T> {
    const send = async () =>
      doFetch(`${base}/shopify/api${path}`, {
        method,
        headers: {
          Authorization: `Bearer ${await options.idToken()}`,
          ...(body === undefined ? {} : { "Content-Type": "application/json" }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    let response = await send();
    if (response.status === 401 && response.headers.get("X-Shopify-Retry-Invalid-Session-Request") === "1")
      response = await send();
    if (!response.ok) {
      const problem = (await response.json().catch(() => null)) as { code?: string; detail?: string } | null;
      throw new ShopifyApiError(
        response.status,
        problem?.code ?? "INTERNAL",
        problem?.detail ?? `${method} /shopify/api${path} answered ${response.status}`,
      );
    }
    return schema.parse(await response.json());
  }

  return {
    status: () => call(ShopStatusSchema, "GET", "/status"),
    session: () => call(VaraiSessionSchema, "POST", "/session", {}),
    billing: () => call(BillingSchema, "GET", "/billing"),
    subscribe: (plan: string) => call(SubscribeSchema, "POST", "/billing/subscribe", { plan }),
  };
}
export type ShopifyApi = ReturnType<typeof createShopifyApi>;

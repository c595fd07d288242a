import { parseEnv } from "@varai/runtime";
import { z } from "zod";

/** The app's configuration, from the exact variable names of issue 18. */
export interface ShopifyAppConfig {
  /** SHOPIFY_API_KEY: the app's client id; the session tokens' `aud`. */
  apiKey: string;
  /** SHOPIFY_API_SECRET: signs session tokens, webhooks and app proxy requests. */
  apiSecret: string;
  /** SHOPIFY_APP_URL: where Shopify reaches this server (`application_url`), without a trailing slash. */
  appUrl: string;
  /**
   * SHOPIFY_ADMIN_BASE_URL: when set, replaces `https://{shop}` for every Admin API and OAuth call
   * (the simulator, outside tests). Null = the shop's own domain.
   */
  adminBaseUrl: string | null;
  /** The Admin API version every call uses. */
  apiVersion: string;
}

export const SHOPIFY_API_VERSION = "2026-10";

const httpUrl = z
  .string()
  .refine((v) => /^https?:\/\//.test(v) && URL.canParse(v), "expected an http:// or https:// URL")
  .transform((v) => v.replace(/\/+$/, ""));

const Schema = z.object({
  SHOPIFY_API_KEY: z.string().min(1),
  SHOPIFY_API_SECRET: z.string().min(1),
  SHOPIFY_APP_URL: httpUrl,
  SHOPIFY_ADMIN_BASE_URL: httpUrl.optional(),
});

/** Null when the key or the secret is unset (the app is off); throws INVALID_CONFIG listing every problem otherwise. */
export function parseShopifyAppConfig(
  source: Record<string, string | undefined>,
  defaults: { appUrl?: string } = {},
): ShopifyAppConfig | null {
  const cleaned = Object.fromEntries(Object.entries(source).map(([k, v]) => [k, v === "" ? undefined : v]));
  if (!cleaned.SHOPIFY_API_KEY && !cleaned.SHOPIFY_API_SECRET) return null;
  const raw = parseEnv(Schema, { ...cleaned, SHOPIFY_APP_URL: cleaned.SHOPIFY_APP_URL ?? defaults.appUrl });
  return {
    apiKey: raw.SHOPIFY_API_KEY,
    apiSecret: raw.SHOPIFY_API_SECRET,
    appUrl: raw.SHOPIFY_APP_URL,
    adminBaseUrl: raw.SHOPIFY_ADMIN_BASE_URL ?? null,
    apiVersion: SHOPIFY_API_VERSION,
  };
}

/** `https://{shop}`, or SHOPIFY_ADMIN_BASE_URL when set: the base of every Admin API and OAuth call. */
export function adminBase(config: ShopifyAppConfig, shop: string): string {
  return config.adminBaseUrl ?? `https://${shop}`;
}

const SHOP_DOMAIN = /^[a-z0-9][a-z0-9-]*\.myshopify\.com$/;

/** A shop's permanent domain (`x.myshopify.com`), lower-cased; null for anything else. */
export function normalizeShop(value: unknown): string | null {
  if (typeof value !== "string") return null;
  const shop = value.trim().toLowerCase();
  return SHOP_DOMAIN.test(shop) ? shop : null;
}

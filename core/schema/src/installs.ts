import { z } from "zod";
import { CreateConnectionSchema } from "./catalog.ts";
import type { Region } from "./common.ts";
import { IsoDateTimeSchema, RegionSchema } from "./common.ts";
import { IdSchema } from "./ids.ts";
import { OriginSchema } from "./tenancy.ts";

/**
 * Platform app installs: a store that installed one of our platform apps (the Shopify app, the
 * BigCommerce app, the WooCommerce plugin's connect flow), provisioned with a tenant, a
 * connection and a publishable key. `PUT /v1/installs/{platform}/{storeId}` etc. (services/installs).
 */
export const INSTALL_PLATFORMS = ["shopify", "bigcommerce", "woocommerce"] as const;
export const InstallPlatformSchema = z.enum(INSTALL_PLATFORMS);
export type InstallPlatform = z.infer<typeof InstallPlatformSchema>;

/** A store on its platform: a Shopify shop domain, a BigCommerce store hash, a WooCommerce site's host. */
export const StoreIdSchema = z
  .string()
  .min(3)
  .max(253)
  .regex(/^[a-z0-9][a-z0-9.-]*(:[0-9]{1,5})?$/, "storeId must be a lower-case host name or store hash");

/**
 * The EU/EEA, the UK and Switzerland (ISO 3166-1 alpha-2): their shops' tenants live in the EU
 * region (data residency); every other country's in the US one.
 */
const EU_REGION_COUNTRIES = new Set(
  [
    ..."AT BE BG HR CY CZ DK EE FI FR DE GR IE IT LV LT LU MT NL PL PT RO SK SI ES SE".split(" "),
    ..."IS LI NO".split(" "),
    "GB",
    "CH",
  ].map((c) => c.toUpperCase()),
);

export function regionForCountry(country: string | undefined | null): Region {
  return country && EU_REGION_COUNTRIES.has(country.toUpperCase()) ? "eu" : "us";
}

export const InstallInputSchema = z
  .object({
    /** The store's country (ISO 3166-1 alpha-2): decides the new tenant's region. */
    country: z
      .string()
      .regex(/^[A-Za-z]{2}$/, "country must be an ISO 3166-1 alpha-2 code")
      .optional(),
    /** Origins the storefront's publishable key is used from. Default: any (`*`); see the README. */
    allowedOrigins: z.union([z.tuple([z.literal("*")]), z.array(OriginSchema).min(1).max(50)]).optional(),
    /** A one-time code from Studio (`POST /v1/installs/link-codes`): the store joins that tenant instead of a new one. */
    linkCode: z.string().min(8).max(100).optional(),
    /** The connection, exactly as `POST /v1/connections` takes it for this platform. */
    connection: CreateConnectionSchema,
  })
  .strict();
export type InstallInput = z.input<typeof InstallInputSchema>;

export const InstallViewSchema = z.object({
  platform: InstallPlatformSchema,
  storeId: StoreIdSchema,
  tenantId: IdSchema,
  connectionId: IdSchema,
  region: RegionSchema,
  /** `uninstalled` after the app's uninstall (callback or webhook) until it is installed again. */
  status: z.enum(["active", "uninstalled"]),
  /** The storefront's publishable key; null while uninstalled (it is revoked then). */
  publishableKey: z.string().nullable(),
  /** True on the call that created the install. */
  created: z.boolean(),
  installedAt: IsoDateTimeSchema,
  updatedAt: IsoDateTimeSchema,
});
export type InstallView = z.infer<typeof InstallViewSchema>;

export const OpenInstallSessionSchema = z
  .object({
    /** The platform's user id (Shopify's session token `sub`, BigCommerce's `user.id`). Default `owner`. */
    userId: z
      .string()
      .regex(/^[A-Za-z0-9_.-]{1,64}$/)
      .optional(),
    email: z.string().email().max(320).optional(),
  })
  .strict();
export type OpenInstallSession = z.input<typeof OpenInstallSessionSchema>;

export interface InstallSession {
  tokenType: "Bearer";
  accessToken: string;
  expiresIn: number;
  tenantId: string;
}

export interface LinkCode {
  code: string;
  expiresAt: string;
}

/** The store id a connection body names: what the install is keyed by. */
export function storeIdOf(connection: z.infer<typeof CreateConnectionSchema>): string {
  switch (connection.platform) {
    case "shopify":
      return connection.shopDomain;
    case "bigcommerce":
      return connection.storeHash;
    case "woocommerce":
    case "magento":
      return new URL(connection.storeUrl).host.toLowerCase();
  }
}

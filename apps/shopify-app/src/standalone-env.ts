import path from "node:path";
import { parseEncryptionKeys, parseEnv, type SecretBoxOptions } from "@varai/runtime";
import { AppError } from "@varai/schema";
import { z } from "zod";
import { parseShopifyAppConfig, type ShopifyAppConfig } from "./config.ts";

/** The app running alone (`pnpm --filter @varai/shopify-app start`): its own port and store, the VARAi API over HTTP. */
export interface StandaloneEnv {
  port: number;
  host: string;
  /** Its sessions and shop records: `DATA_DIR/shopify-app.sqlite`. */
  dataDir: string;
  shopify: ShopifyAppConfig;
  /** VARAI_API_URL: the VARAi gateway the installs port and the embedded UI call. */
  apiUrl: string;
  /** VARAI_APP_KEY: this app's key (`vak_shopify_…`, one entry of the gateway's VARAI_APP_KEYS). */
  appKey: string;
  /** VARAI_ENCRYPTION_KEYS: seals the offline tokens (the runtime's secret box format). */
  encryptionKeys: SecretBoxOptions;
}

const Schema = z.object({
  PORT: z
    .string()
    .regex(/^\d{1,5}$/)
    .optional(),
  HOST: z.string().min(1).optional(),
  DATA_DIR: z.string().min(1).optional(),
  VARAI_API_URL: z.string().refine((v) => /^https?:\/\//.test(v) && URL.canParse(v), "expected an http(s) URL"),
  VARAI_APP_KEY: z.string().regex(/^vak_shopify_[A-Za-z0-9_-]{16,}$/, "expected a vak_shopify_… app key"),
  VARAI_ENCRYPTION_KEYS: z.string().min(1),
});

export function parseStandaloneEnv(source: Record<string, string | undefined>): StandaloneEnv {
  const raw = parseEnv(Schema, source);
  const apiUrl = raw.VARAI_API_URL.replace(/\/+$/, "");
  const shopify = parseShopifyAppConfig(source, { appUrl: apiUrl });
  if (!shopify)
    throw new AppError(
      "INVALID_CONFIG",
      "Invalid configuration:\n  - SHOPIFY_API_KEY and SHOPIFY_API_SECRET are required",
    );
  return {
    port: Number(raw.PORT ?? 8081),
    host: raw.HOST ?? "0.0.0.0",
    dataDir: path.resolve(raw.DATA_DIR ?? "data"),
    shopify,
    apiUrl,
    appKey: raw.VARAI_APP_KEY,
    encryptionKeys: parseEncryptionKeys(raw.VARAI_ENCRYPTION_KEYS),
  };
}

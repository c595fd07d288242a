import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseEnv } from "@varai/runtime";
import { z } from "zod";

/**
 * The gateway's configuration: the ONE place that reads `process.env`. Everything is
 * optional (the defaults are the embedded install); a malformed value fails the start
 * with every problem listed at once (`parseEnv` throws INVALID_CONFIG).
 */

/** The repository root. Relative paths resolve against it, so `pnpm start` from the root and from the package agree. */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");

const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;

export interface VersionedKey {
  /** `v1`, `v2`, ...; the highest version is the current one. */
  version: string;
  key: Buffer;
}

export interface GatewayEnv {
  port: number;
  host: string;
  /** Base of absolute URLs we hand out (images, webhooks, OpenAPI servers); null = `http://localhost:<bound port>`. */
  publicBaseUrl: string | null;
  dataDir: string;
  mongodb: { url: string; dbName: string } | null;
  redisUrl: string | null;
  logLevel: (typeof LOG_LEVELS)[number];
  demo: boolean;
  admin: { email: string | null; password: string | null };
  /** Newest (highest version) first: it encrypts, every key decrypts. Null = generated under DATA_DIR by auth. */
  encryptionKeys: VersionedKey[] | null;
  /** Newest first: it signs, every key verifies. Null = generated under DATA_DIR by auth. */
  jwtKeys: VersionedKey[] | null;
  shopify: { apiSecret: string } | null;
  bigcommerce: { clientId: string; clientSecret: string } | null;
  /** Face-model worker threads; null lets the ml service choose. */
  mlWorkers: number | null;
}

const optionalString = z.string().optional();

const booleanFlag = z
  .string()
  .optional()
  .transform((value, ctx) => {
    if (value === undefined) return undefined;
    const v = value.toLowerCase();
    if (["true", "1", "yes", "on"].includes(v)) return true;
    if (["false", "0", "no", "off"].includes(v)) return false;
    ctx.addIssue({ code: "custom", message: `expected true or false, got "${value}"` });
    return z.NEVER;
  });

const integer = (min: number, max: number) =>
  z
    .string()
    .optional()
    .transform((value, ctx) => {
      if (value === undefined) return undefined;
      const n = Number(value);
      if (!/^\d+$/.test(value) || n < min || n > max) {
        ctx.addIssue({ code: "custom", message: `expected an integer from ${min} to ${max}, got "${value}"` });
        return z.NEVER;
      }
      return n;
    });

const urlWithSchemes = (schemes: string[], example: string) =>
  z
    .string()
    .optional()
    .refine(
      (value) => {
        if (value === undefined) return true;
        try {
          return schemes.includes(new URL(value).protocol);
        } catch {
          return false;
        }
      },
      { message: `expected a ${schemes.map((s) => `${s}//`).join(" or ")} URL, e.g. ${example}` },
    );

/** `v1:<base64>,v2:<base64>`: versions unique, each key at least `minBytes` long (exactly, when `exact`). */
const versionedKeys = (minBytes: number, exact: boolean) =>
  z
    .string()
    .optional()
    .transform((value, ctx) => {
      if (value === undefined) return undefined;
      const keys: VersionedKey[] = [];
      for (const part of value.split(",").map((p) => p.trim())) {
        const match = /^(v\d+):([A-Za-z0-9+/]+={0,2})$/.exec(part);
        const key = match ? Buffer.from(match[2]!, "base64") : null;
        if (!match || !key || (exact ? key.length !== minBytes : key.length < minBytes)) {
          // Never echo the value: it is a secret.
          ctx.addIssue({
            code: "custom",
            message: `each entry must be "v<n>:<base64 of ${exact ? "" : "at least "}${minBytes} bytes>"`,
          });
          return z.NEVER;
        }
        if (keys.some((k) => k.version === match[1])) {
          ctx.addIssue({ code: "custom", message: `version ${match[1]} is listed twice` });
          return z.NEVER;
        }
        keys.push({ version: match[1]!, key });
      }
      return keys.sort((a, b) => Number(b.version.slice(1)) - Number(a.version.slice(1)));
    });

const EnvSchema = z
  .object({
    PORT: integer(0, 65535),
    HOST: z.string().min(1).optional(),
    PUBLIC_BASE_URL: urlWithSchemes(["http:", "https:"], "https://varai.example.com"),
    DATA_DIR: optionalString,
    MONGODB_URL: urlWithSchemes(["mongodb:", "mongodb+srv:"], "mongodb://localhost:27017"),
    MONGODB_DB: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,63}$/, "expected a database name of letters, digits, _ or -")
      .optional(),
    REDIS_URL: urlWithSchemes(["redis:", "rediss:"], "redis://localhost:6379"),
    LOG_LEVEL: z.enum(LOG_LEVELS).optional(),
    DEMO: booleanFlag,
    VARAI_ADMIN_EMAIL: z.email("expected an email address").optional(),
    VARAI_ADMIN_PASSWORD: z.string().min(12, "must be at least 12 characters").optional(),
    VARAI_ENCRYPTION_KEYS: versionedKeys(32, true),
    VARAI_JWT_SECRET: z.string().min(32, "must be at least 32 characters").optional(),
    VARAI_JWT_KEYS: versionedKeys(32, false),
    SHOPIFY_API_SECRET: z.string().min(1).optional(),
    BIGCOMMERCE_CLIENT_ID: z.string().min(1).optional(),
    BIGCOMMERCE_CLIENT_SECRET: z.string().min(1).optional(),
    ML_WORKERS: integer(1, 32),
  })
  // Cross-field rules run even when single fields failed (`when`), so one start lists everything.
  .check(
    z.refine((v) => !(v.VARAI_JWT_SECRET !== undefined && v.VARAI_JWT_KEYS !== undefined), {
      message: "set VARAI_JWT_SECRET or VARAI_JWT_KEYS, not both",
      path: ["VARAI_JWT_KEYS"],
      when: () => true,
    }),
    z.refine((v) => (v.BIGCOMMERCE_CLIENT_ID === undefined) === (v.BIGCOMMERCE_CLIENT_SECRET === undefined), {
      message: "set both BIGCOMMERCE_CLIENT_ID and BIGCOMMERCE_CLIENT_SECRET, or neither",
      path: ["BIGCOMMERCE_CLIENT_SECRET"],
      when: () => true,
    }),
    z.refine((v) => v.VARAI_ADMIN_PASSWORD === undefined || v.VARAI_ADMIN_EMAIL !== undefined, {
      message: "VARAI_ADMIN_PASSWORD needs VARAI_ADMIN_EMAIL",
      path: ["VARAI_ADMIN_EMAIL"],
      when: () => true,
    }),
  );

/** Parses an environment (pure; tests pass a plain object). Throws AppError INVALID_CONFIG listing every problem. */
export function parseGatewayEnv(source: Record<string, string | undefined>): GatewayEnv {
  // An empty value (`FOO=` in a compose file) means unset.
  const cleaned: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(source)) cleaned[name] = value === "" ? undefined : value;
  const raw = parseEnv(EnvSchema, cleaned);

  const port = raw.PORT ?? 8080;
  const jwtKeys = raw.VARAI_JWT_KEYS
    ? raw.VARAI_JWT_KEYS
    : raw.VARAI_JWT_SECRET
      ? [{ version: "v1", key: Buffer.from(raw.VARAI_JWT_SECRET, "utf8") }]
      : null;
  return {
    port,
    host: raw.HOST ?? "0.0.0.0",
    publicBaseUrl: raw.PUBLIC_BASE_URL
      ? raw.PUBLIC_BASE_URL.replace(/\/+$/, "")
      : port === 0
        ? null
        : `http://localhost:${port}`,
    dataDir: path.resolve(REPO_ROOT, raw.DATA_DIR ?? "data"),
    mongodb: raw.MONGODB_URL ? { url: raw.MONGODB_URL, dbName: raw.MONGODB_DB ?? "varai" } : null,
    redisUrl: raw.REDIS_URL ?? null,
    logLevel: raw.LOG_LEVEL ?? "info",
    demo: raw.DEMO ?? true,
    admin: { email: raw.VARAI_ADMIN_EMAIL ?? null, password: raw.VARAI_ADMIN_PASSWORD ?? null },
    encryptionKeys: raw.VARAI_ENCRYPTION_KEYS ?? null,
    jwtKeys,
    shopify: raw.SHOPIFY_API_SECRET ? { apiSecret: raw.SHOPIFY_API_SECRET } : null,
    bigcommerce:
      raw.BIGCOMMERCE_CLIENT_ID && raw.BIGCOMMERCE_CLIENT_SECRET
        ? { clientId: raw.BIGCOMMERCE_CLIENT_ID, clientSecret: raw.BIGCOMMERCE_CLIENT_SECRET }
        : null,
    mlWorkers: raw.ML_WORKERS ?? null,
  };
}

/** Reads the process environment. Only main.ts calls this. */
export function loadGatewayEnv(): GatewayEnv {
  return parseGatewayEnv(process.env);
}

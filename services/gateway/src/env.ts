import path from "node:path";
import { fileURLToPath } from "node:url";
import { type AppKeys, parseAppKeys } from "@varai/auth";
import { parseEncryptionKeys, parseEnv, type SecretBoxOptions } from "@varai/runtime";
import { isAppError } from "@varai/schema";
import { z } from "zod";

/**
 * The gateway's configuration: the ONE place that reads `process.env`. Everything is
 * optional (the defaults are the embedded install); a malformed value fails the start
 * with every problem listed at once (`parseEnv` throws INVALID_CONFIG).
 */

/** The repository root. Relative paths resolve against it, so `pnpm start` from the root and from the package agree. */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");

const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;

/**
 * Versioned HMAC keys for JWTs: `current` signs, every key verifies (rotation without logging
 * everyone out). Same shape as the auth service's `JwtKeySet`: kid -> base64 secret.
 */
export interface JwtKeys {
  keys: Record<string, string>;
  current: string;
}

export interface GatewayEnv {
  port: number;
  host: string;
  /** Base of absolute URLs we hand out (images, webhooks, OpenAPI servers); null = `http://localhost:<bound port>`. */
  publicBaseUrl: string | null;
  dataDir: string;
  mongodb: { url: string; dbName: string } | null;
  redisUrl: string | null;
  /** Prefix of every Redis key (queues, cache, rate limits), so installs sharing one Redis stay apart. */
  redisKeyPrefix: string;
  logLevel: (typeof LOG_LEVELS)[number];
  demo: boolean;
  admin: { email: string | null; password: string | null };
  /** For `createSecretBox`: the last listed key encrypts, every key decrypts. Null = generated under DATA_DIR by auth. */
  encryptionKeys: SecretBoxOptions | null;
  /** Null = generated under DATA_DIR by auth. */
  jwtKeys: JwtKeys | null;
  /** Server secret of the keyed hashes of shopper emails (never rotated). Null = generated under DATA_DIR. */
  hashKey: Buffer | null;
  /** The platform apps' keys on the installs API (`VARAI_APP_KEYS`). Null = generated under DATA_DIR. */
  appKeys: AppKeys | null;
  /** Where merchant notifications (a stored privacy export) are POSTed as JSON; null = logged only. */
  notifyWebhook: { url: string; token: string | null } | null;
  shopify: { apiSecret: string } | null;
  /**
   * The Shopify app (apps/shopify-app), mounted under /shopify/ when SHOPIFY_API_KEY and
   * SHOPIFY_API_SECRET are set. `appUrl` defaults to PUBLIC_BASE_URL; `adminBaseUrl` (when set)
   * replaces `https://{shop}` for every Admin API and OAuth call.
   */
  shopifyApp: { apiKey: string; apiSecret: string; appUrl: string | null; adminBaseUrl: string | null } | null;
  bigcommerce: { clientId: string; clientSecret: string } | null;
  /** The BigCommerce login host (OAuth token endpoint) and store API host: the simulator stands in for them in tests. */
  bigcommerceHosts: { loginBaseUrl: string; apiBaseUrl: string };
  /** Face-model worker threads; null lets the ml service choose. */
  mlWorkers: number | null;
  /** The face landmarker the ml workers run (`FACE_LANDMARKER`); null = the ml service's default. */
  faceLandmarker: "human" | "mediapipe" | null;
  /**
   * Development only: outbound calls to tenant- and platform-supplied URLs may use http:// and
   * reach loopback and private addresses (the platform simulator, a store on the LAN).
   */
  allowPrivateUpstreams: boolean;
  /** After SIGTERM: how long in-flight requests, then in-flight jobs, get to finish. */
  shutdownTimeoutMs: number;
  /**
   * Tests only: the process's clock runs this far ahead of the system clock (expiry tests move
   * time forward without faking the OS clock). Honoured only with NODE_ENV=test, and only
   * forwards: moving time back could keep face data past its expiry. 0 = the system clock.
   */
  testClockOffsetMs: number;
  /**
   * Tests only (NODE_ENV=test): a session id prefix that makes the analytics processor misbehave
   * on purpose, so privacy tests can reach events the store never got (see test-faults.ts).
   */
  testAnalyticsFaults: string | null;
  /**
   * The regional ml-datadriven-recos deployments (RECS_URL_US, RECS_URL_EU). Null (neither set) =
   * recommendations in-process. With either set, a tenant whose region has no URL is refused.
   */
  recsUrls: { us: string | null; eu: string | null } | null;
  /**
   * Services the gateway reaches over HTTP instead of running them in-process (SERVICE_URL_<NAME>,
   * service-main.ts runs each one). Empty = every service in-process (the default install).
   */
  serviceUrls: Partial<Record<RemoteServiceName, string>>;
  /** VARAI_INTERNAL_KEY: signs the principal on calls to service processes. Required with RECS_URL_* and SERVICE_URL_*. */
  internalKey: Buffer | null;
  /** OTEL_EXPORTER_OTLP_ENDPOINT: traces go to `<url>/v1/traces` (OTLP/HTTP); null = tracing off. */
  otlpEndpoint: string | null;
}

/**
 * The services that can run as their own process behind the gateway (`SERVICE_URL_<NAME>`).
 * The edge keeps live sockets, Studio, the demo store and the platform apps' callbacks; the
 * regional recommendation service has RECS_URL_US / RECS_URL_EU.
 */
export const REMOTE_SERVICES = ["auth", "catalog", "ml", "analytics", "storage", "installs", "widgets"] as const;
export type RemoteServiceName = (typeof REMOTE_SERVICES)[number];
const serviceUrlVar = (name: RemoteServiceName) =>
  `SERVICE_URL_${name.toUpperCase() as Uppercase<RemoteServiceName>}` as const;

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

/** Encryption keys in the secret box's own format (the last entry is current); its parser validates sizes. */
const encryptionKeys = z
  .string()
  .optional()
  .transform((value, ctx) => {
    if (value === undefined) return undefined;
    try {
      return parseEncryptionKeys(value);
    } catch (error) {
      // The runtime's message never echoes key material.
      ctx.addIssue({ code: "custom", message: isAppError(error) ? error.message : "invalid encryption keys" });
      return z.NEVER;
    }
  });

/** `shopify=vak_shopify_…,bigcommerce=vak_bigcommerce_…`: the platform apps' keys (auth's app-keys.ts). */
const appKeys = z
  .string()
  .optional()
  .transform((value, ctx) => {
    if (value === undefined) return undefined;
    try {
      return parseAppKeys(value);
    } catch (error) {
      // The parser's messages never echo a key.
      ctx.addIssue({ code: "custom", message: isAppError(error) ? error.message : "invalid app keys" });
      return z.NEVER;
    }
  });

/** JWT signing keys `v1:<base64>,v2:<base64>`, the same rotation rule: the last entry signs, every entry verifies. */
const jwtKeys = z
  .string()
  .optional()
  .transform((value, ctx) => {
    if (value === undefined) return undefined;
    const keys: Record<string, string> = {};
    let current = "";
    for (const [index, part] of value
      .split(",")
      .map((p) => p.trim())
      .entries()) {
      const match = /^([A-Za-z0-9_-]{1,16}):([A-Za-z0-9+/_-]+={0,2})$/.exec(part);
      const key = match ? Buffer.from(match[2]!, "base64") : null;
      // Never echo the entry: it is key material.
      if (!match || !key || key.length < 32) {
        ctx.addIssue({ code: "custom", message: `entry ${index + 1} must be <version>:<base64 of at least 32 bytes>` });
        return z.NEVER;
      }
      if (match[1]! in keys) {
        ctx.addIssue({ code: "custom", message: `key version "${match[1]}" appears twice` });
        return z.NEVER;
      }
      keys[match[1]!] = key.toString("base64");
      current = match[1]!;
    }
    return { keys, current };
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
    // No glob characters or hash-tag braces: keys are SCANned by prefix and queues use {queue} tags.
    REDIS_KEY_PREFIX: z
      .string()
      .regex(
        /^[A-Za-z0-9_.-]([A-Za-z0-9_.:-]{0,62}[A-Za-z0-9_.-])?$/,
        "expected 1-64 of letters, digits, _ . - : (not ending in :)",
      )
      .optional(),
    LOG_LEVEL: z.enum(LOG_LEVELS).optional(),
    DEMO: booleanFlag,
    VARAI_ADMIN_EMAIL: z.email("expected an email address").optional(),
    VARAI_ADMIN_PASSWORD: z.string().min(12, "must be at least 12 characters").optional(),
    VARAI_ENCRYPTION_KEYS: encryptionKeys,
    VARAI_JWT_SECRET: z.string().min(32, "must be at least 32 characters").optional(),
    VARAI_JWT_KEYS: jwtKeys,
    VARAI_APP_KEYS: appKeys,
    VARAI_HASH_KEY: z
      .string()
      .regex(/^[A-Za-z0-9+/_-]+={0,2}$/, "expected base64")
      .refine((v) => Buffer.from(v, "base64").length >= 32, "must be at least 32 bytes (base64)")
      .optional(),
    VARAI_NOTIFY_WEBHOOK_URL: urlWithSchemes(["http:", "https:"], "https://hooks.example.com/varai"),
    VARAI_NOTIFY_WEBHOOK_TOKEN: z.string().min(16, "must be at least 16 characters").optional(),
    SHOPIFY_API_SECRET: z.string().min(1).optional(),
    SHOPIFY_API_KEY: z.string().min(1).optional(),
    SHOPIFY_APP_URL: urlWithSchemes(["http:", "https:"], "https://varai.example.com"),
    SHOPIFY_ADMIN_BASE_URL: urlWithSchemes(["http:", "https:"], "http://127.0.0.1:4000/shopify"),
    BIGCOMMERCE_CLIENT_ID: z.string().min(1).optional(),
    BIGCOMMERCE_CLIENT_SECRET: z.string().min(1).optional(),
    BIGCOMMERCE_LOGIN_BASE_URL: urlWithSchemes(["http:", "https:"], "https://login.bigcommerce.com"),
    BIGCOMMERCE_API_BASE_URL: urlWithSchemes(["http:", "https:"], "https://api.bigcommerce.com"),
    ML_WORKERS: integer(1, 32),
    FACE_LANDMARKER: z.enum(["human", "mediapipe"]).optional(),
    VARAI_ALLOW_PRIVATE_UPSTREAMS: booleanFlag,
    SHUTDOWN_TIMEOUT_MS: integer(0, 600_000),
    NODE_ENV: optionalString,
    // Forwards only, at most 5 years.
    VARAI_TEST_CLOCK_OFFSET_MS: integer(0, 5 * 366 * 86_400_000),
    VARAI_TEST_ANALYTICS_FAULTS: z
      .string()
      .regex(/^[A-Za-z0-9_-]{3,64}$/, "expected a session id prefix")
      .optional(),
    RECS_URL_US: urlWithSchemes(["http:", "https:"], "https://ml-datadriven-recos-us-central1.a.run.app"),
    RECS_URL_EU: urlWithSchemes(["http:", "https:"], "https://ml-datadriven-recos-europe-west1.a.run.app"),
    OTEL_EXPORTER_OTLP_ENDPOINT: urlWithSchemes(["http:", "https:"], "http://otel-collector:4318"),
    SERVICE_URL_AUTH: urlWithSchemes(["http:", "https:"], "http://varai-auth:8080"),
    SERVICE_URL_CATALOG: urlWithSchemes(["http:", "https:"], "http://varai-catalog:8080"),
    SERVICE_URL_ML: urlWithSchemes(["http:", "https:"], "http://varai-ml:8080"),
    SERVICE_URL_ANALYTICS: urlWithSchemes(["http:", "https:"], "http://varai-analytics:8080"),
    SERVICE_URL_STORAGE: urlWithSchemes(["http:", "https:"], "http://varai-storage:8080"),
    SERVICE_URL_INSTALLS: urlWithSchemes(["http:", "https:"], "http://varai-installs:8080"),
    SERVICE_URL_WIDGETS: urlWithSchemes(["http:", "https:"], "http://varai-widgets:8080"),
    VARAI_INTERNAL_KEY: z
      .string()
      .regex(/^[A-Za-z0-9+/_-]+={0,2}$/, "expected base64")
      .refine((v) => Buffer.from(v, "base64").length >= 32, "must be at least 32 bytes (base64)")
      .optional(),
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
    z.refine((v) => v.SHOPIFY_API_KEY === undefined || v.SHOPIFY_API_SECRET !== undefined, {
      message: "SHOPIFY_API_KEY needs SHOPIFY_API_SECRET",
      path: ["SHOPIFY_API_SECRET"],
      when: () => true,
    }),
    z.refine((v) => v.VARAI_TEST_CLOCK_OFFSET_MS === undefined || v.NODE_ENV === "test", {
      message: "VARAI_TEST_CLOCK_OFFSET_MS is for tests: it is refused unless NODE_ENV=test",
      path: ["VARAI_TEST_CLOCK_OFFSET_MS"],
      when: () => true,
    }),
    z.refine((v) => v.VARAI_TEST_ANALYTICS_FAULTS === undefined || v.NODE_ENV === "test", {
      message: "VARAI_TEST_ANALYTICS_FAULTS is for tests: it is refused unless NODE_ENV=test",
      path: ["VARAI_TEST_ANALYTICS_FAULTS"],
      when: () => true,
    }),
    z.refine(
      (v) => (v.RECS_URL_US === undefined && v.RECS_URL_EU === undefined) || v.VARAI_INTERNAL_KEY !== undefined,
      {
        message: "RECS_URL_US / RECS_URL_EU need VARAI_INTERNAL_KEY (the services verify the gateway's signed calls)",
        path: ["VARAI_INTERNAL_KEY"],
        when: () => true,
      },
    ),
    z.refine(
      (v) =>
        REMOTE_SERVICES.every((name) => v[serviceUrlVar(name)] === undefined) ||
        (v.VARAI_INTERNAL_KEY !== undefined && v.REDIS_URL !== undefined),
      {
        message:
          "SERVICE_URL_* need VARAI_INTERNAL_KEY (the services verify the gateway's signed calls) and REDIS_URL (live updates, caches and rate limits shared across the processes)",
        path: ["SERVICE_URL"],
        when: () => true,
      },
    ),
    z.refine(
      (v) =>
        REMOTE_SERVICES.every((name) => v[serviceUrlVar(name)] === undefined) ||
        (v.VARAI_ENCRYPTION_KEYS !== undefined &&
          v.VARAI_HASH_KEY !== undefined &&
          (v.VARAI_JWT_KEYS !== undefined || v.VARAI_JWT_SECRET !== undefined) &&
          (v.SERVICE_URL_INSTALLS === undefined || v.VARAI_APP_KEYS !== undefined)),
      {
        message:
          "SERVICE_URL_* need the shared secrets from configuration (VARAI_ENCRYPTION_KEYS, VARAI_HASH_KEY, VARAI_JWT_KEYS; VARAI_APP_KEYS with SERVICE_URL_INSTALLS): every process must hold the same keys",
        path: ["SERVICE_URL"],
        when: () => true,
      },
    ),
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
      ? { keys: { v1: Buffer.from(raw.VARAI_JWT_SECRET, "utf8").toString("base64") }, current: "v1" }
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
    redisKeyPrefix: raw.REDIS_KEY_PREFIX ?? "varai",
    logLevel: raw.LOG_LEVEL ?? "info",
    demo: raw.DEMO ?? true,
    admin: { email: raw.VARAI_ADMIN_EMAIL ?? null, password: raw.VARAI_ADMIN_PASSWORD ?? null },
    encryptionKeys: raw.VARAI_ENCRYPTION_KEYS ?? null,
    jwtKeys,
    hashKey: raw.VARAI_HASH_KEY ? Buffer.from(raw.VARAI_HASH_KEY, "base64") : null,
    appKeys: raw.VARAI_APP_KEYS ?? null,
    notifyWebhook: raw.VARAI_NOTIFY_WEBHOOK_URL
      ? { url: raw.VARAI_NOTIFY_WEBHOOK_URL, token: raw.VARAI_NOTIFY_WEBHOOK_TOKEN ?? null }
      : null,
    shopify: raw.SHOPIFY_API_SECRET ? { apiSecret: raw.SHOPIFY_API_SECRET } : null,
    shopifyApp:
      raw.SHOPIFY_API_KEY && raw.SHOPIFY_API_SECRET
        ? {
            apiKey: raw.SHOPIFY_API_KEY,
            apiSecret: raw.SHOPIFY_API_SECRET,
            appUrl: raw.SHOPIFY_APP_URL?.replace(/\/+$/, "") ?? null,
            adminBaseUrl: raw.SHOPIFY_ADMIN_BASE_URL?.replace(/\/+$/, "") ?? null,
          }
        : null,
    bigcommerce:
      raw.BIGCOMMERCE_CLIENT_ID && raw.BIGCOMMERCE_CLIENT_SECRET
        ? { clientId: raw.BIGCOMMERCE_CLIENT_ID, clientSecret: raw.BIGCOMMERCE_CLIENT_SECRET }
        : null,
    bigcommerceHosts: {
      loginBaseUrl: (raw.BIGCOMMERCE_LOGIN_BASE_URL ?? "https://login.bigcommerce.com").replace(/\/+$/, ""),
      apiBaseUrl: (raw.BIGCOMMERCE_API_BASE_URL ?? "https://api.bigcommerce.com").replace(/\/+$/, ""),
    },
    mlWorkers: raw.ML_WORKERS ?? null,
    faceLandmarker: raw.FACE_LANDMARKER ?? null,
    allowPrivateUpstreams: raw.VARAI_ALLOW_PRIVATE_UPSTREAMS ?? false,
    shutdownTimeoutMs: raw.SHUTDOWN_TIMEOUT_MS ?? 10_000,
    testClockOffsetMs: raw.VARAI_TEST_CLOCK_OFFSET_MS ?? 0,
    testAnalyticsFaults: raw.VARAI_TEST_ANALYTICS_FAULTS ?? null,
    recsUrls:
      raw.RECS_URL_US || raw.RECS_URL_EU
        ? { us: raw.RECS_URL_US?.replace(/\/+$/, "") ?? null, eu: raw.RECS_URL_EU?.replace(/\/+$/, "") ?? null }
        : null,
    serviceUrls: Object.fromEntries(
      REMOTE_SERVICES.flatMap((name) => {
        const value = raw[serviceUrlVar(name)];
        return value ? [[name, value.replace(/\/+$/, "")]] : [];
      }),
    ),
    internalKey: raw.VARAI_INTERNAL_KEY ? Buffer.from(raw.VARAI_INTERNAL_KEY, "base64") : null,
    otlpEndpoint: raw.OTEL_EXPORTER_OTLP_ENDPOINT ?? null,
  };
}

/** Reads the process environment. Only main.ts calls this. */
export function loadGatewayEnv(): GatewayEnv {
  return parseGatewayEnv(process.env);
}

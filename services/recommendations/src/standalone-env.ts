import path from "node:path";
import { fileURLToPath } from "node:url";
import { type PortsEnv, parseEnv } from "@varai/runtime";
import { REGIONS } from "@varai/schema";
import { z } from "zod";

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");

/** The ml-datadriven-recos process's configuration (`pnpm --filter @varai/recommendations start`). */
export interface RecsProcessEnv extends PortsEnv {
  port: number;
  host: string;
  /** The tenant region this deployment serves: it refuses tenants of another region. */
  region: (typeof REGIONS)[number];
  /** Verifies the principal the gateway signs onto each call (VARAI_INTERNAL_KEY). */
  internalKey: Buffer;
  /** The shopper identity's hash key (VARAI_HASH_KEY), the gateway's own: shopper ids hash the same here. */
  hashKey: Buffer | null;
  shutdownTimeoutMs: number;
  /** OTEL_EXPORTER_OTLP_ENDPOINT: traces to `<url>/v1/traces`; null = tracing off. */
  otlpEndpoint: string | null;
}

const base64Key = (minBytes: number) =>
  z
    .string()
    .regex(/^[A-Za-z0-9+/_-]+={0,2}$/, "expected base64")
    .refine((v) => Buffer.from(v, "base64").length >= minBytes, `must be at least ${minBytes} bytes (base64)`);

const url = (schemes: string[]) =>
  z
    .string()
    .refine((v) => URL.canParse(v) && schemes.includes(new URL(v).protocol), `expected a ${schemes.join(" or ")} URL`)
    .optional();

const Schema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).optional(),
  HOST: z.string().min(1).optional(),
  VARAI_REGION: z.enum(REGIONS, { message: `expected one of ${REGIONS.join(", ")}` }),
  VARAI_INTERNAL_KEY: base64Key(32),
  VARAI_HASH_KEY: base64Key(32).optional(),
  DATA_DIR: z.string().optional(),
  MONGODB_URL: url(["mongodb:", "mongodb+srv:"]),
  MONGODB_DB: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,63}$/)
    .optional(),
  REDIS_URL: url(["redis:", "rediss:"]),
  REDIS_KEY_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_.-]([A-Za-z0-9_.:-]{0,62}[A-Za-z0-9_.-])?$/)
    .optional(),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).optional(),
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(0).max(600_000).optional(),
  OTEL_EXPORTER_OTLP_ENDPOINT: url(["http:", "https:"]),
});

/** Parses the process environment; every problem at once (runtime parseEnv). */
export function parseRecsProcessEnv(source: Record<string, string | undefined>): RecsProcessEnv {
  const raw = parseEnv(Schema, source);
  return {
    port: raw.PORT ?? 8080,
    host: raw.HOST ?? "0.0.0.0",
    region: raw.VARAI_REGION,
    internalKey: Buffer.from(raw.VARAI_INTERNAL_KEY, "base64"),
    hashKey: raw.VARAI_HASH_KEY ? Buffer.from(raw.VARAI_HASH_KEY, "base64") : null,
    dataDir: path.resolve(REPO_ROOT, raw.DATA_DIR ?? "data"),
    mongodb: raw.MONGODB_URL ? { url: raw.MONGODB_URL, dbName: raw.MONGODB_DB ?? "varai" } : null,
    redisUrl: raw.REDIS_URL ?? null,
    redisKeyPrefix: raw.REDIS_KEY_PREFIX ?? "varai",
    logLevel: raw.LOG_LEVEL ?? "info",
    shutdownTimeoutMs: raw.SHUTDOWN_TIMEOUT_MS ?? 10_000,
    otlpEndpoint: raw.OTEL_EXPORTER_OTLP_ENDPOINT ?? null,
  };
}

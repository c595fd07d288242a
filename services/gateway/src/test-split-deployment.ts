import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { type RedisTestServer, startRedisServer } from "@varai/testkit";
import { freePort } from "./test-helpers.ts";
import { killServer, type Server, startServer } from "./test-process.ts";
import { type ServiceProcess, startServiceProcess } from "./test-service-process.ts";

/**
 * Tests and benches only: the gateway and the services as separate processes, each started as
 * its package's start script runs it, on one throwaway redis-server and one DATA_DIR (the
 * embedded SQLite store and blobs, shared by the processes as MongoDB and a bucket would be).
 */

/** Package, script and the SERVICE_URL the gateway reaches it by. */
export const SPLIT_SERVICES = [
  { pkg: "auth", script: "start", url: "SERVICE_URL_AUTH" },
  { pkg: "catalog", script: "start:intake", url: "SERVICE_URL_CATALOG" },
  { pkg: "catalog", script: "start:workers", url: null },
  { pkg: "ml", script: "start", url: "SERVICE_URL_ML" },
  { pkg: "analytics", script: "start", url: "SERVICE_URL_ANALYTICS" },
  { pkg: "storage", script: "start", url: "SERVICE_URL_STORAGE" },
  { pkg: "installs", script: "start", url: "SERVICE_URL_INSTALLS" },
  { pkg: "widgets", script: "start", url: "SERVICE_URL_WIDGETS" },
] as const;

export interface SplitDeployment {
  base: string;
  dataDir: string;
  redis: RedisTestServer;
  gateway: Server;
  services: Record<string, ServiceProcess>;
  /** What every process printed, for a failure message. */
  output(): string;
  /** Stops every process (SIGTERM, the services first) and redis; idempotent. */
  stop(): Promise<void>;
  remove(): Promise<void>;
}

/** The secrets every process must share, generated for one run. */
function sharedSecrets(): Record<string, string> {
  const key = () => randomBytes(32).toString("base64");
  return {
    VARAI_INTERNAL_KEY: key(),
    VARAI_HASH_KEY: key(),
    VARAI_ENCRYPTION_KEYS: `v1:${key()}`,
    VARAI_JWT_KEYS: `v1:${key()}`,
    VARAI_APP_KEYS: ["shopify", "woocommerce", "bigcommerce"]
      .map((app) => `${app}=vak_${app}_${randomBytes(24).toString("base64url")}`)
      .join(","),
  };
}

export async function startSplitDeployment(
  env: Record<string, string>,
  options: { services?: readonly (typeof SPLIT_SERVICES)[number][] } = {},
): Promise<SplitDeployment> {
  const chosen = options.services ?? SPLIT_SERVICES;
  const redis = await startRedisServer({ url: null });
  const dataDir = await mkdtemp(path.join(tmpdir(), "varai-split-"));
  const port = await freePort();
  const shared = {
    NODE_ENV: "test",
    LOG_LEVEL: "info",
    DATA_DIR: dataDir,
    REDIS_URL: redis.url,
    REDIS_KEY_PREFIX: `split${randomBytes(4).toString("hex")}`,
    PUBLIC_BASE_URL: `http://127.0.0.1:${port}`,
    ML_WORKERS: "1",
    ...sharedSecrets(),
    ...env,
  };
  const services: Record<string, ServiceProcess> = {};
  let gateway: Server | null = null;
  let stopped: Promise<void> | null = null;
  const stop = () =>
    (stopped ??= (async () => {
      await Promise.all(Object.values(services).map((s) => s.stop()));
      if (gateway && gateway.child.exitCode === null) {
        gateway.child.kill("SIGTERM");
        await gateway.exited;
      }
      await killServer(gateway);
      await redis.stop();
    })());
  try {
    // In parallel: each composes every service as a library before it listens.
    await Promise.all(
      chosen.map(async ({ pkg, script }) => {
        services[`${pkg}:${script}`] = await startServiceProcess(pkg, shared, script);
      }),
    );
    const urls = Object.fromEntries(
      chosen.flatMap(({ pkg, script, url }) => (url ? [[url, services[`${pkg}:${script}`]!.base]] : [])),
    );
    gateway = await startServer({ ...shared, ...urls, PORT: String(port), DEMO: "false" });
  } catch (error) {
    await stop();
    await rm(dataDir, { recursive: true, force: true });
    throw error;
  }
  return {
    base: gateway.base,
    dataDir,
    redis,
    gateway,
    services,
    output: () =>
      Object.entries(services)
        .map(([name, s]) => `--- ${name}\n${s.output().slice(-4000)}`)
        .join("\n"),
    stop,
    remove: () => rm(dataDir, { recursive: true, force: true }),
  };
}

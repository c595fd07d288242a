/**
 * Benches only: the gateway as a real process on one throwaway redis-server and one DATA_DIR
 * (the embedded SQLite store and blobs), either with every service in it (`single`: the default
 * install's composition, on Redis) or with some services as separate processes (`split`: their
 * package's start script each, the gateway forwarding to them over SERVICE_URL_<NAME>). Both are
 * started by the gateway's test helper `startSplitDeployment`, so the two differ only in where
 * the services run. Used by `BENCH_DEPLOYMENT=split` of bench:webhooks and bench:tryon.
 */
import { readFileSync } from "node:fs";
import { createMerchant, ORIGIN } from "../../services/gateway/src/test-process.ts";
import {
  SPLIT_SERVICES,
  type SplitDeployment,
  startSplitDeployment,
} from "../../services/gateway/src/test-split-deployment.ts";

export { ORIGIN };

const ADMIN = { email: "bench@varai.test", password: "bench-password-long-enough-01" };

export type DeploymentKind = "single" | "split";

export interface BenchDeployment {
  kind: DeploymentKind;
  deployment: SplitDeployment;
  base: string;
  /** The Redis key prefix every process uses (`<prefix>:queue:` for the queue). */
  redisKeyPrefix: string;
  merchant: { tenantId: string; token: string; publishableKey: string };
  /** Process ids of the gateway and of each service process (redis-server not included). */
  pids(): number[];
  /** The same by name: `gateway`, then `<pkg>:<script>`. */
  processes(): Record<string, number>;
}

/**
 * Starts `kind` with `env` on top: `single` runs the gateway alone (every service in it), `split`
 * the gateway plus `packages` (entries of SPLIT_SERVICES by `pkg:script`). A merchant (tenant,
 * tenant admin, publishable key allowed on ORIGIN) is created through the gateway.
 */
export async function startBenchDeployment(
  kind: DeploymentKind,
  packages: readonly string[],
  env: Record<string, string>,
): Promise<BenchDeployment> {
  const services = kind === "single" ? [] : SPLIT_SERVICES.filter((s) => packages.includes(`${s.pkg}:${s.script}`));
  if (kind === "split" && services.length !== packages.length) throw new Error(`unknown services in ${packages}`);
  const redisKeyPrefix = `bench${Date.now().toString(36)}`;
  const deployment = await startSplitDeployment(
    {
      VARAI_ADMIN_EMAIL: ADMIN.email,
      VARAI_ADMIN_PASSWORD: ADMIN.password,
      REDIS_KEY_PREFIX: redisKeyPrefix,
      ...env,
    },
    { services },
  );
  try {
    const merchant = await createMerchant(deployment.base, {
      admin: ADMIN,
      owner: { email: "owner@bench-shop.test", password: "owner-password-long-0001" },
      name: "Bench Shop",
    });
    const processes = () =>
      Object.fromEntries(
        [
          ["gateway", deployment.gateway.child.pid],
          ...Object.entries(deployment.services).map(([name, s]) => [name, s.child.pid]),
        ].filter((e): e is [string, number] => typeof e[1] === "number"),
      );
    return {
      kind,
      deployment,
      base: deployment.base,
      redisKeyPrefix,
      merchant,
      pids: () => Object.values(processes()),
      processes,
    };
  } catch (error) {
    console.error(deployment.output());
    await deployment.stop();
    await deployment.remove();
    throw error;
  }
}

export async function stopBenchDeployment(d: BenchDeployment): Promise<void> {
  await d.deployment.stop();
  await d.deployment.remove();
}

/** CPU time (user + system, ms) the processes have used so far, from /proc (Linux). */
export function processCpuMs(pids: readonly number[]): number {
  let ticks = 0;
  for (const pid of pids) {
    try {
      // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
      const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // Not Linux, or the process is gone: counted as nothing.
    }
  }
  // USER_HZ is 100 on Linux for every architecture that node runs on.
  return ticks * 10;
}

/** Labels for the JSON: what each deployment is and which backends it uses. */
export function describeDeployment(kind: DeploymentKind, packages: readonly string[]): string {
  const where =
    kind === "single"
      ? "gateway process with every service in it"
      : `gateway process + ${packages.map((p) => p.replace(":start", "").replace(/^(\w+):/, "$1 ")).join(" + ")} processes`;
  return `${where}; Redis queue, cache and rate limiter (one redis-server); embedded SQLite store in one DATA_DIR`;
}

import { AppError } from "@varai/schema";
import { type GatewayEnv, parseGatewayEnv, REMOTE_SERVICES, type RemoteServiceName } from "./env.ts";

// The deployment checks (ops/deploy) read the roles and the forwardable services from here.
export { REMOTE_SERVICES, type RemoteServiceName } from "./env.ts";

/**
 * The roles a service process can run (`node src/service-main.ts <role>`, each service package's
 * `start`): a service's routes ("serve") and its consumers and schedules ("run"). Catalog's
 * webhook intake and its workers scale apart: `catalog-intake` acknowledges webhooks into the
 * queue, `catalog-workers` drains it.
 */
export const SERVICE_ROLES = {
  auth: { service: "auth", serve: true, run: true },
  catalog: { service: "catalog", serve: true, run: true },
  "catalog-intake": { service: "catalog", serve: true, run: false },
  "catalog-workers": { service: "catalog", serve: false, run: true },
  ml: { service: "ml", serve: true, run: true },
  analytics: { service: "analytics", serve: true, run: true },
  storage: { service: "storage", serve: true, run: true },
  installs: { service: "installs", serve: true, run: true },
  widgets: { service: "widgets", serve: true, run: true },
} as const satisfies Record<string, { service: RemoteServiceName; serve: boolean; run: boolean }>;
export type ServiceRole = keyof typeof SERVICE_ROLES;

export interface ServiceProcessEnv {
  role: ServiceRole;
  /** The shared configuration, read as the gateway reads it (the same variables mean the same). */
  env: GatewayEnv;
}

/**
 * A service process's configuration. It composes the services as the gateway does, over the same
 * stores, so it reads the same variables, and it needs what the gateway may otherwise generate:
 * the shared secrets from configuration (every process must hold the same keys), Redis (live
 * updates, caches and rate limits shared across processes), the internal key (it serves only
 * signed calls from the gateway) and the gateway's public URL (the addresses it hands out, such
 * as the webhook URLs it registers). SERVICE_URL_* are ignored here: a service runs its peers as
 * libraries over the shared stores, never through the gateway. The demo store is the gateway's.
 */
export function parseServiceProcessEnv(
  role: string | undefined,
  source: Record<string, string | undefined>,
): ServiceProcessEnv {
  const problems: string[] = [];
  if (!role || !(role in SERVICE_ROLES))
    problems.push(`VARAI_SERVICE: expected one of ${Object.keys(SERVICE_ROLES).join(", ")}`);
  const required = ["VARAI_INTERNAL_KEY", "REDIS_URL", "PUBLIC_BASE_URL", "VARAI_ENCRYPTION_KEYS", "VARAI_HASH_KEY"];
  if (role === "installs") required.push("VARAI_APP_KEYS");
  for (const name of required) if (!source[name]) problems.push(`${name}: required for a service process`);
  if (!source.VARAI_JWT_KEYS && !source.VARAI_JWT_SECRET)
    problems.push("VARAI_JWT_KEYS: required for a service process (or VARAI_JWT_SECRET)");

  const shared: Record<string, string | undefined> = { ...source, DEMO: "false" };
  for (const name of REMOTE_SERVICES) delete shared[`SERVICE_URL_${name.toUpperCase()}`];
  let env: GatewayEnv | null = null;
  try {
    env = parseGatewayEnv(shared);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    problems.push(
      ...message
        .replace(/^Invalid configuration:\n/, "")
        .split("\n")
        .map((line) => line.replace(/^\s*- /, "")),
    );
  }
  if (problems.length > 0 || !env)
    throw new AppError("INVALID_CONFIG", `Invalid configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
  return { role: role as ServiceRole, env };
}

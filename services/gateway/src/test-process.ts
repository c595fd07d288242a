import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

/**
 * The real server as a child process (the `start` script, as `pnpm start` runs it), for tests that must
 * kill it, restart it, or read what it left on disk: the crash test, the privacy suite.
 */

export const PACKAGE_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

/**
 * The package's `start` script (`NAME=value ... node <flags> src/main.ts`) as spawn arguments, so
 * the tests run the server exactly as `pnpm start` does (allocator settings and V8 flags included)
 * but as one process, which a signal reaches. `node` is this test's own node.
 */
export function startCommand(
  packageDir = PACKAGE_DIR,
  script = "start",
): { env: Record<string, string>; args: string[] } {
  const { scripts } = JSON.parse(readFileSync(path.join(packageDir, "package.json"), "utf8")) as {
    scripts: Record<string, string | undefined>;
  };
  const command = scripts[script];
  if (!command) throw new Error(`${packageDir} has no ${script} script`);
  const words = command.trim().split(/\s+/);
  const env: Record<string, string> = {};
  while (words[0] && /^[A-Z_]+=/.test(words[0])) {
    const [name, value] = words.shift()!.split("=", 2) as [string, string];
    env[name] = value;
  }
  if (words.shift() !== "node") throw new Error(`the ${script} script must run node: ${command}`);
  return { env, args: words };
}
/** The Origin sent with a publishable key (`call(..., { key })`); allow it on the key. */
export const ORIGIN = "https://crash-shop.test";

export interface Server {
  child: ChildProcess;
  base: string;
  exited: Promise<number | null>;
}

export async function startServer(env: Record<string, string>): Promise<Server> {
  // node itself, not pnpm: one pid, which SIGKILL reaches.
  const start = startCommand();
  const child = spawn(process.execPath, start.args, {
    cwd: PACKAGE_DIR,
    env: {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? "",
      PORT: "0",
      HOST: "127.0.0.1",
      ...start.env,
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  let out = "";
  let err = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    err += chunk.toString();
  });
  const base = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      // Not left running: the caller has no handle on it yet.
      child.kill("SIGKILL");
      reject(new Error(`server did not start:\n${out}\n${err}`));
    }, 60_000);
    child.stdout?.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      for (const line of out.split("\n")) {
        if (!line.includes("VARAi gateway listening")) continue;
        clearTimeout(timer);
        resolve(`http://127.0.0.1:${(JSON.parse(line) as { port: number }).port}`);
      }
    });
    void exited.then((code) => reject(new Error(`server exited with ${code}:\n${out}\n${err}`)));
  });
  // Keep draining its output so a full pipe never blocks it.
  child.stdout?.removeAllListeners("data");
  child.stdout?.resume();
  return { child, base, exited };
}

export async function call(
  base: string,
  method: string,
  url: string,
  options: { token?: string; key?: string; body?: unknown; headers?: Record<string, string>; raw?: Uint8Array } = {},
): Promise<{ status: number; body: any }> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.key) {
    headers["x-varai-key"] = options.key;
    headers.origin = ORIGIN;
  }
  let body: string | Uint8Array<ArrayBuffer> | undefined = options.raw ? new Uint8Array(options.raw) : undefined;
  if (options.body !== undefined) {
    headers["content-type"] = "application/json";
    body = JSON.stringify(options.body);
  }
  let response = await fetch(`${base}${url}`, { method, headers, body });
  // The checks below poll the catalog page by page faster than the per-user budget (600 a minute)
  // allows on a quick machine: a 429 waits out its Retry-After instead of failing the check.
  for (let attempt = 0; response.status === 429 && attempt < 120; attempt++) {
    await response.arrayBuffer();
    const waitSeconds = Number(response.headers.get("retry-after")) || 1;
    await new Promise((resolve) => setTimeout(resolve, Math.min(waitSeconds, 60) * 1000));
    response = await fetch(`${base}${url}`, { method, headers, body });
  }
  const type = response.headers.get("content-type") ?? "";
  return {
    status: response.status,
    body: type.startsWith("application/json") ? await response.json() : await response.text(),
  };
}

export interface Credentials {
  email: string;
  password: string;
}

/**
 * A merchant on a fresh server, as an operator sets one up: the platform admin (from
 * VARAI_ADMIN_EMAIL/PASSWORD) creates the tenant and its tenant admin, who signs in and creates
 * the publishable key a storefront uses (allowed on `ORIGIN`). Throws on any step's failure.
 */
export async function createMerchant(
  base: string,
  options: { admin: Credentials; owner: Credentials; name: string },
): Promise<{ tenantId: string; token: string; publishableKey: string }> {
  const expectStatus = (step: string, response: { status: number; body: unknown }, status: number) => {
    if (response.status !== status)
      throw new Error(`${step}: ${response.status} ${JSON.stringify(response.body).slice(0, 300)}`);
  };
  const root = await call(base, "POST", "/v1/auth/login", { body: options.admin });
  expectStatus("platform admin login", root, 200);
  const tenant = await call(base, "POST", "/v1/tenants", {
    token: root.body.accessToken,
    body: { name: options.name, region: "us" },
  });
  expectStatus("create tenant", tenant, 201);
  const tenantId: string = tenant.body.id ?? tenant.body.tenant?.id;
  const user = await call(base, "POST", `/v1/tenants/${tenantId}/users`, {
    token: root.body.accessToken,
    body: { ...options.owner, role: "tenant_admin" },
  });
  expectStatus("create tenant admin", user, 201);
  const login = await call(base, "POST", "/v1/auth/login", { body: options.owner });
  expectStatus("tenant admin login", login, 200);
  const key = await call(base, "POST", "/v1/api-keys", {
    token: login.body.accessToken,
    body: { kind: "publishable", allowedOrigins: [ORIGIN] },
  });
  expectStatus("create publishable key", key, 201);
  return { tenantId, token: login.body.accessToken, publishableKey: key.body.key };
}

/** SIGKILLs the server if it still runs and waits for it to exit. */
export async function killServer(server: Server | null | undefined): Promise<void> {
  if (server && server.child.exitCode === null) {
    server.child.kill("SIGKILL");
    await server.exited;
  }
}

/**
 * The cost of the separate-process hop: POST /v1/recommendations through the gateway with the
 * recommendations in-process (the default install) against the same call routed to an
 * ml-datadriven-recos process (RECS_URL_US), both as real processes on this machine, one
 * DATA_DIR (the embedded store). The tenant's catalog is empty, so ranking costs ~nothing and the
 * difference is the hop itself: the predict call over loopback HTTP, the signed principal, the
 * region lookup. Prints JSON. `BENCH_SECONDS` (default 10) per run, `BENCH_CONNECTIONS` (default 8).
 */

import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import autocannon from "autocannon";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 8);
const ADMIN = { email: "bench@varai.test", password: "bench-password-long-enough-01" };
const ORIGIN = "https://bench.test";
const INTERNAL_KEY = randomBytes(32).toString("base64");
const HASH_KEY = randomBytes(32).toString("base64");

/** Starts `node <dir>/src/main.ts` and resolves with its port once it logs that it listens. */
function start(dir: string, env: Record<string, string>): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, ["src/main.ts"], {
    cwd: join(ROOT, dir),
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", HOST: "127.0.0.1", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let listening = false;
  return new Promise((resolve, reject) => {
    child.stderr?.on("data", (c: Buffer) => (out += c.toString()));
    child.stdout?.on("data", (c: Buffer) => {
      if (listening) return; // drained, not kept
      out += c.toString();
      const line = out.split("\n").find((l) => l.includes("listening") && l.startsWith("{"));
      if (!line) return;
      listening = true;
      resolve({ child, port: (JSON.parse(line) as { port: number }).port });
    });
    child.once("exit", (code) => reject(new Error(`${dir} exited ${code}: ${out}`)));
  });
}

async function json(base: string, method: string, path: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as Record<string, unknown> & { id: string; key: string; accessToken: string };
}

/** A tenant with a publishable key, as an operator makes one. */
async function publishableKey(base: string): Promise<string> {
  const root = (await json(base, "POST", "/v1/auth/login", ADMIN)).accessToken as string;
  const auth = { authorization: `Bearer ${root}` };
  const tenant = await json(base, "POST", "/v1/tenants", { name: "Bench", region: "us" }, auth);
  const owner = { email: `owner-${tenant.id}@bench.test`, password: "owner-password-long-enough-01" };
  await json(base, "POST", `/v1/tenants/${tenant.id}/users`, { ...owner, role: "tenant_admin" }, auth);
  const token = (await json(base, "POST", "/v1/auth/login", owner)).accessToken as string;
  const key = await json(
    base,
    "POST",
    "/v1/api-keys",
    { kind: "publishable", allowedOrigins: [ORIGIN] },
    {
      authorization: `Bearer ${token}`,
    },
  );
  return key.key as string;
}

async function measure(base: string, pk: string) {
  const run = await autocannon({
    url: `${base}/v1/recommendations`,
    method: "POST",
    connections: CONNECTIONS,
    duration: SECONDS,
    headers: { "content-type": "application/json", "x-varai-key": pk, origin: ORIGIN },
    body: JSON.stringify({ faceShape: "oval", limit: 5 }),
  });
  return {
    requestsPerSecond: Math.round(run.requests.average),
    p50ms: run.latency.p50,
    p99ms: run.latency.p99,
    non2xx: run.non2xx,
    errors: run.errors,
  };
}

async function gatewayRun(dataDir: string, extra: Record<string, string>) {
  const gateway = await start("services/gateway", {
    PORT: "0",
    DATA_DIR: dataDir,
    DEMO: "false",
    VARAI_ADMIN_EMAIL: ADMIN.email,
    VARAI_ADMIN_PASSWORD: ADMIN.password,
    VARAI_HASH_KEY: HASH_KEY,
    VARAI_INTERNAL_KEY: INTERNAL_KEY,
    ...extra,
  });
  return gateway;
}

const dataDir = mkdtempSync(join(tmpdir(), "varai-bench-recs-"));
const results: Record<string, unknown> = { seconds: SECONDS, connections: CONNECTIONS, loadavgBefore: loadavg()[0] };
try {
  const local = await gatewayRun(dataDir, {});
  const base = `http://127.0.0.1:${local.port}`;
  const pk = await publishableKey(base);
  results.inProcess = await measure(base, pk);
  local.child.kill("SIGTERM");
  await new Promise((r) => local.child.once("exit", r));

  const recs = await start("services/recommendations", {
    PORT: "0",
    VARAI_REGION: "us",
    VARAI_INTERNAL_KEY: INTERNAL_KEY,
    VARAI_HASH_KEY: HASH_KEY,
    DATA_DIR: dataDir,
  });
  const remote = await gatewayRun(dataDir, { RECS_URL_US: `http://127.0.0.1:${recs.port}` });
  results.separateProcess = await measure(`http://127.0.0.1:${remote.port}`, pk);
  remote.child.kill("SIGTERM");
  recs.child.kill("SIGTERM");
  await Promise.all([remote.child, recs.child].map((c) => new Promise((r) => c.once("exit", r))));
  const a = results.inProcess as { p50ms: number; p99ms: number };
  const b = results.separateProcess as { p50ms: number; p99ms: number };
  results.overheadPerRequestMs = { p50: b.p50ms - a.p50ms, p99: b.p99ms - a.p99ms };
} finally {
  rmSync(dataDir, { recursive: true, force: true });
}
console.log(JSON.stringify(results, null, 2));

// startRedisServer(): a throwaway redis-server on a free port for Redis-backed suites.
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { createConnection, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";

export interface RedisTestServer {
  /** `redis://127.0.0.1:<port>` (or `REDIS_URL`). */
  url: string;
  /**
   * Prefix every Redis-backed implementation under test must use. On a throwaway server it
   * is merely tidy; on a `REDIS_URL` server it is the only thing `stop()` deletes.
   */
  keyPrefix: string;
  /** Deletes this run's keys (REDIS_URL) or kills the throwaway server and removes its dir. */
  stop(): Promise<void>;
  /**
   * Fault tests: SIGKILLs the throwaway server (no graceful shutdown, connections drop).
   * Undefined with `REDIS_URL`: nobody kills a server they did not start.
   */
  kill?: () => Promise<void>;
  /** After `kill()`: starts a fresh, empty server on the same port. Undefined with `REDIS_URL`. */
  restart?: () => Promise<void>;
}

export interface StartRedisServerOptions {
  /** Defaults to `process.env.REDIS_URL`; pass `null` to always start a throwaway server. */
  url?: string | null;
}

export const REDIS_SERVER_MISSING =
  "redis-server must be installed to run the Redis-backed suites (`apt-get install redis-server`), " +
  "or REDIS_URL must point at a Redis server the tests may write to.";

/**
 * Gives a test file a Redis server. The rule that keeps other people's data safe:
 *
 * - `REDIS_URL` set: the tests use that server, but every key they write starts with a
 *   fresh `varai-test:<uuid>:` prefix and `stop()` deletes only keys under it (SCAN + UNLINK,
 *   never FLUSHDB/FLUSHALL). Point it at a dev instance anyway, never production.
 * - otherwise, when the `redis-server` binary exists: a throwaway server on a free port,
 *   no persistence, in a temp dir; `stop()` kills it and deletes the dir.
 * - otherwise: throws. Redis-backed suites must fail loudly, never silently pass.
 */
export async function startRedisServer(options: StartRedisServerOptions = {}): Promise<RedisTestServer> {
  const external = options.url === undefined ? process.env.REDIS_URL : options.url;
  if (external) return useExternalServer(external);
  if (!hasRedisServerBinary()) throw new Error(REDIS_SERVER_MISSING);
  return startThrowawayServer();
}

async function useExternalServer(url: string): Promise<RedisTestServer> {
  const keyPrefix = `varai-test:${randomUUID()}:`;
  const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  client.on("error", () => {});
  await client.connect();
  await client.ping();
  return {
    url,
    keyPrefix,
    async stop() {
      try {
        // Escape glob characters; the uuid has none, but the rule should not depend on that.
        const match = `${keyPrefix.replace(/[*?[\]\\]/g, "\\$&")}*`;
        let cursor = "0";
        do {
          const [next, keys] = await client.scan(cursor, "MATCH", match, "COUNT", 500);
          cursor = next;
          if (keys.length > 0) await client.unlink(...keys);
        } while (cursor !== "0");
      } finally {
        client.disconnect();
      }
    },
  };
}

function hasRedisServerBinary(): boolean {
  const result = spawnSync("redis-server", ["--version"], { stdio: "ignore" });
  return !result.error && result.status === 0;
}

const running = new Set<ChildProcess>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // A test file that forgets stop() (or a crashed worker) must not leave servers behind.
  process.once("exit", () => {
    for (const child of running) child.kill("SIGKILL");
  });
}

async function startThrowawayServer(): Promise<RedisTestServer> {
  installExitHook();
  const dir = await mkdtemp(join(tmpdir(), "varai-redis-"));
  let lastError: unknown;
  // The free port can be taken between probing and binding; a couple of tries covers it.
  for (let tryNo = 0; tryNo < 3; tryNo++) {
    const port = await freePort();
    try {
      let child = await spawnRedis(port, dir);
      const url = `redis://127.0.0.1:${port}`;
      return {
        url,
        keyPrefix: "test:",
        async stop() {
          await terminate(child, "SIGTERM");
          await rm(dir, { recursive: true, force: true });
        },
        async kill() {
          await terminate(child, "SIGKILL");
        },
        async restart() {
          await terminate(child, "SIGKILL");
          child = await spawnRedis(port, dir);
        },
      };
    } catch (error) {
      lastError = error;
    }
  }
  await rm(dir, { recursive: true, force: true });
  throw new Error(`redis-server did not start: ${String(lastError)}`, { cause: lastError });
}

async function spawnRedis(port: number, dir: string): Promise<ChildProcess> {
  const child = spawn(
    "redis-server",
    ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  running.add(child);
  let output = "";
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-2000);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  let exited = false;
  child.once("exit", () => {
    exited = true;
    running.delete(child);
  });
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (exited) throw new Error(`redis-server exited early: ${output.trim()}`);
    if (await answersPing(port)) return child;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  await terminate(child, "SIGKILL");
  throw new Error(`redis-server did not answer PING within 10 s: ${output.trim()}`);
}

function answersPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: "127.0.0.1", port });
    let reply = "";
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => done(false));
    socket.once("error", () => done(false));
    socket.once("connect", () => socket.write("PING\r\n"));
    socket.on("data", (chunk) => {
      reply += chunk.toString();
      if (reply.includes("\r\n")) done(reply.startsWith("+PONG"));
    });
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function terminate(child: ChildProcess, signal: "SIGTERM" | "SIGKILL"): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill(signal);
  const timer = setTimeout(() => child.kill("SIGKILL"), 3000);
  await exited;
  clearTimeout(timer);
}

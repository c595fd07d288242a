import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import net from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { DEMO_FRAMES } from "@varai/demo";
import { afterEach, describe, expect, it } from "vitest";
import { PACKAGE_DIR, startCommand } from "./test-process.ts";

// The package's start script, for real, spawned directly (not through pnpm) so that signals reach
// the server process itself: `node src/main.ts` (Node 24 strips the types; no loader).
const START = startCommand();

interface Started {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exit: Promise<number | null>;
}

const children: ChildProcess[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill("SIGKILL");
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

function start(env: Record<string, string>): Started {
  // `node` is this test's own node, whichever version runs the suite.
  const child = spawn(process.execPath, START.args, {
    cwd: PACKAGE_DIR,
    // Only what the server needs: no inherited configuration from the developer's shell.
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...START.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  let out = "";
  let err = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    out += chunk.toString();
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    err += chunk.toString();
  });
  const exit = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return { child, stdout: () => out, stderr: () => err, exit };
}

/** The first complete JSON log line that has the field (the last chunk may end mid-line). */
function logEntry(server: Started, field: string): Record<string, unknown> | undefined {
  const complete = server.stdout().split("\n").slice(0, -1);
  for (const line of complete) {
    if (!line.startsWith("{")) continue;
    const entry = JSON.parse(line) as Record<string, unknown>;
    if (field in entry && entry.msg !== "demo catalog seeded") return entry;
  }
  return undefined;
}

// Generous: a start on a loaded 2-core machine (a full test run, other work) can take 25 s and more;
// these deadlines only stop a hung start, they are not a start-up time budget (bench for that).
async function waitFor<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, ms = 60_000): Promise<T> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe("pnpm start (node src/main.ts)", () => {
  it("starts on a fresh DATA_DIR, serves /healthz, /demo and /openapi.json, and exits 0 on SIGTERM", async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), "varai-main-"));
    dirs.push(dataDir);
    const server = start({ PORT: "0", HOST: "127.0.0.1", DATA_DIR: dataDir });

    const demoUrl = await waitFor("the ready log line", () => logEntry(server, "demo")?.demo as string | undefined);
    expect(logEntry(server, "created")).toMatchObject({ status: "seeded", created: DEMO_FRAMES.length });
    const base = demoUrl.replace(/\/demo$/, "");
    expect(demoUrl).toMatch(/^http:\/\/localhost:\d+\/demo$/);

    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(200);
    expect(((await ready.json()) as { checks: Record<string, string> }).checks.startup).toBe("ok");

    const demo = await fetch(demoUrl);
    expect(demo.status).toBe(200);
    expect((await demo.text()).match(/<li class="card"/g)?.length).toBeGreaterThanOrEqual(12);

    const openapi = (await (await fetch(`${base}/openapi.json`)).json()) as { openapi: string; servers: unknown };
    expect(openapi.openapi).toBe("3.1.0");
    expect(openapi.servers).toEqual([{ url: base }]);

    server.child.kill("SIGTERM");
    expect(await server.exit).toBe(0);
    expect(server.stdout()).toContain('"msg":"stopped"');
    expect(server.stderr(), "nothing on stderr").toBe("");

    // A second start on the same DATA_DIR finds the catalog and writes nothing.
    const again = start({ PORT: "0", HOST: "127.0.0.1", DATA_DIR: dataDir });
    await waitFor("the second start", () => logEntry(again, "demo"));
    expect(logEntry(again, "created")).toMatchObject({ status: "present", created: 0 });
    again.child.kill("SIGINT");
    expect(await again.exit).toBe(0);
  }, 150_000);

  it("on SIGTERM stops accepting, finishes the request in flight, then exits 0", async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), "varai-main-"));
    dirs.push(dataDir);
    const server = start({
      PORT: "0",
      HOST: "127.0.0.1",
      DATA_DIR: dataDir,
      DEMO: "false",
      SHUTDOWN_TIMEOUT_MS: "20000",
    });
    const port = Number(
      await waitFor("the ready log line", () => logEntry(server, "port")?.port as number | undefined),
    );

    // A request in flight: its headers and half its body are in when the signal arrives.
    const body = JSON.stringify({ email: "nobody@varai.test", password: "not-the-password-0001" });
    const socket = net.connect(port, "127.0.0.1");
    await new Promise<void>((resolve) => socket.once("connect", () => resolve()));
    let response = "";
    socket.on("data", (chunk: Buffer) => {
      response += chunk.toString();
    });
    const socketClosed = new Promise<void>((resolve) => socket.once("close", () => resolve()));
    socket.write(
      `POST /v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body.slice(0, 10)}`,
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    server.child.kill("SIGTERM");
    await waitFor("the shutdown log line", () => logEntry(server, "reason")?.reason as string | undefined);
    expect(logEntry(server, "reason")).toMatchObject({ reason: "SIGTERM", timeoutMs: 20000 });

    // No new connections once shutdown began.
    const refused = await new Promise<boolean>((resolve) => {
      const probe = net.connect(port, "127.0.0.1");
      probe.once("connect", () => {
        probe.destroy();
        resolve(false);
      });
      probe.once("error", () => resolve(true));
    });
    expect(refused).toBe(true);
    expect(server.child.exitCode).toBeNull();

    // The rest of the body arrives: the request is answered in full, then the process exits 0.
    socket.write(body.slice(10));
    await socketClosed;
    expect(response).toMatch(/^HTTP\/1\.1 401 /);
    expect(response).toContain('"code":"UNAUTHENTICATED"');
    expect(await server.exit).toBe(0);
    expect(server.stdout()).toContain('"msg":"stopped"');
  }, 120_000);

  it("refuses an invalid configuration at start, listing every problem and no stack", async () => {
    const server = start({ PORT: "abc", REDIS_URL: "localhost:6379", MONGODB_URL: "http://db" });
    expect(await server.exit).toBe(1);
    const err = server.stderr();
    expect(err).toContain("PORT");
    expect(err).toContain("REDIS_URL");
    expect(err).toContain("MONGODB_URL");
    expect(err).not.toMatch(/\n\s+at /);
  }, 60_000);
});

import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { createEmbeddedStore } from "../store/embedded-store.ts";

const SCRIPT = fileURLToPath(new URL("./fixtures/data-dir-process.ts", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "varai-processes-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the fixture as its own OS process; resolves with its one JSON line. */
function run(role: string, file: string, n: number): Promise<Record<string, number | string>> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [SCRIPT, role, file, String(n)], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (chunk: Buffer) => {
      out += chunk;
    });
    child.stderr.on("data", (chunk: Buffer) => {
      err += chunk;
    });
    child.once("exit", (code) => {
      if (code !== 0) reject(new Error(`${role} exited ${code}: ${err}`));
      else resolve(JSON.parse(out.trim().split("\n").at(-1) as string) as Record<string, number | string>);
    });
  });
}

describe("several processes on one DATA_DIR (SQLite file)", () => {
  it("processes every job a producer process enqueued exactly once, in two worker processes", async () => {
    const file = join(dir, "varai.sqlite");
    const n = 400;
    // The workers start first and wait on an empty queue; the producer's jobs reach them through the file.
    const workers = [run("worker", file, n), run("worker", file, n)];
    const producer = await run("producer", file, n);
    const results = await Promise.all(workers);
    expect(producer.enqueued).toBe(n);
    expect(results.map((r) => r.duplicates)).toEqual([0, 0]);
    expect(results.reduce((sum, r) => sum + Number(r.handled), 0)).toBe(n);

    // What they wrote is in the file for this (third) process too: each job once, by a worker.
    const store = createEmbeddedStore({ file });
    const handled = store.tenantCollection<{ id: string; tenantId: string; pid: number }>({
      name: "handled_jobs",
      scope: "tenant",
    });
    const docs = await handled.find("ten_processes", {});
    expect(docs.map((doc) => doc.id).sort()).toEqual(Array.from({ length: n }, (_, i) => `job_${i}`).sort());
    const workerPids = new Set(results.map((r) => r.pid));
    expect(docs.every((doc) => workerPids.has(doc.pid) && doc.pid !== producer.pid)).toBe(true);
    await store.close();
  }, 90_000);
});

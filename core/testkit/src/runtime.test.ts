import { describe, expect, it } from "vitest";
import { createTestRuntime } from "./runtime.ts";

describe("createTestRuntime", () => {
  it("gives working ports that keep tenants apart and close cleanly", async () => {
    const deps = createTestRuntime();
    const things = deps.store.tenantCollection<{ id: string; tenantId: string; n: number }>({
      name: "things",
      scope: "tenant",
    });
    await things.insertOne("ten_aaaa", { id: "t1", n: 1 });
    expect(await things.findById("ten_aaaa", "t1")).toMatchObject({ n: 1 });
    expect(await things.findById("ten_bbbb", "t1")).toBeNull();

    const seen: unknown[] = [];
    const consumer = deps.queue.consume<{ x: number }>("q", async (job) => {
      seen.push(job.payload.x);
    });
    await deps.queue.enqueue("q", { x: 7 });
    await expect.poll(() => seen).toEqual([7]);
    await consumer.stop();

    await deps.blobs.put("ten_aaaa/x", new Uint8Array([1]), { contentType: "application/octet-stream" });
    expect((await deps.blobs.head("ten_aaaa/x"))?.size).toBe(1);
    await deps.close();
  });
});

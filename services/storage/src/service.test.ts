import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import {
  createEmbeddedStore,
  createFsBlobStore,
  createHttpApp,
  createMemoryCache,
  createMemoryQueue,
  createMemoryRateLimiter,
  createPrivacyRegistry,
  noopLogger,
  type RuntimeDeps,
  setPrincipal,
} from "@varai/runtime";
import type { Principal } from "@varai/schema";
import request from "supertest";
import { afterEach, describe, expect, it } from "vitest";
import { createStorageService } from "./service.ts";

function setup() {
  const dir = mkdtempSync(path.join(tmpdir(), "varai-storage-"));
  let now = new Date("2025-01-01T00:00:00Z");
  const deps: RuntimeDeps = {
    store: createEmbeddedStore({ file: null }),
    cache: createMemoryCache(),
    queue: createMemoryQueue(),
    rateLimiter: createMemoryRateLimiter(),
    blobs: createFsBlobStore({ dir }),
    logger: noopLogger,
    clock: () => now,
    privacy: createPrivacyRegistry(),
  };
  const storage = createStorageService(deps, { sweepIntervalMs: 0 });
  return {
    deps,
    storage,
    advance: (ms: number) => {
      now = new Date(now.getTime() + ms);
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

const HOUR = 3600_000;
let cleanups: Array<() => void> = [];
afterEach(() => {
  for (const c of cleanups) c();
  cleanups = [];
});

describe("storage service", () => {
  it("hides and then sweeps photos and renders once their retention has passed", async () => {
    const { storage, advance, cleanup, deps } = setup();
    cleanups.push(cleanup);
    await storage.blobs.save({
      tenantId: "ten_a",
      kind: "photo",
      id: "p1",
      data: Buffer.from("x"),
      contentType: "image/jpeg",
      ttlMs: HOUR,
    });
    await storage.blobs.save({
      tenantId: "ten_a",
      kind: "render",
      id: "r1",
      data: Buffer.from("y"),
      contentType: "image/jpeg",
      ttlMs: 3 * HOUR,
    });
    await deps.blobs.put("ten_a/frame-assets/ast_1.png", Buffer.from("z"), { contentType: "image/png" });
    expect(await storage.blobs.get("ten_a", "photo", "p1")).not.toBeNull();
    advance(2 * HOUR);
    expect(await storage.blobs.get("ten_a", "photo", "p1")).toBeNull();
    expect(await storage.sweepExpired()).toBe(1);
    expect(await storage.blobs.get("ten_a", "render", "r1")).not.toBeNull();
    // Frame assets are not shopper data and have no expiry: never swept.
    expect(await deps.blobs.head("ten_a/frame-assets/ast_1.png")).not.toBeNull();
  });

  it("exports metadata (never pixels) and erases a shopper's blobs only", async () => {
    const { storage, cleanup, deps } = setup();
    cleanups.push(cleanup);
    const save = (id: string, shopperId: string) =>
      storage.blobs.save({
        tenantId: "ten_a",
        kind: "photo",
        id,
        data: Buffer.from("x"),
        contentType: "image/jpeg",
        ttlMs: HOUR,
        shopperId,
      });
    await save("p1", "alice");
    await save("p2", "bob");
    const participant = deps.privacy.participants().find((p) => p.name === "storage.shopper-blobs");
    const exported = await participant?.export({ kind: "shopper", tenantId: "ten_a", shopperId: "alice" });
    expect(exported).toEqual([expect.objectContaining({ key: "ten_a/photos/p1", shopperId: "alice", kind: "photo" })]);
    expect(JSON.stringify(exported)).not.toContain("data");
    expect(await participant?.erase({ kind: "shopper", tenantId: "ten_a", shopperId: "alice" })).toBe(1);
    expect(await participant?.erase({ kind: "shopper", tenantId: "ten_a", shopperId: "alice" })).toBe(0);
    expect(await storage.blobs.get("ten_a", "photo", "p2")).not.toBeNull();
    expect(await participant?.erase({ kind: "tenant", tenantId: "ten_a" })).toBe(1);
  });

  it("serves a render to its own tenant's storefront only", async () => {
    const { storage, cleanup, deps } = setup();
    cleanups.push(cleanup);
    await storage.blobs.save({
      tenantId: "ten_a",
      kind: "render",
      id: "r1",
      data: Buffer.from("jpeg!"),
      contentType: "image/jpeg",
      ttlMs: HOUR,
    });
    const appFor = (tenantId: string) =>
      createHttpApp({
        modules: [storage],
        logger: deps.logger,
        authenticate: (_req, res, next) => {
          setPrincipal(res, { kind: "storefront", tenantId, keyId: "key_1" } as Principal);
          next();
        },
      });
    const own = await request(appFor("ten_a")).get("/v1/renders/r1");
    expect(own.status).toBe(200);
    expect(own.headers["content-type"]).toBe("image/jpeg");
    const other = await request(appFor("ten_b")).get("/v1/renders/r1");
    expect(other.status).toBe(404);
    const bad = await request(appFor("ten_a")).get("/v1/renders/..%2Fx");
    expect(bad.status).toBe(400);
  });
});

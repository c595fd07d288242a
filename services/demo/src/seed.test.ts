import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { blobKeys, COLLECTIONS, createEmbeddedStore, createFsBlobStore } from "@varai/runtime";
import { type Product, ProductSchema, type Tenant, TenantSchema } from "@varai/schema";
import { createTestRuntime } from "@varai/testkit";
import { afterEach, describe, expect, it } from "vitest";
import { DEMO_FRAMES, DEMO_TENANT } from "./frames.ts";
import { demoAssetId, demoImageKey, seedDemo } from "./seed.ts";

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Ports over a DATA_DIR of its own, as the gateway lays it out, so a test can restart on it. */
async function createTempRuntime(dataDir?: string) {
  const dir = dataDir ?? (await mkdtemp(path.join(tmpdir(), "varai-demo-seed-")));
  const deps = createTestRuntime({
    store: createEmbeddedStore({ file: path.join(dir, "varai.sqlite") }),
    blobs: createFsBlobStore({ dir: path.join(dir, "blobs") }),
  });
  return { deps, dataDir: dir, close: () => deps.close(), remove: () => rm(dir, { recursive: true, force: true }) };
}

async function runtimeOn(dataDir?: string) {
  const runtime = await createTempRuntime(dataDir);
  cleanups.push(runtime.close);
  return runtime;
}

const productsOf = (deps: Awaited<ReturnType<typeof runtimeOn>>["deps"]) =>
  deps.store.tenantCollection<Product>(COLLECTIONS.products).find(DEMO_TENANT.id, {}, { sort: { id: 1 } });

describe("seedDemo", () => {
  it("creates the demo tenant and a valid catalog with ready try-on assets", async () => {
    const { deps, remove } = await runtimeOn();
    cleanups.push(remove);
    const result = await seedDemo(deps, { publicBaseUrl: "http://localhost:8080" });
    expect(result).toEqual({ status: "seeded", created: DEMO_FRAMES.length });

    const tenant = await deps.store.globalCollection<Tenant>(COLLECTIONS.tenants).findById(DEMO_TENANT.id);
    expect(TenantSchema.parse(tenant)).toMatchObject({ id: "ten_demo", region: "us" });

    const products = await productsOf(deps);
    expect(products).toHaveLength(DEMO_FRAMES.length);
    for (const product of products) {
      const parsed = ProductSchema.parse(product);
      expect(parsed.source.platform).toBe("demo");
      expect(parsed.tryOn.assetStatus).toBe("ready");
      expect(parsed.tryOn.frameWidthIsDefault).toBe(false);
      expect(parsed.tryOn.assetWidthPx! / 4).toBe(parsed.frame.dimensions.frameWidthMm);
      const asset = await deps.blobs.head(blobKeys.frameAsset(DEMO_TENANT.id, parsed.tryOn.assetId!));
      expect(asset?.contentType).toBe("image/png");
      expect(parsed.images[0]?.url).toBe(`http://localhost:8080/demo/images/${parsed.handle}.png`);
    }
  });

  it("keeps the data across restarts on the same DATA_DIR and adds nothing the second time", async () => {
    const first = await createTempRuntime();
    cleanups.push(first.remove);
    await seedDemo(first.deps, { publicBaseUrl: "http://localhost:8080" });
    const before = await productsOf(first.deps);
    await first.close();

    const second = await runtimeOn(first.dataDir);
    const result = await seedDemo(second.deps, { publicBaseUrl: "http://localhost:8080" });
    expect(result).toEqual({ status: "present", created: 0 });
    const after = await productsOf(second.deps);
    expect(after.map((p) => p.id)).toEqual(before.map((p) => p.id));
    expect(after).toEqual(before);
    expect(await second.deps.store.globalCollection<Tenant>(COLLECTIONS.tenants).count()).toBe(1);
  });

  it("moves image URLs to a new public base URL without adding products", async () => {
    const { deps, remove } = await runtimeOn();
    cleanups.push(remove);
    await seedDemo(deps, { publicBaseUrl: "http://localhost:8080" });
    const result = await seedDemo(deps, { publicBaseUrl: "https://shop.example.com" });
    expect(result.created).toBe(0);
    const products = await productsOf(deps);
    expect(products).toHaveLength(DEMO_FRAMES.length);
    expect(products.every((p) => p.images[0]?.url.startsWith("https://shop.example.com/demo/images/"))).toBe(true);
  });

  it("restores images deleted from the blob store", async () => {
    const { deps, remove } = await runtimeOn();
    cleanups.push(remove);
    await seedDemo(deps, { publicBaseUrl: "http://localhost:8080" });
    const slug = DEMO_FRAMES[2]!.slug;
    await deps.blobs.delete(demoImageKey(`${slug}.png`));
    await deps.blobs.delete(blobKeys.frameAsset(DEMO_TENANT.id, demoAssetId(slug)));
    expect(await seedDemo(deps, { publicBaseUrl: "http://localhost:8080" })).toEqual({ status: "present", created: 0 });
    expect(await deps.blobs.head(demoImageKey(`${slug}.png`))).not.toBeNull();
    expect(await deps.blobs.head(blobKeys.frameAsset(DEMO_TENANT.id, demoAssetId(slug)))).not.toBeNull();
  });

  it("leaves a store that already serves other tenants alone", async () => {
    const { deps, remove } = await runtimeOn();
    cleanups.push(remove);
    const now = new Date().toISOString();
    await deps.store
      .globalCollection<Tenant>(COLLECTIONS.tenants)
      .insertOne({ id: "ten_acme", name: "Acme", region: "eu", status: "active", createdAt: now, updatedAt: now });
    expect(await seedDemo(deps, { publicBaseUrl: "http://localhost:8080" })).toEqual({ status: "skipped", created: 0 });
    expect(await productsOf(deps)).toHaveLength(0);
  });
});

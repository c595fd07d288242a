import { blobKeys, COLLECTIONS, type RuntimeDeps, type TenantCollection } from "@varai/runtime";
import { isAppError, type Product, type Tenant } from "@varai/schema";
import { renderFrameArt } from "./frame-art.ts";
import { DEMO_CONNECTION_ID, DEMO_FRAMES, DEMO_TENANT, type DemoFrame, frameWidthMm, sizeLabel } from "./frames.ts";

/** Product photos of the demo store live beside its frame assets, under the tenant's prefix. */
export const demoImageKey = (file: string) => `${DEMO_TENANT.id}/demo-images/${file}`;
export const demoProductId = (slug: string) => `prd_demo_${slug}`;
export const demoAssetId = (slug: string) => `ast_demo_${slug}`;

const RENDER_BATCH = 4;

export interface SeedResult {
  status: "seeded" | "present" | "skipped";
  /** Products (and their images) written by this call. */
  created: number;
}

/**
 * Seeds the demo tenant and its catalog. Idempotent by construction: ids are derived from
 * the frame's slug, so a second run finds every product and writes nothing, and a run
 * interrupted half-way is completed by the next. It never touches a store that already
 * holds other tenants (a production database with DEMO left on).
 */
export async function seedDemo(deps: RuntimeDeps, options: { publicBaseUrl: string }): Promise<SeedResult> {
  const logger = deps.logger.child({ component: "demo-seed" });
  const tenants = deps.store.globalCollection<Tenant>(COLLECTIONS.tenants);
  const products = deps.store.tenantCollection<Product>(COLLECTIONS.products);

  const existingTenant = await tenants.findById(DEMO_TENANT.id);
  if (!existingTenant && (await tenants.count()) > 0) {
    logger.info({}, "store already has tenants; demo seed skipped");
    return { status: "skipped", created: 0 };
  }

  const now = deps.clock().toISOString();
  if (!existingTenant) {
    await ignoreConflict(tenants.insertOne({ ...DEMO_TENANT, status: "active", createdAt: now, updatedAt: now }));
  }

  // Frames whose product or images are missing (all of them on a first start, none after).
  const missing: Array<{ frame: DemoFrame; existing: Product | null }> = [];
  for (const frame of DEMO_FRAMES) {
    const existing = await products.findById(DEMO_TENANT.id, demoProductId(frame.slug));
    if (existing) await refreshImageUrl(products, existing, options.publicBaseUrl);
    const imagesPresent =
      (await deps.blobs.head(blobKeys.frameAsset(DEMO_TENANT.id, demoAssetId(frame.slug)))) !== null &&
      (await deps.blobs.head(demoImageKey(`${frame.slug}.png`))) !== null;
    if (!existing || !imagesPresent) missing.push({ frame, existing });
  }

  let created = 0;
  // sharp renders on libuv's thread pool: a few at once use both cores.
  for (let i = 0; i < missing.length; i += RENDER_BATCH) {
    const batch = missing.slice(i, i + RENDER_BATCH);
    const arts = await Promise.all(batch.map(({ frame }) => renderFrameArt(frame)));
    for (const [j, { frame, existing }] of batch.entries()) {
      const art = arts[j]!;
      // Images first: a product is never visible before its images exist.
      await deps.blobs.put(blobKeys.frameAsset(DEMO_TENANT.id, demoAssetId(frame.slug)), art.asset, {
        contentType: "image/png",
      });
      await deps.blobs.put(demoImageKey(`${frame.slug}.png`), art.photo, { contentType: "image/png" });
      if (existing) continue;
      const product = demoProduct(frame, art, options.publicBaseUrl, now);
      if (await ignoreConflict(products.insertOne(DEMO_TENANT.id, product))) created++;
    }
  }
  if (created > 0) logger.info({ created }, "demo catalog seeded");
  return { status: created > 0 || !existingTenant ? "seeded" : "present", created };
}

/** Image URLs are absolute: when PUBLIC_BASE_URL changed since the seed, they move to the new base. */
async function refreshImageUrl(products: TenantCollection<Product>, product: Product, base: string): Promise<void> {
  const url = `${base}/demo/images/${product.handle}.png`;
  if (product.images.length === 0 || product.images[0]?.url === url) return;
  const images = product.images.map((image, i) => (i === 0 ? { ...image, url } : image));
  await products.updateOne(DEMO_TENANT.id, { id: product.id }, { $set: { images } });
}

/** A concurrent seeder (a second process on the same store) inserting first is fine. */
async function ignoreConflict(insert: Promise<unknown>): Promise<boolean> {
  try {
    await insert;
    return true;
  } catch (error) {
    if (isAppError(error) && error.code === "CONFLICT") return false;
    throw error;
  }
}

export function demoProduct(
  frame: DemoFrame,
  art: Awaited<ReturnType<typeof renderFrameArt>>,
  publicBaseUrl: string,
  now: string,
): Product {
  const size = sizeLabel(frame);
  const shapeName = frame.shape.replace("-", " ");
  return {
    id: demoProductId(frame.slug),
    tenantId: DEMO_TENANT.id,
    source: {
      platform: "demo",
      connectionId: DEMO_CONNECTION_ID,
      externalId: `demo-${frame.slug}`,
      externalUpdatedAt: now,
    },
    title: `${frame.name} ${frame.shape.replace(/(^|-)([a-z])/g, (_m, sep: string, c: string) => sep + c.toUpperCase())}`,
    handle: frame.slug,
    brand: frame.brand,
    productType: "Eyeglasses",
    categories: ["Eyeglasses"],
    tags: [frame.shape, frame.rim, frame.material],
    status: "active",
    variants: [
      {
        externalId: `demo-${frame.slug}-1`,
        sku: `VD-${frame.slug.toUpperCase()}-${frame.lensWidthMm}`,
        price: { amount: frame.price, currency: "USD" },
        options: { Color: frame.colorName, Size: size },
        inventoryQuantity: 25,
      },
    ],
    images: [
      {
        url: `${publicBaseUrl}/demo/images/${frame.slug}.png`,
        alt: `${frame.name} ${shapeName} frame in ${frame.colorName.toLowerCase()}, front view`,
        position: 0,
      },
    ],
    frame: {
      shape: frame.shape,
      rim: frame.rim,
      material: frame.material,
      color: frame.colorName,
      dimensions: {
        frameWidthMm: frameWidthMm(frame),
        lensWidthMm: frame.lensWidthMm,
        bridgeWidthMm: frame.bridgeWidthMm,
        templeLengthMm: frame.templeLengthMm,
        lensHeightMm: frame.lensHeightMm,
      },
    },
    tryOn: {
      assetStatus: "ready",
      assetId: demoAssetId(frame.slug),
      assetWidthPx: art.assetWidthPx,
      assetHeightPx: art.assetHeightPx,
      lensCentersPx: art.lensCentersPx,
      frameWidthMm: frameWidthMm(frame),
      frameWidthIsDefault: false,
      updatedAt: now,
    },
    merchandising: { pinned: false, boost: 1 },
    createdAt: now,
    updatedAt: now,
  };
}

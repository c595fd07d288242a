import { blobKeys, COLLECTIONS, parseInput, type RuntimeDeps } from "@varai/runtime";
import { AppError, FRAME_SHAPES, FrameShapeSchema, IdSchema, type Product } from "@varai/schema";
import { type Response, Router } from "express";
import { z } from "zod";
import { DEMO_TENANT } from "./frames.ts";
import { type PageOptions, renderCatalogPage, renderProductPage } from "./pages.ts";
import { demoImageKey } from "./seed.ts";

// Not strict: storefront links carry tracking parameters (utm_*) that must not break the page.
const CatalogQuerySchema = z.object({ shape: FrameShapeSchema.optional() });
const ProductParamsSchema = z.object({ id: IdSchema });
/** Only names the seed writes: no path separators, no dots but the extension. */
const ImageParamsSchema = z.object({ file: z.string().regex(/^[a-z0-9_-]{1,64}\.png$/, "unknown image") });

/** The most products a demo page renders (the seed writes 15; merchants' catalogs never land here). */
const PAGE_LIMIT = 200;

/** The demo storefront: server-rendered pages over the demo tenant's catalog, and its images. */
export function createDemoRouter(deps: RuntimeDeps, options: Partial<PageOptions> = {}): Router {
  const router = Router();
  const products = deps.store.tenantCollection<Product>(COLLECTIONS.products);
  const page: PageOptions = { storeName: DEMO_TENANT.name, ...options };

  const sendHtml = (res: Response, body: string) => {
    res.setHeader("Cache-Control", "no-store");
    res.type("html").send(body);
  };

  router.get("/demo", async (req, res) => {
    const query = parseInput(CatalogQuerySchema, req.query, "query");
    const filter: Record<string, unknown> = { status: "active" };
    if (query.shape) filter["frame.shape"] = query.shape;
    const list = await products.find(DEMO_TENANT.id, filter, { sort: { title: 1 }, limit: PAGE_LIMIT });
    sendHtml(res, renderCatalogPage(list, { ...page, shapes: FRAME_SHAPES, activeShape: query.shape }));
  });

  router.get("/demo/products/:id", async (req, res) => {
    const { id } = parseInput(ProductParamsSchema, req.params, "path");
    const product = await products.findById(DEMO_TENANT.id, id);
    if (product?.status !== "active") throw new AppError("NOT_FOUND", "No such product in the demo store");
    sendHtml(res, renderProductPage(product, page));
  });

  const sendBlob = async (res: Response, key: string) => {
    const blob = await deps.blobs.get(key);
    if (!blob) throw new AppError("NOT_FOUND", "No such image");
    res.setHeader("Content-Type", blob.metadata.contentType);
    res.setHeader("Cache-Control", "public, max-age=3600");
    res.setHeader("X-Content-Type-Options", "nosniff");
    res.send(blob.data);
  };

  router.get("/demo/images/:file", async (req, res) => {
    const { file } = parseInput(ImageParamsSchema, req.params, "path");
    await sendBlob(res, demoImageKey(file));
  });

  /** The try-on assets of the demo frames (transparent PNG at 4 px/mm), for the widgets and for people to look at. */
  router.get("/demo/assets/:file", async (req, res) => {
    const { file } = parseInput(ImageParamsSchema, req.params, "path");
    await sendBlob(res, blobKeys.frameAsset(DEMO_TENANT.id, file.slice(0, -".png".length)));
  });

  return router;
}

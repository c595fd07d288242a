import { parseInput, requireStorefront } from "@varai/runtime";
import { AppError } from "@varai/schema";
import {
  type WidgetConfig,
  WidgetConfigSchema,
  type WidgetProduct,
  WidgetProductListSchema,
} from "@varai/widget-kit/config";
import { type Request, type Response, Router } from "express";
import { z } from "zod";
import type { WidgetBundles } from "./build.ts";
import { createVendorCache } from "./vendor.ts";

export const WidgetProductQuerySchema = z.object({
  ids: z
    .string()
    .max(2000)
    .transform((s) => s.split(",").filter(Boolean))
    .pipe(
      z
        .array(
          z
            .string()
            .max(128)
            .regex(/^[A-Za-z0-9_.:-]+$/),
        )
        .max(50),
    )
    .optional(),
  sku: z.string().min(1).max(256).optional(),
  limit: z.coerce.number().int().min(1).max(50).default(12),
});
export type WidgetProductQuery = z.infer<typeof WidgetProductQuerySchema>;

export interface WidgetRouterOptions {
  /** Built bundles, or the promise of them (the gateway can start listening while esbuild runs). */
  bundles: WidgetBundles | Promise<WidgetBundles>;
  /** The tenant's widget settings (partial is fine: defaults fill the rest). */
  getConfig(tenantId: string): Promise<unknown> | unknown;
  /** Public product data for the widgets: by ids, by SKU, or the first try-on-ready frames. */
  getProducts(tenantId: string, query: WidgetProductQuery): Promise<WidgetProduct[]>;
}

const SHORT_CACHE = "public, max-age=300";
const LONG_CACHE = "public, max-age=31536000, immutable";
const VENDOR_CACHE = "public, max-age=86400";

function sendBody(
  req: Request,
  res: Response,
  file: { body: Buffer; gzip: Buffer | null; contentType: string; etag?: string },
  cacheControl: string,
): void {
  res.setHeader("Content-Type", file.contentType);
  res.setHeader("Cache-Control", cacheControl);
  res.setHeader("X-Content-Type-Options", "nosniff");
  // Chunks are fetched with import() and models with fetch() from the merchant's origin: CORS-readable, public.
  res.setHeader("Access-Control-Allow-Origin", "*");
  res.setHeader("Cross-Origin-Resource-Policy", "cross-origin");
  res.setHeader("Vary", "Accept-Encoding");
  if (file.etag) {
    res.setHeader("ETag", file.etag);
    if (req.header("if-none-match") === file.etag) {
      res.status(304).end();
      return;
    }
  }
  const acceptsGzip = /\bgzip\b/.test(req.header("accept-encoding") ?? "");
  if (file.gzip && acceptsGzip) {
    res.setHeader("Content-Encoding", "gzip");
    res.send(file.gzip);
    return;
  }
  res.send(file.body);
}

function corsForStorefront(req: Request, res: Response): void {
  const origin = req.header("origin");
  if (!origin) return;
  res.setHeader("Access-Control-Allow-Origin", origin);
  res.append("Vary", "Origin");
}

/**
 * `/widget/*`: the loader, element chunks, live-mode vendor files, and the two storefront
 * JSON endpoints (config, products) for the calling publishable key's tenant.
 */
export function createWidgetRouter(options: WidgetRouterOptions): Router {
  const router = Router();
  const bundles = Promise.resolve(options.bundles);
  bundles.catch(() => {}); // reported per request below
  const vendor = createVendorCache();

  router.get("/widget/varai.js", async (req, res) => {
    const b = await bundles;
    sendBody(req, res, b.assets.get("varai.js")!, SHORT_CACHE);
  });

  router.get("/widget/chunks/:file", async (req, res) => {
    const b = await bundles;
    const file = b.assets.get(`chunks/${req.params.file}`);
    if (!file) throw new AppError("NOT_FOUND", "No such widget chunk");
    sendBody(req, res, file, LONG_CACHE);
  });

  router.get(
    /^\/widget\/(human\/models\/[a-z]+\.(?:json|bin)|human\/human\.esm\.js|tfjs-wasm\/[a-z-]+\.wasm|litert\/[a-z_]+\.(?:js|wasm)|mediapipe\/[a-z_]+\.(?:tflite|txt|json|bin))$/,
    async (req, res) => {
      const key = req.path.slice("/widget/".length);
      const hit = vendor.get(key);
      if (!hit) throw new AppError("NOT_FOUND", "No such widget file");
      sendBody(req, res, await hit, VENDOR_CACHE);
    },
  );

  // Storefront JSON is read cross-origin with the key header, so browsers preflight it. The
  // preflight carries no key; the real request's origin is checked against the key by auth.
  router.options(["/widget/config", "/widget/products"], (req, res) => {
    corsForStorefront(req, res);
    res.setHeader("Access-Control-Allow-Methods", "GET");
    res.setHeader("Access-Control-Allow-Headers", "X-VARAi-Key");
    res.setHeader("Access-Control-Max-Age", "600");
    res.status(204).end();
  });

  router.get("/widget/config", async (req, res) => {
    const { tenantId } = requireStorefront(res);
    corsForStorefront(req, res);
    const parsed = WidgetConfigSchema.safeParse((await options.getConfig(tenantId)) ?? {});
    if (!parsed.success) throw new AppError("INVALID_CONFIG", "The tenant's widget settings are invalid");
    const config: WidgetConfig = parsed.data;
    res.setHeader("Cache-Control", "private, max-age=60");
    res.setHeader("Vary", "X-VARAi-Key");
    res.json(config);
  });

  router.get("/widget/products", async (req, res) => {
    const { tenantId } = requireStorefront(res);
    corsForStorefront(req, res);
    const query = parseInput(WidgetProductQuerySchema, req.query, "query");
    const items = await options.getProducts(tenantId, query);
    res.setHeader("Cache-Control", "private, max-age=60");
    res.setHeader("Vary", "X-VARAi-Key");
    res.json(WidgetProductListSchema.parse({ items: items.slice(0, query.ids?.length ?? query.limit) }));
  });

  return router;
}

import { actingTenant, blobKeys, getPrincipal, parseInput, type RuntimeDeps, requireStorefront } from "@varai/runtime";
import { AppError } from "@varai/schema";
import { type Request, type Response, Router } from "express";
import type { createFaceAnalysis } from "./face-analysis.ts";
import { readPhotoForm } from "./http/multipart.ts";
import type { RenderContentType } from "./render/render.ts";
import { AnalysisFieldsSchema, AssetParamsSchema, TryOnFieldsSchema } from "./schemas.ts";
import { type createTryOn, fitOf } from "./try-on.ts";

const ACCEPTABLE = ["image/jpeg", "image/webp", "image/png", "application/json"] as const;

function serverTiming(res: Response, timings: Record<string, number | undefined>): void {
  res.setHeader(
    "Server-Timing",
    Object.entries(timings)
      .filter(([, v]) => typeof v === "number")
      .map(([k, v]) => `${k};dur=${(v as number).toFixed(1)}`)
      .join(", "),
  );
}

export interface MlRouteDeps {
  blobs: RuntimeDeps["blobs"];
  analyseFace: ReturnType<typeof createFaceAnalysis>;
  tryOn: ReturnType<typeof createTryOn>;
}

/** The storefront routes: face analysis, try-on, and the prepared frame assets. */
export function createMlRoutes({ blobs, analyseFace, tryOn }: MlRouteDeps): Router {
  const router = Router();

  router.post("/v1/face-analysis", async (req: Request, res: Response) => {
    const { tenantId } = requireStorefront(res);
    const form = await readPhotoForm(req);
    const fields = parseInput(AnalysisFieldsSchema, form.fields, "form");
    if (!form.photo)
      throw new AppError("INVALID_INPUT", "The form needs a `photo` file", { details: { reason: "PHOTO_MISSING" } });
    const { result, timings } = await analyseFace({ tenantId, photo: form.photo, ...fields });
    serverTiming(res, timings as unknown as Record<string, number>);
    res.setHeader("Cache-Control", "no-store");
    res.json(result);
  });

  router.post("/v1/try-on", async (req: Request, res: Response) => {
    const { tenantId } = requireStorefront(res);
    const accepted = req.accepts([...ACCEPTABLE]);
    if (!accepted) {
      throw new AppError("INVALID_INPUT", `Accept one of ${ACCEPTABLE.join(", ")}`, {
        details: { reason: "NOT_ACCEPTABLE" },
      });
    }
    const form = await readPhotoForm(req);
    const fields = parseInput(TryOnFieldsSchema, form.fields, "form");
    const result = await tryOn({
      tenantId,
      productId: fields.productId,
      faceAnalysisId: fields.faceAnalysisId,
      photo: form.photo ?? undefined,
      contentType: accepted as RenderContentType | "application/json",
      child: fields.child,
    });
    serverTiming(res, result.timings);
    res.setHeader("Cache-Control", "no-store");
    res.setHeader("Vary", "Accept");
    if (!result.image) {
      res.json({
        productId: fields.productId,
        faceAnalysisId: fields.faceAnalysisId ?? null,
        placement: result.placement,
        asset: { ...result.asset, url: `/v1/frame-assets/${result.asset.assetId}` },
        analysis: result.analysis,
        fit: fitOf(result.asset, result.analysis.measurements),
      });
      return;
    }
    res.type(result.image.contentType).send(result.image.data);
  });

  router.get("/v1/frame-assets/:assetId", async (req: Request, res: Response) => {
    // Studio's catalog previews the cut-out with the signed-in user's token: catalog:read, and a
    // platform admin's acting tenant; storefronts show it on the product page with their key.
    const { tenantId } =
      getPrincipal(res)?.kind === "user" ? actingTenant(req, res, "catalog:read") : requireStorefront(res);
    const { assetId } = parseInput(AssetParamsSchema, req.params, "path");
    const blob = await blobs.get(blobKeys.frameAsset(tenantId, assetId));
    if (!blob) throw new AppError("NOT_FOUND", "No such frame asset");
    // Asset ids change whenever the asset is rebuilt, so the bytes behind a URL never change.
    res.setHeader("Cache-Control", "private, max-age=31536000, immutable");
    res.type("image/png").send(blob.data);
  });

  return router;
}

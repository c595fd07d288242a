import { type OpenApiFragment, problemResponse } from "@varai/runtime";
import { FaceAnalysisSchema } from "@varai/schema";
import { z } from "zod";

const CHILD_FIELD = {
  type: "string",
  enum: ["true", "false"],
  description: "Child mode: a PD of 40-85 mm is accepted as human (adults: 50-80)",
};

const problem = problemResponse();
const errors = {
  "400": problem,
  "404": problem,
  "409": problem,
  "413": problem,
  "415": problem,
  "422": problem,
  "503": { ...problem, headers: { "Retry-After": { schema: { type: "integer" } } } },
};

const multipart = (required: string[], properties: Record<string, unknown>) => ({
  required: true,
  content: { "multipart/form-data": { schema: { type: "object", required, properties } } },
});

function faceAnalysisPath() {
  return {
    post: {
      summary: "Analyse a face photo: landmarks, head pose, measurements in mm with uncertainty, face shape",
      requestBody: multipart(["photo"], {
        photo: {
          type: "string",
          format: "binary",
          description: "JPEG, PNG or WebP, at most 10 MB / 40 MP",
        },
        consent: {
          type: "string",
          enum: ["true", "false"],
          description:
            "Keep the analysis and the photo for the tenant's face data retention (default 7 days, 1-30). A withheld analysis is never kept.",
        },
        shopperId: {
          type: "string",
          maxLength: 128,
          description:
            "The storefront's logged-in customer id (Shopify customer.id or its gid://shopify/Customer/ form, " +
            "WordPress user id, Magento or BigCommerce customer id); stored normalised",
        },
        shopperEmail: {
          type: "string",
          format: "email",
          description: "The shopper's email, when known: only a keyed hash is kept, linked to shopperId",
        },
        child: CHILD_FIELD,
      }),
      responses: {
        "200": {
          description:
            "The analysis. `measurements` and `faceShape` are either `measured` or `withheld` with a `reason` " +
            "(POSE_TOO_STRONG, FACE_TOO_SMALL, OUT_OF_HUMAN_RANGE) and what `exceeded` its limit: beyond the " +
            "head pose, face size and human ranges where the method holds, no figure is given.",
          content: { "application/json": { schema: z.toJSONSchema(FaceAnalysisSchema, { io: "output" }) } },
        },
        ...errors,
      },
    },
  };
}

const tryOnPath = {
  post: {
    summary: "Place a product's frame on a face photo: an image (by Accept) or the placement transform",
    requestBody: multipart(["productId"], {
      photo: { type: "string", format: "binary" },
      productId: { type: "string" },
      faceAnalysisId: {
        type: "string",
        description: "A consented analysis instead of (or with) the photo",
      },
      child: CHILD_FIELD,
    }),
    responses: {
      "200": {
        description:
          "The rendered photo, or the placement as JSON: `placement`, `asset`, `analysis` (as from " +
          "/v1/face-analysis, without landmarks) and `fit` (`frameWidthMm`, `frameWidthIsDefault`, " +
          "`faceWidthMm`, `differenceMm`; the last two null when the analysis withheld its measurements)",
        content: { "image/jpeg": {}, "image/webp": {}, "image/png": {}, "application/json": {} },
      },
      ...errors,
    },
  },
};

const frameAssetPath = {
  get: {
    summary:
      "A prepared frame asset (transparent PNG, 4 px per mm): a storefront key, or a signed-in user with catalog:read " +
      "(Studio's preview; a platform admin names the tenant with X-VARAi-Tenant)",
    parameters: [{ name: "assetId", in: "path", required: true, schema: { type: "string" } }],
    responses: {
      "200": { description: "PNG", content: { "image/png": {} } },
      "401": problem,
      "403": problem,
      "404": problem,
    },
  },
};

export function mlOpenApi(): OpenApiFragment {
  return {
    paths: {
      "/v1/face-analysis": faceAnalysisPath(),
      "/v1/try-on": tryOnPath,
      "/v1/frame-assets/{assetId}": frameAssetPath,
    },
  };
}

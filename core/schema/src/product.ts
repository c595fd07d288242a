import { z } from "zod";
import { IsoDateTimeSchema, MoneySchema, PlatformSchema } from "./common.ts";
import { ExternalIdSchema, IdSchema } from "./ids.ts";

export const FRAME_SHAPES = [
  "rectangle",
  "square",
  "round",
  "oval",
  "cat-eye",
  "aviator",
  "browline",
  "geometric",
  "wayfarer",
  "oversized",
] as const;
export const FrameShapeSchema = z.enum(FRAME_SHAPES);
export type FrameShape = z.infer<typeof FrameShapeSchema>;

export const RIM_TYPES = ["full-rim", "semi-rimless", "rimless"] as const;

/** The frame facts a store's own attribute names can map to (a connection's `frameAttributeNames`). */
export const FRAME_FIELDS = [
  "shape",
  "rim",
  "material",
  "color",
  "frameWidthMm",
  "lensWidthMm",
  "bridgeWidthMm",
  "templeLengthMm",
  "lensHeightMm",
] as const;
export type FrameField = (typeof FRAME_FIELDS)[number];
export const RimTypeSchema = z.enum(RIM_TYPES);
export type RimType = z.infer<typeof RimTypeSchema>;

/** Ranges from TRYON.md (size label lens-bridge-temple), widened a little for edge frames. */
export const FrameDimensionsSchema = z.object({
  frameWidthMm: z.number().min(90).max(180).optional(),
  lensWidthMm: z.number().min(30).max(75).optional(),
  bridgeWidthMm: z.number().min(8).max(30).optional(),
  templeLengthMm: z.number().min(100).max(170).optional(),
  lensHeightMm: z.number().min(20).max(65).optional(),
});
export type FrameDimensions = z.infer<typeof FrameDimensionsSchema>;

export const FrameAttributesSchema = z.object({
  shape: FrameShapeSchema.optional(),
  rim: RimTypeSchema.optional(),
  material: z.string().max(64).optional(),
  color: z.string().max(64).optional(),
  dimensions: FrameDimensionsSchema.default({}),
});
export type FrameAttributes = z.infer<typeof FrameAttributesSchema>;

export const PRODUCT_STATUSES = ["active", "draft", "archived", "deleted"] as const;
export const ProductStatusSchema = z.enum(PRODUCT_STATUSES);
export type ProductStatus = z.infer<typeof ProductStatusSchema>;

export const VariantSchema = z.object({
  externalId: ExternalIdSchema,
  sku: z.string().max(256).default(""),
  price: MoneySchema,
  options: z.record(z.string(), z.string()).default({}),
  /** null when the platform does not track stock for this variant. */
  inventoryQuantity: z.number().int().nullable().default(null),
});
export type Variant = z.infer<typeof VariantSchema>;

export const ProductImageSchema = z.object({
  url: z.string().url(),
  alt: z.string().max(512).default(""),
  position: z.number().int().min(0),
});
export type ProductImage = z.infer<typeof ProductImageSchema>;

export const ASSET_STATUSES = ["none", "pending", "ready", "failed"] as const;
export const AssetStatusSchema = z.enum(ASSET_STATUSES);

export const PointSchema = z.object({ x: z.number(), y: z.number() });
export type Point = z.infer<typeof PointSchema>;

/**
 * Try-on readiness of a product. The asset is a transparent front-view PNG of the frame;
 * `lensCentersPx` are the lens centres in the asset's pixels, and `frameWidthMm` is what
 * the asset's full width measures in reality (from dimensions, or a flagged default).
 */
export const TryOnInfoSchema = z.object({
  assetStatus: AssetStatusSchema.default("none"),
  assetId: z.string().optional(),
  assetWidthPx: z.number().int().positive().optional(),
  assetHeightPx: z.number().int().positive().optional(),
  lensCentersPx: z.tuple([PointSchema, PointSchema]).optional(),
  frameWidthMm: z.number().positive().optional(),
  frameWidthIsDefault: z.boolean().optional(),
  sourceImageUrl: z.string().optional(),
  failureReason: z.string().max(500).optional(),
  updatedAt: IsoDateTimeSchema.optional(),
});
export type TryOnInfo = z.infer<typeof TryOnInfoSchema>;

export const ProductSourceSchema = z.object({
  platform: z.union([PlatformSchema, z.literal("demo"), z.literal("manual")]),
  connectionId: z.string(),
  externalId: ExternalIdSchema,
  externalUpdatedAt: IsoDateTimeSchema,
});
export type ProductSource = z.infer<typeof ProductSourceSchema>;

/** The canonical VARAi product (ARCHITECTURE.md). Nothing platform-shaped passes this point. */
export const ProductSchema = z.object({
  id: IdSchema,
  tenantId: IdSchema,
  source: ProductSourceSchema,
  title: z.string().max(1000),
  handle: z.string().max(512).default(""),
  brand: z.string().max(256).default(""),
  productType: z.string().max(256).default(""),
  categories: z.array(z.string().max(256)).default([]),
  tags: z.array(z.string().max(256)).default([]),
  status: ProductStatusSchema,
  variants: z.array(VariantSchema).default([]),
  images: z.array(ProductImageSchema).default([]),
  frame: FrameAttributesSchema.default({ dimensions: {} }),
  tryOn: TryOnInfoSchema.default({ assetStatus: "none" }),
  /** Merchant steering for recommendations: pinned products first, boost multiplies the score. */
  merchandising: z
    .object({ pinned: z.boolean().default(false), boost: z.number().min(0).max(10).default(1) })
    .default({ pinned: false, boost: 1 }),
  createdAt: IsoDateTimeSchema,
  updatedAt: IsoDateTimeSchema,
});
export type Product = z.infer<typeof ProductSchema>;

/**
 * What an adapter produces: a product without our identity fields. The catalog engine
 * assigns `id`, `tenantId` and timestamps.
 */
export const ProductDraftSchema = ProductSchema.omit({
  id: true,
  tenantId: true,
  createdAt: true,
  updatedAt: true,
  tryOn: true,
  merchandising: true,
});
export type ProductDraft = z.infer<typeof ProductDraftSchema>;

/** PATCH /v1/products/:id/frame: the merchant's overrides of frame attributes. */
export const FramePatchSchema = z
  .object({
    shape: FrameShapeSchema.nullable().optional(),
    rim: RimTypeSchema.nullable().optional(),
    material: z.string().max(64).nullable().optional(),
    color: z.string().max(64).nullable().optional(),
    dimensions: FrameDimensionsSchema.partial().optional(),
  })
  .strict();
export type FramePatch = z.infer<typeof FramePatchSchema>;

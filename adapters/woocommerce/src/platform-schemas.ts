import { z } from "zod";

// Only the fields the adapter reads. WooCommerce ids are small auto-increment integers, but
// they are turned into strings at this boundary like every platform id.
const WooId = z.union([z.string().regex(/^\d+$/), z.number().int().nonnegative()]).transform(String);
const Decimal = z.union([z.string(), z.number()]).transform(String);

const Attribute = z.object({
  name: z.string(),
  variation: z.boolean().default(false),
  options: z.array(z.string()).default([]),
});

export const WooProductSchema = z.object({
  id: WooId,
  name: z.string(),
  slug: z.string().default(""),
  type: z.string().default("simple"),
  status: z.string(),
  sku: z.string().nullish(),
  price: Decimal.nullish(),
  regular_price: Decimal.nullish(),
  date_modified_gmt: z.string(),
  manage_stock: z.union([z.boolean(), z.literal("parent")]).nullish(),
  stock_quantity: z.number().int().nullish(),
  categories: z.array(z.object({ name: z.string() })).default([]),
  tags: z.array(z.object({ name: z.string() })).default([]),
  brands: z.array(z.object({ name: z.string() })).optional(),
  images: z.array(z.object({ src: z.string(), alt: z.string().nullish() })).default([]),
  attributes: z.array(Attribute).default([]),
  /** Variation ids only; the variations themselves live under /products/{id}/variations. */
  variations: z.array(WooId).default([]),
});
export type WooProduct = z.infer<typeof WooProductSchema>;

export const WooVariationSchema = z.object({
  id: WooId,
  sku: z.string().nullish(),
  price: Decimal.nullish(),
  regular_price: Decimal.nullish(),
  stock_quantity: z.number().int().nullish(),
  manage_stock: z.union([z.boolean(), z.literal("parent")]).nullish(),
  attributes: z.array(z.object({ name: z.string(), option: z.string() })).default([]),
});
export type WooVariation = z.infer<typeof WooVariationSchema>;

export const WooDeleteSchema = z.object({ id: WooId });

export const WooOrderSchema = z.object({
  id: WooId,
  currency: z.string(),
  total: Decimal,
  date_created_gmt: z.string().nullish(),
  line_items: z.array(z.object({ product_id: WooId, quantity: z.number().int(), price: Decimal })).default([]),
  meta_data: z.array(z.object({ key: z.string(), value: z.unknown() })).default([]),
});

export const WooWebhookSchema = z.object({
  id: WooId,
  topic: z.string(),
  status: z.string(),
  delivery_url: z.string(),
});

export const WooCurrencySchema = z.object({ code: z.string() });

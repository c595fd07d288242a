import { z } from "zod";

// Only the fields the adapter reads. Ids become strings at this boundary.
const Id = z.union([z.string().regex(/^\d+$/), z.number().int().nonnegative()]).transform(String);
const Decimal = z.union([z.string(), z.number()]).transform(String);

export const BcProductSchema = z.object({
  id: Id,
  name: z.string(),
  sku: z.string().default(""),
  price: Decimal.nullish(),
  calculated_price: Decimal.nullish(),
  is_visible: z.boolean().default(true),
  custom_url: z.object({ url: z.string() }).nullish(),
  date_modified: z.string(),
  inventory_tracking: z.enum(["none", "product", "variant"]).default("none"),
  inventory_level: z.number().int().nullish(),
  images: z
    .array(
      z.object({
        is_thumbnail: z.boolean().default(false),
        sort_order: z.number().int().default(0),
        description: z.string().nullish(),
        url_zoom: z.string().nullish(),
        url_standard: z.string().nullish(),
      }),
    )
    .default([]),
  variants: z
    .array(
      z.object({
        id: Id,
        sku: z.string().nullish(),
        price: Decimal.nullish(),
        calculated_price: Decimal.nullish(),
        inventory_level: z.number().int().nullish(),
        option_values: z.array(z.object({ label: z.string(), option_display_name: z.string() })).default([]),
      }),
    )
    .default([]),
  custom_fields: z.array(z.object({ name: z.string(), value: z.string() })).default([]),
});
export type BcProduct = z.infer<typeof BcProductSchema>;

export const PaginationSchema = z.object({
  total: z.number().int(),
  current_page: z.number().int(),
  total_pages: z.number().int(),
});

/** `data` items stay unknown: each is validated alone so one bad product never fails a page. */
export const ProductListSchema = z.object({
  data: z.array(z.unknown()),
  meta: z.object({ pagination: PaginationSchema }),
});

export const HookSchema = z.object({
  id: Id,
  scope: z.string(),
  destination: z.string(),
  is_active: z.boolean(),
  headers: z.record(z.string(), z.string()).nullish(),
});

export const StoreSchema = z.object({ name: z.string().nullish(), currency: z.string().regex(/^[A-Z]{3}$/) });

/** The thin callback body: `{scope, store_id, data: {type, id}, hash, created_at, producer}`. */
export const BcWebhookSchema = z.object({
  scope: z.string().min(1).max(200),
  store_id: z.union([z.string(), z.number()]).transform(String),
  data: z.object({ type: z.string(), id: Id }).passthrough(),
  hash: z.string().min(1).max(200),
  // Bounded so that `new Date(created_at * 1000)` is always a valid date.
  created_at: z.number().int().nonnegative().max(100_000_000_000),
  producer: z.string().max(200),
});

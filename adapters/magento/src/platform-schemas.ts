import { z } from "zod";

// Only the fields the adapter reads. Entity ids are unsigned ints; they become strings here.
const Id = z.union([z.string().regex(/^\d+$/), z.number().int().nonnegative()]).transform(String);
const Decimal = z.union([z.string(), z.number()]).transform(String);

export const CustomAttributeSchema = z.object({
  attribute_code: z.string(),
  // Text, an option id ("52"), comma-joined multiselect ids ("52,53"), or a list (category_ids).
  value: z.union([z.string(), z.number(), z.boolean(), z.array(z.union([z.string(), z.number()]))]).nullish(),
});

export const MediaEntrySchema = z.object({
  id: Id.nullish(),
  media_type: z.string().default("image"),
  label: z.string().nullish(),
  position: z.number().int().nullish(),
  disabled: z.boolean().default(false),
  file: z.string().nullish(),
});

export const MagentoProductSchema = z.object({
  id: Id,
  sku: z.string().min(1),
  name: z.string(),
  price: Decimal.nullish(),
  /** 1 enabled, 2 disabled. */
  status: z.number().int().default(1),
  /** 1 not visible individually, 2 catalog, 3 search, 4 catalog and search. */
  visibility: z.number().int().default(4),
  type_id: z.string().default("simple"),
  updated_at: z.string(),
  extension_attributes: z
    .object({
      stock_item: z.object({ qty: z.number().nullish(), manage_stock: z.boolean().nullish() }).passthrough().nullish(),
    })
    .passthrough()
    .nullish(),
  media_gallery_entries: z.array(MediaEntrySchema).nullish(),
  custom_attributes: z.array(CustomAttributeSchema).nullish(),
});
export type MagentoProduct = z.infer<typeof MagentoProductSchema>;

/** `items` stay unknown here: each one is validated alone so one bad product never fails a page. */
export const SearchResultSchema = z.object({
  items: z.array(z.unknown()),
  total_count: z.number().int().nonnegative(),
});

export const StoreConfigSchema = z.object({
  code: z.string(),
  base_currency_code: z.string().regex(/^[A-Z]{3}$/),
  base_media_url: z.string().url(),
  secure_base_media_url: z.string().url().nullish(),
});

export const AttributeOptionsSchema = z.array(
  z.object({
    label: z.union([z.string(), z.number()]).transform(String),
    value: z.union([z.string(), z.number()]).transform(String),
  }),
);

/** `GET /V1/products/attributes?searchCriteria...`: attributes with their select options. */
export const AttributeListSchema = z.object({
  items: z.array(
    z.object({
      attribute_code: z.string(),
      frontend_input: z.string().nullish(),
      options: AttributeOptionsSchema.nullish(),
    }),
  ),
});

/** The VARAi Magento module's event (README: "Event contract"). */
export const MagentoEventSchema = z.object({
  event: z.string().min(1).max(100),
  event_id: z.string().min(1).max(200),
  store_code: z.string().max(64).nullish(),
  occurred_at: z.string().nullish(),
  product: z
    .object({
      id: Id,
      sku: z.string().min(1).max(256).nullish(),
      updated_at: z.string().nullish(),
    })
    .nullish(),
  /** `order.placed`: a new order with the VARAi session that was on its cart. */
  order: z
    .object({
      id: Id,
      increment_id: z.string().max(64).nullish(),
      currency: z.string().regex(/^[A-Z]{3}$/),
      grand_total: Decimal,
      created_at: z.string().nullish(),
      varai_session_id: z.string().nullish(),
      items: z
        .array(
          z.object({ product_id: Id, sku: z.string().max(256).nullish(), qty: z.number().positive(), price: Decimal }),
        )
        .max(1000),
    })
    .nullish(),
});

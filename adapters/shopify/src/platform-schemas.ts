import { z } from "zod";

// Only the fields the adapter reads. Shopify's GraphQL returns ids as gid strings; REST-shaped
// webhook bodies carry 64-bit numbers, which parseJsonLossless turns into strings.

/** A REST id: a string (64-bit, from the lossless parser) or a safe integer. */
const RestId = z.union([z.string().regex(/^\d+$/), z.number().int().nonnegative()]).transform(String);
const Decimal = z.union([z.string(), z.number()]).transform(String);

export const GidSchema = z.string().regex(/^gid:\/\/shopify\/\w+\/\d+$/);

const MetafieldSchema = z.object({ namespace: z.string(), key: z.string(), value: z.string() });

export const GqlProductSchema = z.object({
  id: GidSchema,
  title: z.string(),
  handle: z.string().default(""),
  vendor: z.string().default(""),
  productType: z.string().default(""),
  tags: z.array(z.string()).default([]),
  status: z.enum(["ACTIVE", "DRAFT", "ARCHIVED", "UNLISTED"]),
  updatedAt: z.string(),
  category: z.object({ name: z.string() }).nullish(),
  options: z.array(z.object({ name: z.string(), values: z.array(z.string()).default([]) })).default([]),
  variants: z.object({
    nodes: z.array(
      z.object({
        id: GidSchema,
        sku: z.string().nullish(),
        price: z.string(),
        inventoryQuantity: z.number().int().nullish(),
        selectedOptions: z.array(z.object({ name: z.string(), value: z.string() })).default([]),
      }),
    ),
  }),
  images: z.object({ nodes: z.array(z.object({ url: z.string(), altText: z.string().nullish() })) }),
  metafields: z.object({ nodes: z.array(MetafieldSchema) }).default({ nodes: [] }),
});
export type GqlProduct = z.infer<typeof GqlProductSchema>;

export const ThrottleStatusSchema = z.object({
  maximumAvailable: z.number(),
  currentlyAvailable: z.number(),
  restoreRate: z.number(),
});

export const GqlResponseSchema = z.object({
  data: z.unknown().optional(),
  errors: z
    .array(z.object({ message: z.string(), extensions: z.object({ code: z.string().optional() }).loose().optional() }))
    .optional(),
  extensions: z
    .object({
      cost: z
        .object({
          requestedQueryCost: z.number(),
          actualQueryCost: z.number().nullish(),
          throttleStatus: ThrottleStatusSchema,
        })
        .optional(),
    })
    .optional(),
});
export type GqlResponse = z.infer<typeof GqlResponseSchema>;

/** `products` page: nodes stay unknown so one malformed product is an item failure, not a page failure. */
export const ProductsDataSchema = z.object({
  shop: z.object({ currencyCode: z.string() }),
  products: z.object({
    pageInfo: z.object({ hasNextPage: z.boolean(), endCursor: z.string().nullish() }),
    nodes: z.array(z.unknown()),
  }),
});

export const ProductDataSchema = z.object({
  shop: z.object({ currencyCode: z.string() }),
  product: z.unknown().nullable(),
});

export const ShopDataSchema = z.object({ shop: z.object({ name: z.string(), currencyCode: z.string() }) });

export const WebhookSubscriptionsDataSchema = z.object({
  webhookSubscriptions: z.object({
    nodes: z.array(
      z.object({
        id: z.string(),
        topic: z.string(),
        endpoint: z.object({ callbackUrl: z.string().optional() }).loose(),
      }),
    ),
  }),
});

export const SubscriptionCreateDataSchema = z.object({
  webhookSubscriptionCreate: z.object({
    webhookSubscription: z.object({ id: z.string(), topic: z.string() }).nullable(),
    userErrors: z.array(z.object({ message: z.string() })),
  }),
});

/** products/create and products/update: the REST product. */
export const RestProductSchema = z.object({
  id: RestId,
  title: z.string(),
  handle: z.string().nullish(),
  vendor: z.string().nullish(),
  product_type: z.string().nullish(),
  tags: z.string().nullish(),
  status: z.enum(["active", "draft", "archived", "unlisted"]),
  updated_at: z.string(),
  options: z.array(z.object({ name: z.string(), position: z.number().int() })).default([]),
  variants: z
    .array(
      z.object({
        id: RestId,
        sku: z.string().nullish(),
        price: Decimal,
        inventory_quantity: z.number().int().nullish(),
        option1: z.string().nullish(),
        option2: z.string().nullish(),
        option3: z.string().nullish(),
      }),
    )
    .default([]),
  images: z
    .array(z.object({ src: z.string(), alt: z.string().nullish(), position: z.number().int().optional() }))
    .default([]),
  category: z.object({ name: z.string() }).nullish(),
  /** Present only when the subscription listed metafield namespaces (ours does). */
  metafields: z.array(MetafieldSchema).optional(),
});
export type RestProduct = z.infer<typeof RestProductSchema>;

export const RestDeleteSchema = z.object({ id: RestId });

export const RestOrderSchema = z.object({
  id: RestId,
  currency: z.string(),
  total_price: Decimal,
  processed_at: z.string().nullish(),
  created_at: z.string().nullish(),
  note_attributes: z.array(z.object({ name: z.string(), value: z.unknown() })).default([]),
  line_items: z
    .array(z.object({ product_id: RestId.nullable(), quantity: z.number().int(), price: Decimal }))
    .default([]),
});

const Customer = z.object({ id: RestId.nullish(), email: z.string().nullish() }).nullish();
export const CustomersDataRequestSchema = z.object({
  customer: Customer,
  orders_requested: z.array(RestId).default([]),
  data_request: z.object({ id: RestId }).nullish(),
});
export const CustomersRedactSchema = z.object({ customer: Customer, orders_to_redact: z.array(RestId).default([]) });
export const ShopRedactSchema = z.object({ shop_domain: z.string().optional() });

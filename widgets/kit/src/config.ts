import { FrameShapeSchema, RimTypeSchema } from "@varai/schema";
import { z } from "zod";

/** CSS colours and lengths the merchant can set; anything that could break out of a declaration is refused. */
const CssValueSchema = z
  .string()
  .max(100)
  .regex(/^[^;{}<>]*$/, "not a CSS value");

/**
 * A tenant's widget settings as `GET /widget/config` returns them. Every field has a
 * default, so an empty object is a valid config and a missing tenant setting never
 * breaks a storefront.
 */
export const WidgetConfigSchema = z.object({
  locale: z.enum(["en", "fr", "de"]).optional(),
  theme: z
    .object({
      primary: CssValueSchema.default("#1f4fd1"),
      onPrimary: CssValueSchema.default("#ffffff"),
      background: CssValueSchema.default("#ffffff"),
      foreground: CssValueSchema.default("#1a1a1a"),
      radius: CssValueSchema.default("10px"),
      font: CssValueSchema.default("system-ui, sans-serif"),
    })
    .default({
      primary: "#1f4fd1",
      onPrimary: "#ffffff",
      background: "#ffffff",
      foreground: "#1a1a1a",
      radius: "10px",
      font: "system-ui, sans-serif",
    }),
  features: z
    .object({
      photoTryOn: z.boolean().default(true),
      liveTryOn: z.boolean().default(true),
      frameFinder: z.boolean().default(true),
      recommendations: z.boolean().default(true),
      addToCart: z.boolean().default(true),
    })
    .default({ photoTryOn: true, liveTryOn: true, frameFinder: true, recommendations: true, addToCart: true }),
  recommendations: z.object({ limit: z.number().int().min(1).max(24).default(8) }).default({ limit: 8 }),
});
export type WidgetConfig = z.infer<typeof WidgetConfigSchema>;

export const DEFAULT_WIDGET_CONFIG: WidgetConfig = WidgetConfigSchema.parse({});

/**
 * What the widgets need to know about a product: public storefront data only, as
 * `GET /widget/products` returns it.
 */
export const WidgetProductSchema = z.object({
  id: z.string(),
  title: z.string(),
  sku: z.string().default(""),
  brand: z.string().default(""),
  price: z.object({ amount: z.string(), currency: z.string() }).nullable(),
  imageUrl: z.string().nullable(),
  imageAlt: z.string().default(""),
  url: z.string().nullable().default(null),
  frame: z.object({
    shape: FrameShapeSchema.optional(),
    rim: RimTypeSchema.optional(),
    color: z.string().optional(),
    material: z.string().optional(),
    frameWidthMm: z.number().optional(),
    lensWidthMm: z.number().optional(),
    bridgeWidthMm: z.number().optional(),
    lensHeightMm: z.number().optional(),
  }),
  tryOnReady: z.boolean(),
  /**
   * The try-on asset (transparent front view) for live mode: `path` is relative to the API
   * base and needs the publishable key; lens centres are in the asset's pixels.
   */
  asset: z
    .object({
      path: z.string(),
      widthPx: z.number().positive(),
      heightPx: z.number().positive(),
      lensCentersPx: z.tuple([z.object({ x: z.number(), y: z.number() }), z.object({ x: z.number(), y: z.number() })]),
      frameWidthMm: z.number().positive(),
    })
    .nullable()
    .default(null),
});
export type WidgetProduct = z.infer<typeof WidgetProductSchema>;
export const WidgetProductListSchema = z.object({ items: z.array(WidgetProductSchema) });

const IdListSchema = z
  .string()
  .max(2000)
  .transform((s) =>
    s
      .split(",")
      .map((x) => x.trim())
      .filter(Boolean),
  )
  .pipe(
    z
      .array(
        z
          .string()
          .max(128)
          .regex(/^[A-Za-z0-9_.:-]+$/),
      )
      .max(50),
  );

const BoolAttr = z
  .enum(["", "true", "false"])
  .transform((v) => v !== "false")
  .optional();

/** Attributes of `<varai-try-on>`: untrusted (the merchant's theme writes them), so parsed like any input. */
export const TryOnAttributesSchema = z.object({
  "product-id": z.string().max(128).optional(),
  sku: z.string().max(256).optional(),
  products: IdListSchema.optional(),
  mode: z.enum(["photo", "live"]).default("photo"),
  inline: BoolAttr,
  lang: z.string().max(35).optional(),
  /** Live mode's face landmarker: MediaPipe's models on LiteRT.js, or human (the one before). */
  "live-landmarker": z.enum(["mediapipe", "human"]).default("mediapipe"),
  /** The button's text, as the merchant set it (Shopify app block, plugin settings); default the locale's "Try on". */
  label: z.string().trim().max(60).optional(),
});

/**
 * The logged-in shopper, on any VARAi element, as the storefront's app or plugin writes it:
 * Shopify Liquid `shopper-id="{{ customer.id }}"`, WordPress `get_current_user_id()`, Magento
 * and BigCommerce customer ids. Empty (a guest) means anonymous. `shopper-email` is optional;
 * it is only sent with a consented face analysis, and the server keeps only its keyed hash.
 * `shopper-consent="true"`: the storefront's consent banner (Shopify's Customer Privacy API,
 * a WordPress or Magento cookie consent) says the shopper agreed to personalised analytics and
 * recommendations. Without it the shopper id stays on the page: events and recommendation
 * requests go anonymous, because the API keeps a shopper id only with that consent. It is not
 * the consent to keep a photo, which the shopper gives in the try-on itself.
 */
export const ShopperAttributesSchema = z.object({
  "shopper-id": z
    .string()
    .trim()
    .max(128)
    .transform((v) => (v === "" || v === "0" ? undefined : v))
    .optional(),
  "shopper-email": z
    .string()
    .trim()
    .transform((v) => (v === "" ? undefined : v))
    .pipe(z.email().max(320).optional())
    .optional(),
  "shopper-consent": z
    .enum(["true", "false", ""])
    .transform((v) => v === "true")
    .optional(),
});
export type ShopperAttributes = z.infer<typeof ShopperAttributesSchema>;

export const FrameFinderAttributesSchema = z.object({
  limit: z.coerce.number().int().min(1).max(24).default(6),
  lang: z.string().max(35).optional(),
});

export const RecommendationsAttributesSchema = z.object({
  limit: z.coerce.number().int().min(1).max(24).optional(),
  heading: z.string().max(200).optional(),
  "exclude-product": z.string().max(128).optional(),
  lang: z.string().max(35).optional(),
});

/**
 * Parses an element's attributes with its schema. A bad attribute never throws into the
 * host page: it is dropped (the schema's default applies) and reported once.
 */
export function parseAttributes<S extends z.ZodObject>(
  schema: S,
  read: (name: string) => string | null,
): { value: z.infer<S>; problems: string[] } {
  const raw: Record<string, string> = {};
  for (const name of Object.keys(schema.shape)) {
    const v = read(name);
    if (v !== null) raw[name] = v;
  }
  const parsed = schema.safeParse(raw);
  if (parsed.success) return { value: parsed.data, problems: [] };
  const bad = new Set(parsed.error.issues.map((i) => String(i.path[0])));
  const kept = Object.fromEntries(Object.entries(raw).filter(([k]) => !bad.has(k)));
  const retry = schema.safeParse(kept);
  return {
    value: retry.success ? retry.data : (schema.parse({}) as z.infer<S>),
    problems: [...bad].map((k) => `invalid attribute ${k}`),
  };
}

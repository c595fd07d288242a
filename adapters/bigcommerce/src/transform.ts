import {
  type FrameAttributeNames,
  frameFromNamedValues,
  parsePlatformProduct,
  type TransformFailure,
  toIsoUtc,
} from "@varai/commerce";
import { err, ok, type ProductDraft, ProductDraftSchema, type Result } from "@varai/schema";
import { BcProductSchema } from "./platform-schemas.ts";

export interface TransformContext {
  connectionId: string;
  currency: string;
  frameNames?: FrameAttributeNames;
}

const DECIMAL = /^-?\d+(\.\d+)?$/;
const money = (currency: string, ...candidates: Array<string | null | undefined>) => {
  const amount = candidates.find((c) => c && DECIMAL.test(c));
  return amount ? { amount, currency } : null;
};

/**
 * BigCommerce product (with `include=images,variants,custom_fields`) -> ProductDraft. Frame facts
 * come from custom fields ("Frame Width: 138 mm") through the connection's name mapping; a
 * "Brand" custom field fills the brand (the product only carries `brand_id`).
 */
export function fromBigCommerce(raw: unknown, ctx: TransformContext): Result<ProductDraft, TransformFailure> {
  const parsed = parsePlatformProduct(BcProductSchema, raw);
  if (!parsed.ok) return parsed;
  const p = parsed.value;
  const updatedAt = toIsoUtc(p.date_modified);
  if (!updatedAt) return err({ externalId: p.id, message: "date_modified is not a timestamp" });

  const single = p.variants.length <= 1;
  const variants = p.variants.flatMap((v) => {
    // A variant without its own price inherits the product's (price: null).
    const price = money(ctx.currency, v.price, v.calculated_price, p.price, p.calculated_price);
    if (!price) return [];
    const stock =
      p.inventory_tracking === "variant"
        ? (v.inventory_level ?? null)
        : p.inventory_tracking === "product" && single
          ? (p.inventory_level ?? null)
          : null;
    return [
      {
        externalId: v.id,
        sku: v.sku ?? "",
        price,
        options: Object.fromEntries(v.option_values.map((o) => [o.option_display_name, o.label])),
        inventoryQuantity: stock,
      },
    ];
  });
  const images = [...p.images]
    .sort((a, b) => Number(b.is_thumbnail) - Number(a.is_thumbnail) || a.sort_order - b.sort_order)
    .flatMap((img) => {
      const url = img.url_zoom || img.url_standard;
      return url ? [{ url, alt: img.description ?? "" }] : [];
    })
    .map((img, position) => ({ ...img, position }));
  const fields = p.custom_fields.map((f) => [f.name, f.value] as const);

  const draft = ProductDraftSchema.safeParse({
    source: { platform: "bigcommerce", connectionId: ctx.connectionId, externalId: p.id, externalUpdatedAt: updatedAt },
    title: p.name,
    handle: (p.custom_url?.url ?? "").replace(/^\/+|\/+$/g, ""),
    brand: fields.find(([name]) => /^brand$/i.test(name.trim()))?.[1] ?? "",
    productType: "",
    categories: [],
    tags: [],
    status: p.is_visible ? "active" : "draft",
    variants,
    images,
    frame: frameFromNamedValues(fields, ctx.frameNames),
  });
  if (draft.success) return ok(draft.data);
  const issue = draft.error.issues[0];
  return err({ externalId: p.id, message: `${issue?.path.join(".")}: ${issue?.message}` });
}

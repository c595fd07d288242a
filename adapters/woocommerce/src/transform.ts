import {
  type FrameAttributeNames,
  frameFromNamedValues,
  parsePlatformProduct,
  type TransformFailure,
  toIsoUtc,
} from "@varai/commerce";
import { err, ok, type ProductDraft, ProductDraftSchema, type ProductStatus, type Result } from "@varai/schema";
import { type WooProduct, WooProductSchema, type WooVariation, WooVariationSchema } from "./platform-schemas.ts";

export interface TransformContext {
  connectionId: string;
  currency: string;
  frameNames?: FrameAttributeNames;
}

/** `trash` is Woo's soft delete: the product is gone from the store, so it becomes a tombstone. */
const STATUS: Record<string, ProductStatus> = {
  publish: "active",
  draft: "draft",
  pending: "draft",
  private: "draft",
  future: "draft",
  trash: "deleted",
};

const money = (price: string | null | undefined, regular: string | null | undefined, currency: string) => {
  const amount = [price, regular].find((p) => p && /^-?\d+(\.\d+)?$/.test(p));
  return amount ? { amount, currency } : null;
};

const stock = (manage: unknown, quantity: number | null | undefined) =>
  manage === true && typeof quantity === "number" ? quantity : null;

/**
 * Woo product (+ its variations for `variable` products) -> ProductDraft. Frame facts come
 * from product attributes with a single value, e.g. "Frame Width: 138 mm", through the
 * connection's attribute-name mapping; multi-valued attributes are variant options.
 */
export function fromWoo(
  raw: unknown,
  variationsRaw: readonly unknown[] | null,
  ctx: TransformContext,
): Result<ProductDraft, TransformFailure> {
  const parsed = parsePlatformProduct(WooProductSchema, raw);
  if (!parsed.ok) return parsed;
  const p: WooProduct = parsed.value;
  const updatedAt = toIsoUtc(p.date_modified_gmt);
  if (!updatedAt) return err({ externalId: p.id, message: "date_modified_gmt is not a timestamp" });
  const status = STATUS[p.status];
  if (!status) return err({ externalId: p.id, message: `unknown status ${p.status}` });

  let variants: ProductDraft["variants"] = [];
  if (variationsRaw) {
    const vs: WooVariation[] = [];
    for (const v of variationsRaw) {
      const pv = WooVariationSchema.safeParse(v);
      if (!pv.success) return err({ externalId: p.id, message: "malformed variation" });
      vs.push(pv.data);
    }
    variants = vs.flatMap((v) => {
      const price = money(v.price, v.regular_price, ctx.currency);
      if (!price) return [];
      return [
        {
          externalId: v.id,
          sku: v.sku ?? "",
          price,
          options: Object.fromEntries(v.attributes.map((a) => [a.name, a.option])),
          inventoryQuantity: stock(v.manage_stock, v.stock_quantity),
        },
      ];
    });
  } else {
    const price = money(p.price, p.regular_price, ctx.currency);
    if (price)
      variants = [
        {
          externalId: p.id,
          sku: p.sku ?? "",
          price,
          options: {},
          inventoryQuantity: stock(p.manage_stock, p.stock_quantity),
        },
      ];
  }

  const single = p.attributes.filter((a) => a.options.length === 1);
  const brand = p.brands?.[0]?.name ?? single.find((a) => /^brand$/i.test(a.name))?.options[0] ?? "";
  const draft = ProductDraftSchema.safeParse({
    source: { platform: "woocommerce", connectionId: ctx.connectionId, externalId: p.id, externalUpdatedAt: updatedAt },
    title: p.name,
    handle: p.slug,
    brand,
    productType: p.categories[0]?.name ?? "",
    categories: p.categories.map((c) => c.name),
    tags: p.tags.map((t) => t.name),
    status,
    variants,
    images: p.images.map((img, position) => ({ url: img.src, alt: img.alt ?? "", position })),
    frame: frameFromNamedValues(
      single.map((a) => [a.name, a.options[0]!] as const),
      ctx.frameNames,
    ),
  });
  if (draft.success) return ok(draft.data);
  const issue = draft.error.issues[0];
  return err({ externalId: p.id, message: `${issue?.path.join(".")}: ${issue?.message}` });
}

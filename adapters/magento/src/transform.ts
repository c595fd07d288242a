import {
  type FrameAttributeNames,
  frameFromNamedValues,
  parsePlatformProduct,
  type TransformFailure,
  toIsoUtc,
} from "@varai/commerce";
import { err, ok, type ProductDraft, ProductDraftSchema, type ProductStatus, type Result } from "@varai/schema";
import { type MagentoProduct, MagentoProductSchema } from "./platform-schemas.ts";

export interface TransformContext {
  connectionId: string;
  currency: string;
  /** `{base_media_url}catalog/product`, without a trailing slash. */
  productMediaBase: string;
  frameNames?: FrameAttributeNames;
  /** Option id -> label for select attributes, or the value unchanged when it is not an option id. */
  label(code: string, value: string): string;
}

/** Values that may be select/multiselect option ids (`"52"`, `"52,53"`). */
export const OPTION_ID_VALUE = /^\d+(,\d+)*$/;

/** Attribute codes whose option ids are worth resolving: frame facts and the brand. */
export const BRAND_CODES = ["manufacturer", "brand"] as const;

const status = (p: MagentoProduct): ProductStatus =>
  p.status === 2 ? "draft" : p.visibility === 1 ? "archived" : "active";

/** The custom attributes as `[code, text]` pairs; lists (category_ids) and empty values are skipped. */
export function customAttributePairs(raw: unknown): Array<[string, string]> {
  const list = (raw as { custom_attributes?: unknown })?.custom_attributes;
  if (!Array.isArray(list)) return [];
  const pairs: Array<[string, string]> = [];
  for (const a of list as Array<{ attribute_code?: unknown; value?: unknown }>) {
    if (typeof a?.attribute_code !== "string") continue;
    if (typeof a.value === "string" || typeof a.value === "number") pairs.push([a.attribute_code, String(a.value)]);
  }
  return pairs;
}

/**
 * Magento product -> ProductDraft. Frame facts come from `custom_attributes` through the
 * connection's name mapping (attribute codes such as `frame_width`); select attributes store
 * option ids, which `ctx.label` turns back into their admin labels first.
 */
export function fromMagento(raw: unknown, ctx: TransformContext): Result<ProductDraft, TransformFailure> {
  const parsed = parsePlatformProduct(MagentoProductSchema, raw);
  if (!parsed.ok) return parsed;
  const p = parsed.value;
  const updatedAt = toIsoUtc(p.updated_at);
  if (!updatedAt) return err({ externalId: p.id, message: "updated_at is not a timestamp" });

  const attributes = new Map<string, string>();
  for (const [code, value] of customAttributePairs(raw)) {
    const text = OPTION_ID_VALUE.test(value)
      ? value
          .split(",")
          .map((id) => ctx.label(code, id))
          .join(", ")
      : value;
    attributes.set(code, text);
  }
  const qty = p.extension_attributes?.stock_item?.qty;
  const manageStock = p.extension_attributes?.stock_item?.manage_stock;
  const price = p.price && /^-?\d+(\.\d+)?$/.test(p.price) ? { amount: p.price, currency: ctx.currency } : null;
  const images = (p.media_gallery_entries ?? [])
    // "Hide from Product Page" sets `disabled`; videos are not packshots.
    .filter((m) => !m.disabled && m.media_type === "image" && m.file)
    .sort((a, b) => (a.position ?? 0) - (b.position ?? 0))
    .map((m, position) => ({
      url: `${ctx.productMediaBase}${m.file!.startsWith("/") ? "" : "/"}${m.file}`,
      alt: m.label ?? "",
      position,
    }));

  const draft = ProductDraftSchema.safeParse({
    source: { platform: "magento", connectionId: ctx.connectionId, externalId: p.id, externalUpdatedAt: updatedAt },
    title: p.name,
    handle: attributes.get("url_key") ?? "",
    brand: BRAND_CODES.map((c) => attributes.get(c)).find((b) => b) ?? "",
    productType: "",
    categories: [],
    tags: [],
    status: status(p),
    variants: price
      ? [
          {
            externalId: p.id,
            sku: p.sku,
            price,
            options: {},
            inventoryQuantity: typeof qty === "number" && manageStock !== false ? Math.floor(qty) : null,
          },
        ]
      : [],
    images,
    frame: frameFromNamedValues(attributes, ctx.frameNames),
  });
  if (draft.success) return ok(draft.data);
  const issue = draft.error.issues[0];
  return err({ externalId: p.id, message: `${issue?.path.join(".")}: ${issue?.message}` });
}

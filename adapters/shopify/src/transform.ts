import {
  DEFAULT_FRAME_ATTRIBUTE_NAMES,
  type FrameAttributeNames,
  frameFromNamedValues,
  parseSizeLabel,
  type TransformFailure,
  toIsoUtc,
} from "@varai/commerce";
import {
  err,
  type FrameAttributes,
  ok,
  type ProductDraft,
  ProductDraftSchema,
  type ProductStatus,
  type Result,
} from "@varai/schema";
import { type GqlProduct, GqlProductSchema, type RestProduct } from "./platform-schemas.ts";

export interface TransformContext {
  connectionId: string;
  currency: string;
  frameNames?: FrameAttributeNames;
}

/** Metafield namespaces read as frame facts (`varai.frame_width_mm`, `custom.frame_shape`). */
export const FRAME_METAFIELD_NAMESPACES = ["varai", "custom"] as const;

export const gidToId = (gid: string) => gid.slice(gid.lastIndexOf("/") + 1);

const STATUS: Record<string, ProductStatus> = {
  ACTIVE: "active",
  DRAFT: "draft",
  ARCHIVED: "archived",
  UNLISTED: "active",
  active: "active",
  draft: "draft",
  archived: "archived",
  unlisted: "active",
};

/**
 * Frame facts come from three places, in increasing precedence: tags (`shape:round`,
 * `rim:rimless`), product options (`Color`, a `Size` label `52-18-140`) and metafields in the
 * `varai`/`custom` namespaces (`frame_width_mm`), which merchants edit deliberately.
 */
function buildFrame(
  tags: readonly string[],
  options: ReadonlyArray<readonly [string, string]>,
  metafields: ReadonlyArray<{ namespace: string; key: string; value: string }>,
  names: FrameAttributeNames,
): FrameAttributes {
  const pairs: Array<readonly [string, string]> = [];
  for (const tag of tags) {
    const at = tag.indexOf(":");
    if (at > 0) pairs.push([tag.slice(0, at), tag.slice(at + 1)]);
  }
  for (const [name, value] of options) {
    const size = /^size$/i.test(name) ? parseSizeLabel(value) : null;
    if (size) pairs.push(...size);
    else pairs.push([name, value]);
  }
  for (const m of metafields) {
    if ((FRAME_METAFIELD_NAMESPACES as readonly string[]).includes(m.namespace)) pairs.push([m.key, m.value]);
  }
  return frameFromNamedValues(pairs, names);
}

function validate(draft: unknown, externalId: string | null): Result<ProductDraft, TransformFailure> {
  const parsed = ProductDraftSchema.safeParse(draft);
  if (parsed.success) return ok(parsed.data);
  const issue = parsed.error.issues[0];
  return err({ externalId, message: `${issue?.path.join(".")}: ${issue?.message}` });
}

/** GraphQL Admin product node -> ProductDraft; any surprise is an item failure. */
export function fromGraphql(node: unknown, ctx: TransformContext): Result<ProductDraft, TransformFailure> {
  const parsed = GqlProductSchema.safeParse(node);
  const rawId = (node as { id?: unknown } | null)?.id;
  const externalId = typeof rawId === "string" ? gidToId(rawId) : null;
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return err({ externalId, message: `${issue?.path.join(".")}: ${issue?.message}` });
  }
  const p: GqlProduct = parsed.data;
  const updatedAt = toIsoUtc(p.updatedAt);
  if (!updatedAt) return err({ externalId, message: "updatedAt is not a timestamp" });
  const firstVariantOptions = p.variants.nodes[0]?.selectedOptions ?? [];
  return validate(
    {
      source: {
        platform: "shopify",
        connectionId: ctx.connectionId,
        externalId: gidToId(p.id),
        externalUpdatedAt: updatedAt,
      },
      title: p.title,
      handle: p.handle,
      brand: p.vendor,
      productType: p.productType,
      categories: p.category ? [p.category.name] : [],
      tags: p.tags,
      status: STATUS[p.status],
      variants: p.variants.nodes.map((v) => ({
        externalId: gidToId(v.id),
        sku: v.sku ?? "",
        price: { amount: v.price, currency: ctx.currency },
        options: Object.fromEntries(v.selectedOptions.map((o) => [o.name, o.value])),
        inventoryQuantity: v.inventoryQuantity ?? null,
      })),
      images: p.images.nodes.map((img, position) => ({ url: img.url, alt: img.altText ?? "", position })),
      frame: buildFrame(
        p.tags,
        firstVariantOptions.map((o) => [o.name, o.value] as const),
        p.metafields.nodes,
        ctx.frameNames ?? DEFAULT_FRAME_ATTRIBUTE_NAMES,
      ),
    },
    gidToId(p.id),
  );
}

/**
 * REST-shaped webhook product -> ProductDraft. `validate: false` skips the final ProductDraftSchema
 * check, for the webhook intake: the payload was checked against RestProductSchema already, and the
 * engine validates every event's draft before it writes it (worker.ts), after the ack instead of on
 * the ack path, where this check was about a sixth of a delivery's CPU time.
 */
export function fromRest(
  p: RestProduct,
  ctx: TransformContext,
  options: { validate?: boolean } = {},
): Result<ProductDraft, TransformFailure> {
  const updatedAt = toIsoUtc(p.updated_at);
  if (!updatedAt) return err({ externalId: p.id, message: "updated_at is not a timestamp" });
  const optionNames = [...p.options].sort((a, b) => a.position - b.position).map((o) => o.name);
  const variants = p.variants.map((v) => {
    const values = [v.option1, v.option2, v.option3];
    const options: Record<string, string> = {};
    optionNames.forEach((name, i) => {
      const value = values[i];
      if (value) options[name] = value;
    });
    return {
      externalId: v.id,
      sku: v.sku ?? "",
      price: { amount: v.price, currency: ctx.currency },
      options,
      inventoryQuantity: v.inventory_quantity ?? null,
    };
  });
  const tags = (p.tags ?? "")
    .split(",")
    .map((t) => t.trim())
    .filter(Boolean);
  const draft = {
    source: { platform: "shopify", connectionId: ctx.connectionId, externalId: p.id, externalUpdatedAt: updatedAt },
    title: p.title,
    handle: p.handle ?? "",
    brand: p.vendor ?? "",
    productType: p.product_type ?? "",
    categories: p.category ? [p.category.name] : [],
    tags,
    status: STATUS[p.status],
    variants,
    images: [...p.images]
      .sort((a, b) => (a.position ?? 0) - (b.position ?? 0))
      .map((img, position) => ({ url: img.src, alt: img.alt ?? "", position })),
    frame: buildFrame(
      tags,
      Object.entries(variants[0]?.options ?? {}),
      p.metafields ?? [],
      ctx.frameNames ?? DEFAULT_FRAME_ATTRIBUTE_NAMES,
    ),
  };
  return options.validate === false ? ok(draft as ProductDraft) : validate(draft, p.id);
}

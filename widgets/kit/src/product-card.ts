import type { RecommendationItem } from "@varai/schema";
import type { WidgetProduct } from "./config.ts";
import { badgeLabel, type Translate, WARNING_BADGES } from "./i18n.ts";
import { esc, formatPrice } from "./styles.ts";

/** A recommended product as a card: image, title, price, fit badges and the reasons behind it. */
export function productCard(
  item: RecommendationItem,
  product: WidgetProduct | undefined,
  rank: number,
  t: Translate,
  locale: string,
): string {
  const title = product?.title ?? item.title;
  const href = product?.url ?? null;
  const badges = [
    ...item.fitBadges.map(
      (b) =>
        `<span class="badge${WARNING_BADGES.has(b) ? " warn" : ""}" data-code="${esc(b)}">${esc(badgeLabel(b, t))}</span>`,
    ),
    ...(item.sizeUnknown && !item.fitBadges.includes("size-unknown")
      ? [`<span class="badge warn">${esc(t("sizeUnknown"))}</span>`]
      : []),
  ].join("");
  const reasons = item.reasons.length
    ? `<ul class="reasons">${item.reasons.map((r) => `<li>${esc(r)}</li>`).join("")}</ul>`
    : "";
  const heading = href
    ? `<a class="title" href="${esc(href)}" data-id="${esc(item.productId)}">${esc(title)}</a>`
    : `<button type="button" class="title link" data-id="${esc(item.productId)}">${esc(title)}</button>`;
  return `<li class="card" data-product-id="${esc(item.productId)}" aria-label="${esc(t("rank", { rank }))}: ${esc(title)}">
    ${product?.imageUrl ? `<img src="${esc(product.imageUrl)}" alt="${esc(product.imageAlt || title)}" loading="lazy">` : ""}
    <h3>${heading}</h3>
    <p class="price">${esc(formatPrice(product?.price ?? null, locale))}</p>
    <div class="badges">${badges}</div>
    ${reasons}
  </li>`;
}

export const CARD_CSS = `
.card{list-style:none;border:1px solid #e3e3e3;border-radius:var(--_radius);padding:.8em;background:var(--_bg)}
.card img{width:100%;aspect-ratio:2/1;object-fit:contain;background:#f6f6f6;border-radius:calc(var(--_radius) / 2)}
.card h3{font-size:1em;margin:.5em 0 .2em}
.card .title{color:inherit;text-decoration:none;font-weight:600}
.card .title:hover{text-decoration:underline}
.card button.title{border:none;padding:0;min-height:0;background:none;text-align:left}
.card .price{margin:0 0 .3em}
`;

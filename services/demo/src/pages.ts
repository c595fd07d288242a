import type { Product } from "@varai/schema";

/** Escapes text for HTML content and double-quoted attributes. Everything rendered passes through it. */
export function escapeHtml(value: unknown): string {
  return String(value ?? "")
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;")
    .replaceAll("'", "&#39;");
}

/** A tagged template whose interpolations are escaped unless wrapped in `raw()`. */
class Raw {
  readonly html: string;
  constructor(html: string) {
    this.html = html;
  }
}
export const raw = (html: string) => new Raw(html);
export function html(strings: TemplateStringsArray, ...values: unknown[]): Raw {
  let out = strings[0] ?? "";
  values.forEach((value, i) => {
    const part = Array.isArray(value) ? value : [value];
    out += part.map((v) => (v instanceof Raw ? v.html : escapeHtml(v))).join("");
    out += strings[i + 1] ?? "";
  });
  return new Raw(out);
}

export function formatPrice(product: Product): string {
  const price = product.variants[0]?.price;
  if (!price) return "";
  return new Intl.NumberFormat("en-US", { style: "currency", currency: price.currency }).format(Number(price.amount));
}

export function productSizeLabel(product: Product): string {
  const d = product.frame.dimensions;
  return d.lensWidthMm && d.bridgeWidthMm && d.templeLengthMm
    ? `${d.lensWidthMm}-${d.bridgeWidthMm}-${d.templeLengthMm}`
    : "";
}

const label = (value: string | undefined) => (value ? value.replace("-", " ") : "");

const STYLES = `
:root { --ink: #1d1d1f; --muted: #6e6e73; --line: #e5e2dc; --bg: #fbfaf8; --accent: #2f5d50; }
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); background: var(--bg); }
a { color: inherit; text-decoration: none; }
header.site { display: flex; align-items: baseline; justify-content: space-between; padding: 20px 32px; border-bottom: 1px solid var(--line); background: #fff; }
header.site .brand { font-weight: 700; letter-spacing: 0.02em; font-size: 20px; }
header.site .note { color: var(--muted); font-size: 14px; }
main { max-width: 1180px; margin: 0 auto; padding: 32px; }
h1 { font-size: 28px; margin: 0 0 4px; }
.lede { color: var(--muted); margin: 0 0 24px; }
.filters { display: flex; flex-wrap: wrap; gap: 8px; margin: 0 0 24px; }
.filters a { padding: 4px 12px; border: 1px solid var(--line); border-radius: 999px; font-size: 14px; background: #fff; }
.filters a.on { background: var(--ink); color: #fff; border-color: var(--ink); }
.grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(250px, 1fr)); gap: 20px; list-style: none; padding: 0; margin: 0; }
.card { background: #fff; border: 1px solid var(--line); border-radius: 12px; overflow: hidden; transition: box-shadow .15s; }
.card:hover { box-shadow: 0 6px 24px rgba(0,0,0,.08); }
.card img { display: block; width: 100%; height: auto; aspect-ratio: 25 / 16; object-fit: cover; background: #f1eee9; }
.card .body { padding: 12px 16px 16px; }
.card .name { font-weight: 600; }
.card .meta { color: var(--muted); font-size: 14px; display: flex; justify-content: space-between; gap: 8px; }
.price { font-weight: 600; }
.product { display: grid; grid-template-columns: minmax(0, 3fr) minmax(280px, 2fr); gap: 40px; }
.product img { width: 100%; height: auto; border-radius: 12px; border: 1px solid var(--line); background: #f1eee9; }
.product dl { display: grid; grid-template-columns: max-content 1fr; gap: 6px 16px; margin: 16px 0; }
.product dt { color: var(--muted); }
.product dd { margin: 0; }
varai-try-on.try-on { margin: 20px 0; }
varai-frame-finder { display: block; margin: 0 0 28px; }
varai-recommendations.recs { display: block; margin: 32px 0 0; }
.cart-badge { font-size: 14px; }
.sr-only { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
:root { --varai-primary: #2f5d50; }
.widget-slot { margin: 20px 0; padding: 16px; border: 1px dashed #b9b4ab; border-radius: 12px; color: var(--muted); font-size: 14px; background: #fff; }
.back { display: inline-block; margin-bottom: 16px; color: var(--muted); }
button.cart { padding: 12px 20px; border: 0; border-radius: 8px; background: var(--accent); color: #fff; font-size: 16px; cursor: pointer; }
@media (max-width: 760px) { .product { grid-template-columns: 1fr; } main { padding: 16px; } }
`;

export interface PageOptions {
  storeName: string;
  /** Widget loader (`/widget/varai.js`), rendered as the one script tag a merchant adds. */
  widgetScriptSrc?: string;
  /** The demo tenant's publishable key, known once the seed has run. */
  publishableKey?: () => string | null;
}

/**
 * The demo's "platform integration": what a Shopify or WooCommerce theme does with the widgets'
 * add-to-cart hook, here a cart counter in the header. The page's own button uses it too.
 */
const DEMO_CART_SCRIPT = `
window.VARAi = Object.assign(window.VARAi || {}, {
  addToCart: function (item) {
    var count = document.getElementById("cart-count");
    count.textContent = String(Number(count.textContent || "0") + 1);
    document.getElementById("cart-status").textContent = "Added to the cart";
  }
});
document.addEventListener("click", function (e) {
  var b = e.target.closest && e.target.closest("button.cart[data-product-id]");
  if (b) window.VARAi.addToCart({ productId: b.dataset.productId, sku: b.dataset.sku || "", source: "page" });
});`;

function layout(title: string, body: Raw, options: PageOptions): string {
  const page = html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<style>${raw(STYLES)}</style>
<script>${raw(DEMO_CART_SCRIPT)}</script>
${options.widgetScriptSrc ? html`<script src="${options.widgetScriptSrc}" data-key="${options.publishableKey?.() ?? ""}" async></script>` : ""}
</head>
<body>
<header class="site"><a class="brand" href="/demo">${options.storeName}</a><span class="note">A demo store running VARAi try-on and fit recommendations</span><span class="cart-badge">Cart: <span id="cart-count">0</span><span id="cart-status" class="sr-only" role="status"></span></span></header>
<main>
${body}
</main>
</body>
</html>
`;
  return page.html;
}

export function renderCatalogPage(
  products: Product[],
  options: PageOptions & { shapes: readonly string[]; activeShape?: string },
): string {
  const filters = html`<nav class="filters" aria-label="Frame shape">
<a href="/demo" class="${options.activeShape ? "" : "on"}">All</a>
${options.shapes.map((shape) => html`<a href="/demo?shape=${shape}" class="${shape === options.activeShape ? "on" : ""}">${label(shape)}</a>`)}
</nav>`;
  const cards = products.map((p) => {
    const image = p.images[0];
    return html`<li class="card" data-product-id="${p.id}">
<a href="/demo/products/${p.id}">
${image ? html`<img src="${image.url}" alt="${image.alt}" loading="lazy" width="800" height="512">` : ""}
<div class="body">
<div class="name">${p.title}</div>
<div class="meta"><span>${label(p.frame.shape)} · <span class="size">${productSizeLabel(p)}</span></span><span class="price">${formatPrice(p)}</span></div>
</div>
</a>
</li>`;
  });
  const body = html`<h1>Eyeglasses</h1>
<p class="lede">${products.length} frames. Try them on with your camera or a photo, and let us find the ones that fit.</p>
<varai-frame-finder limit="6"></varai-frame-finder>
${filters}
<ul class="grid">
${cards}
</ul>
<varai-recommendations class="recs" limit="8"></varai-recommendations>`;
  return layout(`Eyeglasses · ${options.storeName}`, body, options);
}

export function renderProductPage(product: Product, options: PageOptions): string {
  const image = product.images[0];
  const d = product.frame.dimensions;
  const rows: Array<[string, string | number | undefined]> = [
    ["Size", productSizeLabel(product)],
    ["Shape", label(product.frame.shape)],
    ["Rim", label(product.frame.rim)],
    ["Material", product.frame.material],
    ["Colour", product.frame.color],
    ["Frame width", d.frameWidthMm ? `${d.frameWidthMm} mm` : undefined],
    ["Lens width", d.lensWidthMm ? `${d.lensWidthMm} mm` : undefined],
    ["Lens height", d.lensHeightMm ? `${d.lensHeightMm} mm` : undefined],
    ["Bridge", d.bridgeWidthMm ? `${d.bridgeWidthMm} mm` : undefined],
    ["Temple", d.templeLengthMm ? `${d.templeLengthMm} mm` : undefined],
  ];
  const body = html`<a class="back" href="/demo">← All frames</a>
<article class="product" data-product-id="${product.id}">
<div>
${image ? html`<img src="${image.url}" alt="${image.alt}" width="800" height="512">` : ""}
<varai-try-on class="try-on" product-id="${product.id}"></varai-try-on>
</div>
<div>
<h1>${product.title}</h1>
<p class="lede">${product.brand}</p>
<p class="price">${formatPrice(product)}</p>
<dl>
${rows.filter(([, v]) => v !== undefined && v !== "").map(([k, v]) => html`<dt>${k}</dt><dd>${v}</dd>`)}
</dl>
<button class="cart" type="button" data-product-id="${product.id}" data-sku="${product.variants[0]?.sku ?? ""}">Add to cart</button>
</div>
</article>
<varai-recommendations class="recs" limit="8" exclude-product="${product.id}" heading="Frames that fit you"></varai-recommendations>`;
  return layout(`${product.title} · ${options.storeName}`, body, options);
}

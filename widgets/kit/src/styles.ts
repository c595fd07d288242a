import type { WidgetConfig } from "./config.ts";

/**
 * Theme variables: the page's `--varai-*` custom properties win (they inherit into the
 * shadow root), the tenant's config is the fallback. Internally only `--_*` are used.
 */
export function themeCss(theme: WidgetConfig["theme"]): string {
  return `:host{--_primary:var(--varai-primary,${theme.primary});--_on-primary:var(--varai-on-primary,${theme.onPrimary});--_bg:var(--varai-background,${theme.background});--_fg:var(--varai-foreground,${theme.foreground});--_radius:var(--varai-radius,${theme.radius});--_font:var(--varai-font,${theme.font});}`;
}

export const BASE_CSS = `
:host{display:block;font-family:var(--_font);color:var(--_fg);line-height:1.4}
:host([hidden]),[hidden]{display:none!important}
*{box-sizing:border-box}
button,.btn{font:inherit;cursor:pointer;border-radius:var(--_radius);border:1px solid var(--_primary);background:var(--_bg);color:var(--_primary);padding:.55em 1em;min-height:44px;transition:background .15s,transform .15s}
button.primary,.btn.primary{background:var(--_primary);color:var(--_on-primary)}
button:hover{filter:brightness(.95)}
button:focus-visible,a:focus-visible,input:focus-visible,[tabindex]:focus-visible,label:focus-within{outline:3px solid var(--_primary);outline-offset:2px}
button[aria-pressed=true]{background:var(--_primary);color:var(--_on-primary)}
button:disabled{opacity:.55;cursor:not-allowed}
.sr-only{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
.status{min-height:1.4em;margin:.5em 0}
.error{color:#a30000}
.badge{display:inline-block;font-size:.8em;padding:.15em .55em;border-radius:999px;background:#e7f3ea;color:#14532d;margin:.1em .2em .1em 0}
.badge.warn{background:#fdf0d5;color:#6b4500}
.reasons{margin:.4em 0 0;padding-left:1.1em;font-size:.88em}
.price{font-weight:600}
@media (prefers-reduced-motion: reduce){*{transition:none!important;animation:none!important;scroll-behavior:auto!important}}
`;

/** Escapes text for the template strings the widgets render (everything from the API is untrusted). */
export function esc(value: unknown): string {
  return String(value ?? "").replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!,
  );
}

export function formatPrice(price: { amount: string; currency: string } | null, locale: string): string {
  if (!price) return "";
  const n = Number(price.amount);
  try {
    return new Intl.NumberFormat(locale, { style: "currency", currency: price.currency }).format(n);
  } catch {
    return `${price.amount} ${price.currency}`;
  }
}

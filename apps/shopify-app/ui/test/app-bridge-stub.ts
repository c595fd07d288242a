/**
 * Tests only: what stands in for `https://cdn.shopify.com/shopifycloud/app-bridge.js`, which
 * cannot load offline. Exactly the boundary the app types in src/app-bridge.ts: `idToken()` asks
 * the test (a Playwright binding) for a session token signed with the app secret, `toast` and
 * `open(url, "_top")` are recorded, and `<ui-nav-menu>` stays out of the frame as in the admin
 * (whose sidebar shows its links); `window.__appBridge.navigate(href)` does what a click in that
 * sidebar does: `shopify:navigate` on the link. On the bounce page (`/shopify/auth/session-token`)
 * it does what App Bridge does there: reloads `shopify-reload` with a fresh `id_token`.
 */
export function appBridgeStub(config: { apiKey: string; shop: string }): string {
  return `(() => {
  const calls = { toasts: [], opened: [] };
  window.__appBridge = calls;
  window.shopify = {
    config: { apiKey: ${JSON.stringify(config.apiKey)}, shop: ${JSON.stringify(config.shop)}, locale: "en" },
    idToken: () => window.__sessionToken(),
    toast: { show: (message, options) => calls.toasts.push({ message, options }) },
    loading: () => {},
  };
  window.open = (url, target) => { calls.opened.push({ url: String(url), target: target ?? null }); return null; };
  calls.navigate = (href) => {
    const link = [...document.querySelectorAll("ui-nav-menu a")].find((a) => a.getAttribute("href").split("?")[0].endsWith(href));
    if (!link) throw new Error("no nav link " + href);
    link.dispatchEvent(new CustomEvent("shopify:navigate", { bubbles: true }));
  };
  customElements.define("ui-nav-menu", class extends HTMLElement {
    connectedCallback() { this.hidden = true; }
  });
  const reload = new URL(location.href).searchParams.get("shopify-reload");
  if (location.pathname === "/shopify/auth/session-token" && reload)
    window.shopify.idToken().then((token) => {
      const next = new URL(reload);
      next.searchParams.set("id_token", token);
      location.replace(next.href);
    });
})();`;
}

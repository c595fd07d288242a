import { type Response, Router } from "express";

/**
 * The widget preview page: the real storefront widgets (loaded by `/widget/varai.js`, like a
 * storefront) with an admin screen's unsaved draft of the widget settings. Studio
 * (`/studio/preview`) and the Shopify app's embedded admin (`/shopify/app/preview`) frame it
 * sandboxed without allow-same-origin, so the page runs in an opaque origin and cannot reach the
 * admin's session; the draft arrives by postMessage, only from the parent window and this origin
 * (admin-kit's `useWidgetPreview`). Each mount names who may frame it: CSP `frame-ancestors`
 * is checked against every ancestor, so a page inside Shopify's admin needs admin.shopify.com too.
 */
export function widgetPreviewRoutes(options: { path: string; frameAncestors: string }): Router {
  const { path } = options;
  // The widgets write `<style>` elements into their shadow roots (style-src 'unsafe-inline');
  // scripts stay 'self' only, and nothing is framed.
  const csp = [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-src 'none'",
    `frame-ancestors ${options.frameAncestors}`,
  ].join("; ");
  const secure = (res: Response) => {
    res.setHeader("Content-Security-Policy", csp);
    res.setHeader("X-Content-Type-Options", "nosniff");
    res.setHeader("Referrer-Policy", "no-referrer");
    res.setHeader("Cache-Control", "no-cache");
  };
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>Widget preview</title><script src="${path}.js" defer></script></head>
<body style="margin:0;padding:12px;font-family:system-ui,sans-serif"><main id="stage" aria-label="Widget preview"></main></body></html>
`;
  return Router()
    .get(path, (_req, res) => {
      secure(res);
      res.type("html").send(html);
    })
    .get(`${path}.js`, (_req, res) => {
      secure(res);
      res.type("js").send(PREVIEW_JS);
    });
}

const PREVIEW_JS = `"use strict";
(() => {
  const admin = new URL(location.href).origin;
  const stage = document.getElementById("stage");
  addEventListener("message", (event) => {
    if (event.source !== parent || event.origin !== admin) return;
    const data = event.data;
    if (!data || data.type !== "varai:preview-config" || typeof data.config !== "object") return;
    const boot = (window.VARAi ??= { base: admin, key: null });
    // A new runtime per draft: the elements resolve their config once, before their first render.
    boot.previewConfig = data.config;
    delete boot.runtime;
    const f = data.config.features || {};
    const lang = typeof data.config.locale === "string" ? data.config.locale : "en";
    stage.replaceChildren();
    document.documentElement.lang = lang;
    if (f.photoTryOn !== false || f.liveTryOn !== false) {
      const tryOn = document.createElement("varai-try-on");
      tryOn.setAttribute("inline", "");
      stage.append(tryOn);
    }
    if (f.frameFinder !== false) stage.append(document.createElement("varai-frame-finder"));
    if (!document.querySelector('script[src="/widget/varai.js"]')) {
      const loader = document.createElement("script");
      loader.src = "/widget/varai.js";
      document.head.append(loader);
    }
  });
  parent.postMessage({ type: "varai:preview-ready" }, admin);
})();
`;

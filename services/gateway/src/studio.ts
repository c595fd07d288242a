import { existsSync } from "node:fs";
import path from "node:path";
import type { ServiceModule } from "@varai/runtime";
import { AppError } from "@varai/schema";
import express, { type Response, Router } from "express";

/** Where `pnpm --filter @varai/commerce-studio build` writes the app (scripts/setup.sh runs it). */
export const STUDIO_DIST = path.resolve(import.meta.dirname, "../../../apps/commerce-studio/dist");

/**
 * Studio's pages get a strict CSP: scripts and styles only from here (React Aria sets inline
 * style attributes, hence style-src-attr), API and live socket on this origin, no framing.
 * The one hash is React Aria's `react-aria-pressable-style` element (touch-action for pressable
 * elements, react-aria-components 1.22.1); a new version with another rule is blocked and logged
 * in the console, which the browser tests fail on. `frame-src 'self'`: the widget settings screen
 * frames the preview page below (nothing else may be framed).
 */
const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'sha256-38RhXrc7EdReTKsOm23ZPOCUgniTUUcjky8QOOrQx6o='",
  "style-src-attr 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-src 'self'",
  "frame-ancestors 'none'",
].join("; ");

/**
 * The preview page's CSP: Studio's, except that the widgets write `<style>` elements into their
 * shadow roots (style-src 'unsafe-inline'; scripts stay 'self' only), nothing is framed, and
 * only Studio (this origin) may frame it.
 */
const PREVIEW_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-src 'none'",
  "frame-ancestors 'self'",
].join("; ");

function secure(res: Response, preview = false) {
  res.setHeader("Content-Security-Policy", preview ? PREVIEW_CSP : CSP);
  res.setHeader("X-Content-Type-Options", "nosniff");
  res.setHeader("Referrer-Policy", "no-referrer");
  res.setHeader("X-Frame-Options", preview ? "SAMEORIGIN" : "DENY");
}

/**
 * `/studio/preview`: the real storefront widgets (loaded by `/widget/varai.js`, like a
 * storefront) with the widget settings screen's unsaved draft. Studio frames it sandboxed
 * without allow-same-origin, so the page runs in an opaque origin and cannot reach Studio's
 * session; the draft arrives by postMessage, only from the parent window and Studio's origin.
 */
const PREVIEW_HTML = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>Widget preview</title><script src="/studio/preview.js" defer></script></head>
<body style="margin:0;padding:12px;font-family:system-ui,sans-serif"><main id="stage" aria-label="Widget preview"></main></body></html>
`;

const PREVIEW_JS = `"use strict";
(() => {
  const studio = new URL(location.href).origin;
  const stage = document.getElementById("stage");
  addEventListener("message", (event) => {
    if (event.source !== parent || event.origin !== studio) return;
    const data = event.data;
    if (!data || data.type !== "varai:preview-config" || typeof data.config !== "object") return;
    const boot = (window.VARAi ??= { base: studio, key: null });
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
  parent.postMessage({ type: "varai:preview-ready" }, studio);
})();
`;

/**
 * Commerce Studio at `/studio`: the built single-page app, hashed assets cached for a year,
 * every other path under /studio answered with index.html (client-side routes). Without a build
 * the pages answer 503 with the command that makes one.
 */
export function createStudioModule(options: { dist?: string } = {}): ServiceModule {
  const dist = options.dist ?? STUDIO_DIST;
  const index = path.join(dist, "index.html");
  const router = Router();
  router.use(
    "/studio/assets",
    (_req, res, next) => {
      secure(res);
      next();
    },
    express.static(path.join(dist, "assets"), { immutable: true, maxAge: "365d", index: false }),
    () => {
      // Not index.html: a stale page asking for an old hash must fail visibly, not parse HTML as JS.
      throw new AppError("NOT_FOUND", "No such Studio asset");
    },
  );
  router.get("/studio/preview", (_req, res) => {
    secure(res, true);
    res.setHeader("Cache-Control", "no-cache");
    res.type("html").send(PREVIEW_HTML);
  });
  router.get("/studio/preview.js", (_req, res) => {
    secure(res, true);
    res.setHeader("Cache-Control", "no-cache");
    res.type("js").send(PREVIEW_JS);
  });
  router.get(["/studio", "/studio/{*rest}"], (req, res) => {
    if (req.path === "/studio") {
      res.redirect(301, "/studio/");
      return;
    }
    if (!existsSync(index))
      throw new AppError("UPSTREAM_UNAVAILABLE", "Studio is not built: run pnpm --filter @varai/commerce-studio build");
    secure(res);
    res.setHeader("Cache-Control", "no-cache");
    res.sendFile(index);
  });
  return {
    name: "studio",
    router,
    openapi: { paths: {} },
  };
}

import { existsSync } from "node:fs";
import path from "node:path";
import type { ServiceModule } from "@varai/runtime";
import { AppError } from "@varai/schema";
import { widgetPreviewRoutes } from "@varai/widgets/preview-page";
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

function secure(res: Response) {
  res.setHeader("Content-Security-Policy", CSP);
  res.setHeader("X-Content-Type-Options", "nosniff");
  res.setHeader("Referrer-Policy", "no-referrer");
  res.setHeader("X-Frame-Options", "DENY");
}

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
  // The widget settings screen's preview; only Studio (this origin) may frame it.
  router.use(widgetPreviewRoutes({ path: "/studio/preview", frameAncestors: "'self'" }));
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

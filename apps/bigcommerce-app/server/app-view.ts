import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import type { Response } from "express";
import type { ScriptCheck } from "./bc/scripts.ts";

/** Where `pnpm --filter @varai/bigcommerce-app build` writes the admin UI. */
export const APP_DIST = path.resolve(import.meta.dirname, "../dist");

/** What the admin UI starts with: a short-lived (15 min) tenant session, never a long-lived bearer. */
export interface AppBoot {
  session: { accessToken: string; expiresIn: number; tenantId: string };
  /** The app context (1 h): traded at `POST /bigcommerce/api/session` for fresh tenant sessions. */
  context: string;
  connectionId: string;
  storeHash: string;
  user: { email: string };
  publishableKey: string;
  script: { status: ScriptCheck["action"] | "failed"; message: string | null };
}

/**
 * The control panel frames the view, so it may be framed by BigCommerce's hosts (and the
 * configured login host, which the simulator plays in tests), nothing else. Big Design's
 * styled-components write `<style>` elements (style-src 'unsafe-inline'); scripts are 'self' only.
 */
export function frameAncestors(loginBaseUrl: string): string {
  return ["https://*.bigcommerce.com", "https://*.mybigcommerce.com", new URL(loginBaseUrl).origin].join(" ");
}

function csp(loginBaseUrl: string) {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob: https:",
    "connect-src 'self'",
    "font-src 'self' data:",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-src 'self'",
    `frame-ancestors ${frameAncestors(loginBaseUrl)}`,
  ].join("; ");
}

/** The built index.html (read once); a plain page when the UI was not built (server-only tests). */
let shell: string | null = null;
function shellHtml(distDir: string): string {
  if (shell !== null) return shell;
  const file = path.join(distDir, "index.html");
  shell = existsSync(file)
    ? readFileSync(file, "utf8")
    : `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>VARAi</title></head><body><main><h1>VARAi</h1><p>The admin UI is not built (pnpm --filter @varai/bigcommerce-app build).</p></main></body></html>`;
  return shell;
}

/** The boot data goes in a non-executed JSON element (CSP allows no inline script), `<` escaped. */
export function sendAppView(res: Response, boot: AppBoot, o: { distDir: string; loginBaseUrl: string }): void {
  const json = JSON.stringify(boot).replace(/</g, "\\u003c");
  const html = shellHtml(o.distDir).replace(
    "</head>",
    `<script type="application/json" id="varai-bc-boot">${json}</script></head>`,
  );
  res.setHeader("Content-Security-Policy", csp(o.loginBaseUrl));
  res.setHeader("Cache-Control", "no-store");
  res.setHeader("Referrer-Policy", "no-referrer");
  res.setHeader("X-Content-Type-Options", "nosniff");
  res.status(200).type("text/html").send(html);
}

export function scriptStatus(script: ScriptCheck | { error: string }): AppBoot["script"] {
  return "error" in script ? { status: "failed", message: script.error } : { status: script.action, message: null };
}

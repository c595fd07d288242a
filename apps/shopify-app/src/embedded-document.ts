import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

/** Where the UI helper's Vite build lands (`apps/shopify-app/ui/dist`, built with `base: "/shopify/app/"`). */
export const UI_DIST_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../ui/dist");

export const APP_BRIDGE_SRC = "https://cdn.shopify.com/shopifycloud/app-bridge.js";

const escapeAttr = (value: string) => value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The two tags App Bridge needs, first in `<head>` (App Bridge must load before any other script). */
export const appBridgeTags = (apiKey: string) =>
  `<meta name="shopify-api-key" content="${escapeAttr(apiKey)}">\n<script src="${APP_BRIDGE_SRC}"></script>`;

/**
 * The embedded document: the built UI's index.html with the App Bridge tags inserted right after
 * `<head>`; a plain page saying the UI is not built when `ui/dist` is absent (the API still works).
 */
export function renderEmbeddedDocument(apiKey: string, distDir = UI_DIST_DIR): string {
  const index = path.join(distDir, "index.html");
  const tags = appBridgeTags(apiKey);
  if (existsSync(index)) {
    const html = readFileSync(index, "utf8");
    return /<head[^>]*>/i.test(html) ? html.replace(/<head[^>]*>/i, (head) => `${head}\n${tags}`) : `${tags}\n${html}`;
  }
  return `<!doctype html>
<html lang="en">
<head>
${tags}
<meta charset="utf-8">
<title>VARAi</title>
</head>
<body>
<main><h1>VARAi</h1><p>The embedded admin is not built (apps/shopify-app/ui/dist is missing).</p></main>
</body>
</html>
`;
}

/**
 * The bounce page (Shopify's template: `/auth/session-token`): App Bridge loads, fetches a fresh
 * session token and reloads `shopify-reload` with it as `id_token`.
 */
export function renderBouncePage(apiKey: string): string {
  return `<!doctype html>
<html lang="en">
<head>
${appBridgeTags(apiKey)}
<meta charset="utf-8">
<title>VARAi</title>
</head>
<body></body>
</html>
`;
}

/** `frame-ancestors` for an embedded app: only the shop's admin and Shopify's unified admin may frame it. */
export const frameAncestors = (shop: string | null) =>
  `frame-ancestors ${shop ? `https://${shop} ` : ""}https://admin.shopify.com;`;

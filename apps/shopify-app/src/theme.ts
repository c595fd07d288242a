import { type AdminApiDeps, adminGraphql } from "./admin-api.ts";
import type { ShopContext } from "./shop-auth.ts";

/** The app embed's block handle: `extensions/varai-theme/blocks/app-embed.liquid`. */
export const APP_EMBED_HANDLE = "app-embed";

/** The theme editor deep link that turns the app embed on (Shopify's `activateAppId` link). */
export const themeEmbedUrl = (shop: string, apiKey: string) =>
  `https://${shop}/admin/themes/current/editor?context=apps&template=product&activateAppId=${apiKey}/${APP_EMBED_HANDLE}`;

/** Whether the main theme's settings_data.json has our app embed on; null when it cannot be read. */
export async function readAppEmbedEnabled(deps: AdminApiDeps, ctx: ShopContext): Promise<boolean | null> {
  const data = await adminGraphql<{
    themes: { nodes: Array<{ files: { nodes: Array<{ body?: { content?: string } }> } }> };
  }>(
    deps,
    ctx.shop,
    ctx.session.accessToken ?? "",
    `query MainTheme { themes(first: 1, roles: [MAIN]) { nodes { id files(filenames: ["config/settings_data.json"]) { nodes { filename body { ... on OnlineStoreThemeFileBodyText { content } } } } } } }`,
  );
  const content = data.themes.nodes[0]?.files.nodes[0]?.body?.content;
  if (!content) return null;
  try {
    // settings_data.json may start with a comment block (Shopify writes one).
    const json = JSON.parse(content.replace(/^\s*\/\*[\s\S]*?\*\//, "")) as {
      current?: { blocks?: Record<string, { type?: string; disabled?: boolean }> };
    };
    const blocks = Object.values(json.current?.blocks ?? {});
    const ours = blocks.find((b) => b.type?.includes(`/blocks/${APP_EMBED_HANDLE}/`));
    return ours ? ours.disabled !== true : false;
  } catch {
    return null;
  }
}

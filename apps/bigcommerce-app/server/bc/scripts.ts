import { AppError } from "@varai/schema";
import { z } from "zod";
import type { StoreApi } from "./store-api.ts";

/** The name our one script carries in the store's Script Manager (and how we find it again). */
export const LOADER_SCRIPT_NAME = "VARAi virtual try-on";

const ScriptSchema = z.object({
  uuid: z.string(),
  name: z.string(),
  html: z.string().optional(),
  kind: z.string().optional(),
  location: z.string().optional(),
  visibility: z.string().optional(),
  auto_uninstall: z.boolean().optional(),
});

/**
 * The storefront tags: the widget loader with the store's publishable key (it reads `data-key`),
 * then a small mount that puts the try-on under a Stencil product page's add-to-cart form (the
 * theme marks it `data-cart-item-add` and the SKU `data-product-sku`), unless the theme already
 * placed one. Nothing depends on anything but those two data attributes.
 */
export function loaderHtml(o: { widgetBaseUrl: string; publishableKey: string }): string {
  const src = `${o.widgetBaseUrl}/widget/varai.js`;
  const mount =
    "(function(){if(document.querySelector('varai-try-on'))return;" +
    "var f=document.querySelector('form[data-cart-item-add]'),s=document.querySelector('[data-product-sku]');" +
    "var sku=s&&s.textContent.trim();if(!f||!sku)return;" +
    "var e=document.createElement('varai-try-on');e.setAttribute('sku',sku);f.insertAdjacentElement('afterend',e);})();";
  return `<script src="${escapeAttr(src)}" data-key="${escapeAttr(o.publishableKey)}" defer></script><script>${mount}</script>`;
}

const escapeAttr = (value: string) => value.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;");

/** The Scripts API body (`reference/scripts.v3.yml`): footer, storefront pages, removed with the app. */
export function loaderScriptBody(html: string) {
  return {
    name: LOADER_SCRIPT_NAME,
    description: "Virtual try-on and frame fit for eyewear, by VARAi",
    html,
    kind: "script_tag",
    load_method: "default",
    location: "footer",
    visibility: "storefront",
    auto_uninstall: true,
    // The try-on is a feature the shopper asks for; it sets no tracking cookie.
    consent_category: "functional",
  };
}

export interface ScriptCheck {
  uuid: string;
  action: "created" | "repaired" | "present";
  /** Extra copies of our script found (and deleted). */
  removed: number;
}

/**
 * Keeps exactly one loader script on the store: lists this app's scripts, creates ours when the
 * merchant deleted it (or it was never made), updates it when its tags or placement drifted,
 * and deletes duplicates. Run on install and on every load.
 */
export async function ensureLoaderScript(api: StoreApi, html: string): Promise<ScriptCheck> {
  const listed = await api("GET", "/v3/content/scripts?limit=250");
  const list = z.object({ data: z.array(ScriptSchema) }).safeParse(listed.body);
  if (listed.status !== 200 || !list.success)
    throw new AppError("INVALID_RESPONSE", "BigCommerce's script list was not understood");
  const ours = list.data.data.filter((s) => s.name === LOADER_SCRIPT_NAME);
  const body = loaderScriptBody(html);
  let removed = 0;
  for (const extra of ours.slice(1)) {
    await api("DELETE", `/v3/content/scripts/${encodeURIComponent(extra.uuid)}`);
    removed++;
  }
  const current = ours[0];
  if (!current)
    return { uuid: await writeScript(api, "POST", "/v3/content/scripts", body), action: "created", removed };
  const drifted =
    current.html !== body.html ||
    current.kind !== body.kind ||
    current.location !== body.location ||
    current.visibility !== body.visibility ||
    current.auto_uninstall !== true;
  if (!drifted) return { uuid: current.uuid, action: "present", removed };
  const path = `/v3/content/scripts/${encodeURIComponent(current.uuid)}`;
  return { uuid: await writeScript(api, "PUT", path, body), action: "repaired", removed };
}

async function writeScript(api: StoreApi, method: "POST" | "PUT", path: string, body: object): Promise<string> {
  const r = await api(method, path, body);
  const script = z.object({ data: ScriptSchema }).safeParse(r.body);
  if (r.status === 422)
    throw new AppError("CONFLICT", "BigCommerce refused the storefront script (the app's script limit?)");
  if (r.status !== 200 || !script.success)
    throw new AppError("INVALID_RESPONSE", "BigCommerce's script answer was not understood");
  return script.data.data.uuid;
}

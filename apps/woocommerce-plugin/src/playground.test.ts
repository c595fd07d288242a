import { existsSync, mkdirSync } from "node:fs";
import path from "node:path";
import { newAppKey } from "@varai/auth";
import { freePort, startTestGateway, stopTestGateway, type TestGateway } from "@varai/gateway/testing";
import { chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { PACKAGE_DIR } from "./build-zip.ts";
import { type Playground, startPlayground } from "./playground.ts";
import { createWpClient, formNonce } from "./wp-client.ts";

/**
 * The merchant's path in a real WordPress (Playground, offline) with the plugin installed from
 * its zip and the WooCommerce test stub, against a local VARAi gateway: save settings, Connect
 * (VARAi state -> /wc-auth/v1/authorize -> keys to VARAi's callback -> back to the plugin ->
 * webhooks created), then product pages render the loader with the key. Playground boots in
 * 20-300 s on 2 cores depending on load (README), once per run: the package's only slow test.
 */
const WOO_APP_KEY = newAppKey("woocommerce");
let gateway: TestGateway;
let pg: Playground;
let wp: ReturnType<typeof createWpClient>;
const SHOTS = path.resolve(PACKAGE_DIR, "../../test-artifacts/screenshots");
const CHROMIUM = "/usr/bin/chromium";

beforeAll(async () => {
  const port = await freePort();
  [gateway, pg] = await Promise.all([
    startTestGateway({
      PORT: String(port),
      PUBLIC_BASE_URL: `http://127.0.0.1:${port}`,
      VARAI_APP_KEYS: `woocommerce=${WOO_APP_KEY}`,
      VARAI_ALLOW_PRIVATE_UPSTREAMS: "true",
    }),
    freePort().then((p) => startPlayground({ port: p, timeoutMs: 540_000 })),
  ]);
  console.info(`Playground booted in ${pg.bootMs} ms`);
  wp = createWpClient(pg.url);
  await wp.login();
}, 600_000);

afterAll(async () => {
  await pg?.stop();
  if (gateway) await stopTestGateway(gateway);
});

const state = async () => JSON.parse((await wp.get("/?rest_route=/varai-test/v1/state")).text);
const scriptTags = (html: string) => html.match(/<script[^>]*widget\/varai\.js[^>]*>/g) ?? [];

describe("the plugin in WordPress Playground (WordPress 6.5.5, WooCommerce stub)", { timeout: 600_000 }, () => {
  it("was installed from the zip, activated after WooCommerce, and declared HPOS and blocks compatibility", async () => {
    const s = await state();
    expect(s.active).toContain("varai-try-on/varai-try-on.php");
    expect(s.declared).toEqual({
      custom_order_tables: ["varai-try-on/varai-try-on.php", true],
      cart_checkout_blocks: ["varai-try-on/varai-try-on.php", true],
    });
  });

  it("renders no try-on and loads no VARAi script before a key exists", async () => {
    const page = await wp.page(`/?p=${pg.ids.shortcode}&post_type=product`);
    expect(page.status).toBe(200);
    expect(scriptTags(page.text)).toEqual([]);
    expect(page.text).not.toContain("<varai-try-on");
  });

  it("saves the settings through options.php with its nonce (and refuses a forged one)", async () => {
    const settings = await wp.get("/wp-admin/admin.php?page=varai-try-on");
    expect(settings.status, settings.text.slice(0, 1500)).toBe(200);
    expect(settings.text).toContain("Connect to VARAi");
    const form = {
      option_page: "varai_try_on",
      action: "update",
      _wp_http_referer: "/wp-admin/admin.php?page=varai-try-on",
      "varai_try_on_settings[api_base]": gateway.base,
      "varai_try_on_settings[publishable_key]": "",
    };
    const forged = await wp.post("/wp-admin/options.php", { ...form, _wpnonce: "0123456789" });
    expect(forged.status).toBe(403);
    const saved = await wp.post("/wp-admin/options.php", {
      ...form,
      _wpnonce: formNonce(settings.text, "options.php"),
    });
    expect(saved.status).toBe(302);
    expect((await state()).settings).toEqual({ api_base: gateway.base, publishable_key: "", auto_button: false });
  });

  it("connects without copying keys: VARAi state, wc-auth hand-over, return, webhooks created", async () => {
    const settings = await wp.get("/wp-admin/admin.php?page=varai-try-on");
    const start = await wp.post("/wp-admin/admin-post.php", {
      action: "varai_connect",
      _wpnonce: formNonce(settings.text, 'value="varai_connect"'),
      link_code: "",
    });
    expect(start.status, start.text.slice(0, 2000)).toBe(302);
    const authorize = new URL(start.location ?? "");
    expect(authorize.pathname).toBe("/wc-auth/v1/authorize");
    expect(authorize.searchParams.get("callback_url")).toBe(`${gateway.base}/woocommerce/auth/callback`);
    expect(authorize.searchParams.get("user_id")).toMatch(/^wcs_/);

    const granted = await wp.get(start.location ?? "");
    expect(granted.status, `${granted.text.slice(0, 2000)}\n${JSON.stringify((await state()).lastCallback)}`).toBe(302);
    const back = await wp.get(granted.location ?? "");
    expect(back.status, back.text.slice(0, 2000)).toBe(302);
    expect(back.location).toContain("varai_notice=connected");

    const s = await state();
    expect(s.connected).toBe(true);
    expect(s.settings.publishable_key).toMatch(/^pk_/);
    expect(s.keys).toBe(1);
    // One per topic. VARAi's catalog registers the same hooks during its first sync, at the same
    // moment; both creators keep the oldest per topic and delete the rest, so it settles to one.
    const oursNow = async () =>
      (await state()).webhooks.filter((h: { delivery_url: string }) =>
        h.delivery_url.startsWith(`${gateway.base}/webhooks/woocommerce/con`),
      );
    await expect
      .poll(async () => (await oursNow()).map((h: { topic: string }) => h.topic).sort(), { timeout: 30_000 })
      .toEqual(["order.created", "product.created", "product.deleted", "product.updated"]);
    const ours = await oursNow();
    expect(ours.every((h: { status: string }) => h.status === "active")).toBe(true);
  });

  it("the connection appears on VARAi and the store's products sync in", async () => {
    const storeId = new URL(pg.url).host;
    const headers = { "x-varai-app-key": WOO_APP_KEY };
    const install = await gateway.call("GET", `/v1/installs/woocommerce/${storeId}`, undefined, undefined, headers);
    expect(install.body).toMatchObject({ status: "active", publishableKey: (await state()).settings.publishable_key });
    const session = await gateway.call("POST", `/v1/installs/woocommerce/${storeId}/sessions`, undefined, {}, headers);
    await vi.waitFor(
      async () => {
        const products = await gateway.call("GET", "/v1/products", session.body.accessToken);
        expect(products.body.items?.map((p: { title: string }) => p.title).sort()).toEqual([
          "Aviator Classic",
          "Round Tortoise",
        ]);
      },
      { timeout: 60_000, interval: 1000 },
    );
  });

  it("product pages with the shortcode and with the block load the loader with the key; other pages do not", async () => {
    const key = (await state()).settings.publishable_key;
    const shortcode = await wp.page(`/?p=${pg.ids.shortcode}&post_type=product`);
    expect(scriptTags(shortcode.text)).toHaveLength(1);
    expect(scriptTags(shortcode.text)[0]).toContain(`data-key="${key}"`);
    expect(scriptTags(shortcode.text)[0]).toContain(`src="${gateway.base}/widget/varai.js`);
    expect(scriptTags(shortcode.text)[0]).toMatch(/\basync\b/);
    expect(shortcode.text).toContain(`<varai-try-on sku="AV-100" data-wc-product-id="${pg.ids.shortcode}"`);

    const block = await wp.page(`/?p=${pg.ids.block}&post_type=product`);
    expect(scriptTags(block.text)[0]).toContain(`data-key="${key}"`);
    expect(block.text).toMatch(/<div [^>]*class="[^"]*\bwp-block-varai-try-on\b[^"]*"[^>]*><varai-try-on sku="RT-200"/);

    const plain = await wp.page(`/?page_id=${pg.ids.plain}`);
    expect(plain.status).toBe(200);
    expect(plain.text).toContain("No glasses here.");
    expect(scriptTags(plain.text)).toEqual([]);
    expect(plain.text).not.toContain("session.js");
  });

  // The admin screen is not rendered here: Playground's single PHP worker serves WP admin's
  // concatenated styles too slowly on 2 cores (240 s and more under load), and unstyled it proves
  // nothing; the settings page is checked over HTTP above. The shopper's side is what this adds.
  it.skipIf(!existsSync(CHROMIUM) && !process.env.CI)(
    "in Chromium: the product page's try-on button opens the widget",
    async () => {
      mkdirSync(SHOTS, { recursive: true });
      const browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox", "--disable-gpu"] });
      try {
        const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
        await context.addCookies(wp.cookies().map((c) => ({ ...c, url: pg.url })));
        const page = await context.newPage();
        await page.goto(`${pg.url}/?p=${pg.ids.block}&post_type=product`, {
          timeout: 240_000,
          waitUntil: "domcontentloaded",
        });
        const tryOn = page.locator("varai-try-on");
        const open = tryOn.locator("button.open:not([disabled])");
        await open.waitFor({ timeout: 60_000 });
        await open.click();
        await tryOn.locator("dialog[open]").waitFor({ timeout: 20_000 });
        await page.screenshot({ path: path.join(SHOTS, "woocommerce-plugin-product-try-on.png") });
      } finally {
        await browser.close();
      }
    },
  );

  it("left no PHP notice, warning or deprecation from the plugin under WP_DEBUG", () => {
    const ours = pg
      .debugLog()
      .split("\n")
      .filter((line) => /varai-try-on/.test(line));
    expect(ours).toEqual([]);
  });
});

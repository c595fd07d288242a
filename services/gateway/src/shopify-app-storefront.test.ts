import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { extensionAsset, renderExtensionFile } from "@varai/shopify-app/testing";
import { type Browser, browserAvailable, launchChromium, screenshotPath } from "@varai/widgets/testing";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { type ShopifyAppGateway, startShopifyAppGateway } from "./test-shopify-app.ts";

/**
 * Issue 18's merchant path against the simulator: install -> catalog synced -> app embed on -> a
 * product page of a simulated theme (the extension's Liquid, rendered as Shopify would, with the
 * app-data metafields the install wrote) shows the try-on button, which opens the widget; its
 * "Add to cart" puts `_varai_session` on the cart; the order's `orders/paid` with that attribute
 * appears as a purchase in the try-on impact.
 */
describe.skipIf(!browserAvailable())("a Shopify storefront with the VARAi theme extension", () => {
  let h: ShopifyAppGateway;
  let browser: Browser;
  let storefront: Server;
  let storefrontBase: string;
  const cartCalls: Array<{ path: string; body: Record<string, unknown> }> = [];

  beforeAll(async () => {
    [h, browser] = await Promise.all([startShopifyAppGateway({ products: 3 }), launchChromium()]);
    storefront = createServer((req, res) => void serveStorefront(req, res));
    await new Promise<void>((resolve) => storefront.listen(0, "127.0.0.1", resolve));
    storefrontBase = `http://127.0.0.1:${(storefront.address() as AddressInfo).port}`;
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => storefront?.close(resolve));
    await h?.close();
  });

  /** The simulated theme: a product page with the app embed and the app block, and Shopify's AJAX cart. */
  async function serveStorefront(req: import("node:http").IncomingMessage, res: import("node:http").ServerResponse) {
    if (req.method === "POST" && req.url?.startsWith("/cart/")) {
      let raw = "";
      for await (const chunk of req) raw += chunk;
      cartCalls.push({ path: req.url, body: JSON.parse(raw) as Record<string, unknown> });
      res.writeHead(200, { "content-type": "application/json" }).end("{}");
      return;
    }
    if (req.url === "/assets/varai-cart.js") {
      res.writeHead(200, { "content-type": "text/javascript" }).end(extensionAsset("varai-cart.js"));
      return;
    }
    const app = {
      metafields: {
        varai: {
          publishable_key: h.sim.shopify.app.appMetafields.get("varai.publishable_key"),
          loader_url: h.sim.shopify.app.appMetafields.get("varai.loader_url")?.replace("localhost", "127.0.0.1"),
        },
      },
    };
    const first = h.sim.shopify.store.products.get(0)!;
    const product = {
      id: h.sim.shopify.externalId(0),
      title: first.title,
      selected_or_first_available_variant: { id: 40000000000000000, sku: first.variants[0]!.sku },
    };
    const shop = { permanent_domain: h.shop };
    const embedOn = h.sim.shopify.app.appEmbedEnabled;
    const embed = embedOn ? await renderExtensionFile("blocks/app-embed.liquid", { app, shop }) : "";
    const block = await renderExtensionFile("blocks/try-on-button.liquid", {
      app,
      shop,
      product,
      block: {
        settings: { label: "See them on you", style: "primary", placement: "full-width" },
        shopify_attributes: "",
      },
    });
    res.writeHead(200, { "content-type": "text/html" }).end(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${first.title}</title></head>
<body><main><h1>${first.title}</h1>
<form action="/cart/add" method="post"><button type="submit">Add to cart</button></form>
${block}</main>
${embed}<script src="/assets/varai-cart.js" defer></script>
</body></html>`);
  }

  it("install -> synced -> embed on -> try-on on the product page -> a purchase with _varai_session in the impact", async () => {
    const status = await (await h.get("/shopify/api/status", h.sim.shopify.app.sessionToken())).json();
    await vi.waitFor(
      async () => {
        const again = await (await h.get("/shopify/api/status", h.sim.shopify.app.sessionToken())).json();
        expect(again.connection.lastSyncAt).not.toBeNull();
      },
      { timeout: 20_000, interval: 200 },
    );
    // The merchant follows the deep link and turns the app embed on.
    h.sim.shopify.app.appEmbedEnabled = true;
    const onboarded = await (await h.get("/shopify/api/status", h.sim.shopify.app.sessionToken())).json();
    expect(onboarded.themeEmbedEnabled).toBe(true);

    const page = await browser.newPage({ viewport: { width: 1100, height: 800 } });
    await page.goto(`${storefrontBase}/products/frame`);
    const tryOn = page.locator("varai-try-on");
    await tryOn.locator("button.open:not([disabled])").waitFor({ timeout: 20_000 });
    // The app block's label setting is the button's text.
    expect((await tryOn.locator("button.open").textContent())?.trim()).toBe("See them on you");
    await page.screenshot({ path: screenshotPath("shopify-product-page") });
    await tryOn.locator("button.open").click();
    await tryOn.locator("[role=dialog], dialog").first().waitFor({ timeout: 10_000 });
    await page.screenshot({ path: screenshotPath("shopify-try-on-open") });
    await tryOn.locator("button.cart").click();
    await expect
      .poll(() => cartCalls.map((c) => c.path), { timeout: 10_000 })
      .toEqual(["/cart/add.js", "/cart/update.js"]);
    const sessionId = await page.evaluate(() => sessionStorage.getItem("varai:session"));
    expect(sessionId).toMatch(/^ses_/);
    expect(cartCalls[1]?.body).toEqual({ attributes: { _varai_session: sessionId } });
    expect(cartCalls[0]?.body).toEqual({ items: [{ id: 40000000000000000, quantity: 1 }] });
    await page.close(); // flushes the widget's events

    // The order: orders/paid carries the cart attribute as a note attribute.
    const template = h.sim.shopify.webhook("orders/paid").body.toString();
    const order = h.sim.shopify.webhook("orders/paid", { body: template.replace("sess_sim_1", sessionId!) });
    expect(await h.sim.send(`${h.gateway.base}/webhooks/shopify`, order)).toEqual([200]);

    const session = await (await h.post("/shopify/api/session", h.sim.shopify.app.sessionToken())).json();
    expect(session.tenantId).toBe(status.tenantId);
    await vi.waitFor(
      async () => {
        const summary = await h.gateway.call("GET", "/v1/analytics/summary", session.accessToken);
        const steps = Object.fromEntries(
          (summary.body.funnel as Array<{ step: string; sessions: number }>).map((s) => [s.step, s.sessions]),
        );
        expect(steps).toMatchObject({ widget_shown: 1, add_to_cart: 1, purchase: 1 });
      },
      { timeout: 20_000, interval: 250 },
    );
  }, 120_000);
});

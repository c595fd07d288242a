import { existsSync, readFileSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { freePort, startTestGateway, stopTestGateway, type TestGateway } from "@varai/gateway/testing";
import { type PlatformSimulator, startPlatformSimulator } from "@varai/testkit";
import { CHROMIUM, launchChromium, screenshotPath } from "@varai/widgets/testing";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { MODULE_ROOT, requirePhpTools, runInModuleAsync } from "./php.ts";

/**
 * The product page block as PHP renders it (Test/Cli/render-product-block.php), served with the
 * Content-Security-Policy of Magento 2.4.7's restrict mode (no 'unsafe-inline' scripts) plus the
 * VARAi host the module whitelists, in headless Chromium against a real gateway: the widget
 * loads and renders for the product, nothing violates the policy, and the attribution cookie is set.
 */

const ADMIN = { email: "root@varai.test", password: "root-password-for-magento-pdp-01" };
let gateway: TestGateway;
let sim: PlatformSimulator;
let storefront: http.Server;
let storefrontOrigin = "";
let browser: Browser | null = null;
let pageHtml = "";

const pdp = (block: string, title: string) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${title} - Luma</title>
<link rel="stylesheet" href="/static/pdp.css"></head>
<body><main class="page-main"><div class="product-info-main">
<h1 class="page-title"><span>${title}</span></h1>
<div class="price-box"><span class="price">$129.00</span></div>
<div class="box-tocart"><button class="action primary tocart" type="button">Add to Cart</button></div>
<div class="product-addto-links"><a href="#" class="action towishlist">Add to Wish List</a></div>
${block}
</div></main></body></html>`;

const CSS = `html{font-size:62.5%}body{font-size:1.4rem;font-family:'Open Sans','Helvetica Neue',Helvetica,Arial,sans-serif;color:#333;margin:0}
.page-main{max-width:640px;margin:30px auto;padding:0 20px}.page-title{font-weight:300;font-size:2.6rem;margin:0 0 20px}
.price{font-size:2.2rem;font-weight:600}.box-tocart{margin:20px 0}.action.primary{background:#1979c3;border:1px solid #1979c3;
color:#fff;font-weight:600;padding:14px 17px;font-size:1.8rem;border-radius:3px}.towishlist{color:#006bb4;font-size:1.3rem}
.varai-tryon{margin:20px 0}`;

beforeAll(async () => {
  requirePhpTools(["php"]);
  gateway = await startTestGateway({
    VARAI_ADMIN_EMAIL: ADMIN.email,
    VARAI_ADMIN_PASSWORD: ADMIN.password,
    VARAI_ALLOW_PRIVATE_UPSTREAMS: "true",
    PORT: String(await freePort()),
  });
  sim = await startPlatformSimulator({ magento: { products: 3 } });
  const token = (await gateway.call("POST", "/v1/auth/login", undefined, ADMIN)).body.accessToken;
  const tenant = await gateway.call("POST", "/v1/tenants", token, { name: "PDP Shop", region: "us" });
  const headers = { "x-varai-tenant": String(tenant.body.id ?? tenant.body.tenant?.id) };
  const call = (method: string, url: string, body?: unknown) => gateway.call(method, url, token, body, headers);
  const connection = await call("POST", "/v1/connections", {
    platform: "magento",
    name: "Magento PDP",
    storeUrl: "https://magento.example",
    apiBaseUrl: sim.baseUrl("magento"),
    credentials: {
      consumerKey: sim.magento.consumerKey,
      consumerSecret: sim.magento.consumerSecret,
      accessToken: sim.magento.accessToken,
      accessTokenSecret: sim.magento.accessTokenSecret,
    },
    webhookSecret: sim.magento.webhookSecret,
  });
  expect(connection.status).toBe(201);
  await vi.waitFor(async () => expect((await call("GET", "/v1/products?limit=10")).body.items?.length).toBe(3), {
    timeout: 60_000,
    interval: 250,
  });

  storefront = http.createServer((req, res) => {
    const policy = [
      "default-src 'self'",
      `script-src 'self' ${gateway.base}`,
      `connect-src 'self' ${gateway.base}`,
      // The store's own media host (the simulator's product images); on a real store it is 'self' or its CDN.
      `img-src 'self' ${gateway.base} https://magento.example data: blob:`,
      "style-src 'self' 'unsafe-inline'",
    ].join("; ");
    if (req.url === "/static/Varai_TryOn/js/varai-session.js") {
      res.writeHead(200, { "content-type": "text/javascript" });
      return res.end(readFileSync(path.join(MODULE_ROOT, "view/frontend/web/js/varai-session.js")));
    }
    if (req.url === "/static/pdp.css") {
      res.writeHead(200, { "content-type": "text/css" });
      return res.end(CSS);
    }
    res.writeHead(200, { "content-type": "text/html; charset=utf-8", "content-security-policy": policy });
    res.end(pageHtml);
  });
  await new Promise<void>((resolve) => storefront.listen(0, "127.0.0.1", resolve));
  storefrontOrigin = `http://127.0.0.1:${(storefront.address() as AddressInfo).port}`;

  const key = await call("POST", "/v1/api-keys", { kind: "publishable", allowedOrigins: [storefrontOrigin] });
  expect(key.status, JSON.stringify(key.body)).toBe(201);
  const block = await runInModuleAsync(
    "php",
    ["Test/Cli/render-product-block.php"],
    JSON.stringify({
      apiUrl: gateway.base,
      publishableKey: key.body.key,
      sku: sim.magento.sku(1),
      staticBaseUrl: `${storefrontOrigin}/static/`,
    }),
  );
  expect(block.stderr).toBe("");
  pageHtml = pdp(block.stdout, sim.magento.store.products.get(1)!.title);
  if (existsSync(CHROMIUM)) browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  if (storefront) await new Promise((resolve) => storefront.close(resolve));
  await sim?.close();
  if (gateway) await stopTestGateway(gateway);
});

describe("the product page block in Chromium under a restrict-mode CSP", () => {
  it("loads the widget for the product with no CSP violation and sets the attribution cookie", async () => {
    expect(browser, `Chromium is needed at ${CHROMIUM} (bash scripts/setup.sh test installs it)`).not.toBeNull();
    const page = await browser!.newPage({ viewport: { width: 720, height: 560 } });
    await page.addInitScript(() => {
      const w = window as unknown as { violations: string[] };
      w.violations = [];
      document.addEventListener("securitypolicyviolation", (e) =>
        w.violations.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}`),
      );
    });
    await page.goto(storefrontOrigin);
    const button = page.locator("varai-try-on").locator("button").first();
    await button.waitFor({ state: "visible", timeout: 20_000 });
    // The widget has the product: the publishable key, the origin and the SKU lookup all worked.
    await vi.waitFor(async () => expect(await button.isEnabled()).toBe(true), { timeout: 10_000 });
    await page.screenshot({ path: screenshotPath("magento-module-pdp"), fullPage: true });
    // Opening it shows this product: the widget looked it up by the SKU the block rendered.
    await button.click();
    const dialog = page.locator("varai-try-on").locator("dialog[open], [role=dialog]").first();
    await dialog.waitFor({ state: "visible", timeout: 10_000 });
    expect(await dialog.textContent()).toContain(sim.magento.store.products.get(1)!.title);
    await page.screenshot({ path: screenshotPath("magento-module-pdp-dialog") });

    // None at all: the widget kit sets zod's jitless config, so not even its `new Function` probe.
    const violations = await page.evaluate(() => (window as unknown as { violations: string[] }).violations);
    expect(violations).toEqual([]);
    const session = await page.evaluate(() => sessionStorage.getItem("varai:session"));
    expect(session).toMatch(/^ses_[a-z0-9]+$/);
    const cookies = await page.context().cookies(storefrontOrigin);
    expect(cookies.find((c) => c.name === "varai_session")).toMatchObject({ value: session, sameSite: "Lax" });
    await page.close();
  }, 60_000);
});

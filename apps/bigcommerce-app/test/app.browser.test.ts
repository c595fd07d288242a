import { mkdir, readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { type Browser, chromium, type Frame, type Page } from "playwright-core";
import { build } from "vite";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type AppHarness, bootOf, PUBLIC_BASE, startAppHarness, until } from "./test-harness.ts";

/**
 * The app as a merchant meets it: the view in a control-panel page on another origin (the
 * configured login host's, which the view's frame-ancestors allow), in headless Chromium, against
 * the whole gateway and the simulated BigCommerce. Then the storefront: a simulated Stencil
 * product page rendering the store's footer scripts shows the try-on. Screenshots go to
 * test-artifacts/bigcommerce-app/ (repository root); axe-core checks each screen.
 */
const ROOT = path.resolve(import.meta.dirname, "../../..");
const SHOTS = path.join(ROOT, "test-artifacts/bigcommerce-app");
const STOREFRONT = "https://sim.mybigcommerce.com";
const axeSource = readFile(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

let h: AppHarness;
let browser: Browser;
const problems: string[] = [];

beforeAll(async () => {
  await build({ configFile: path.resolve(import.meta.dirname, "../vite.config.ts"), logLevel: "error" });
  await mkdir(SHOTS, { recursive: true });
  // A slow store (each API call 400 ms), so the onboarding screen is open while the sync runs.
  h = await startAppHarness(8, 400);
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    // The control panel page is fulfilled by the test (no address), so Chromium counts it as
    // public and would refuse its frame on 127.0.0.1; in production both sides are public hosts.
    args: ["--disable-features=LocalNetworkAccessChecks"],
  });
});
afterAll(async () => {
  await browser?.close();
  await h?.stop();
});

/** The page a failing test was on: its screenshot is kept as failed-<test>.png. */
let current: Page | null = null;
afterEach(async (ctx) => {
  if (ctx.task.result?.state === "fail" && current)
    await current.screenshot({
      path: path.join(SHOTS, `failed-${ctx.task.name.slice(0, 40).replace(/\W+/g, "-")}.png`),
      fullPage: true,
    });
});

async function newPage(): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 1000 } });
  const page = await context.newPage();
  current = page;
  page.on("pageerror", (error) => problems.push(`pageerror: ${error.message}`));
  page.on("console", (message) => {
    if (message.type() === "error" && /Content Security Policy|Uncaught|Refused/.test(message.text()))
      problems.push(`console: ${message.text()}`);
  });
  return page;
}

/** The control panel: a page on the login host's origin framing one of our callbacks. */
async function openInControlPanel(page: Page, callbackUrl: string): Promise<Frame> {
  const panel = `${h.sim.url}/manage/app/varai`;
  await page.route(panel, (route) =>
    route.fulfill({
      contentType: "text/html",
      body: `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>BigCommerce control panel</title></head>
<body style="margin:0;font-family:sans-serif"><header style="height:48px;background:#313440;color:#fff;padding:12px 24px">BigCommerce · Apps · VARAi</header>
<iframe id="app" title="VARAi app" src="${callbackUrl}" style="border:0;width:100%;height:1400px"></iframe></body></html>`,
    }),
  );
  await page.goto(panel);
  const frame = await (await page.locator("#app").elementHandle())?.contentFrame();
  if (!frame) throw new Error("the app frame did not load");
  return frame;
}

async function expectAccessible(frame: Frame, screen: string) {
  await frame.evaluate(await axeSource);
  const violations = await frame.evaluate(async () => {
    type Violation = { id: string; impact: string | null; nodes: Array<{ html: string }>; help: string };
    const result = await (window as unknown as { axe: { run(): Promise<{ violations: Violation[] }> } }).axe.run();
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      nodes: v.nodes.map((n) => n.html.slice(0, 200)),
      help: v.help,
    }));
  });
  const severe = violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  expect(severe, `${screen}: ${JSON.stringify(severe)}`).toEqual([]);
}

const shot = (page: Page, name: string) => page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });

describe("the admin UI in the control panel", () => {
  let page: Page;
  let frame: Frame;

  it("install: onboarding follows the sync to its end, the script is live", async () => {
    page = await newPage();
    const query = new URLSearchParams(h.sim.bigcommerce.app.authorize());
    frame = await openInControlPanel(page, `${h.gateway.base}/bigcommerce/auth?${query}`);
    await frame.getByRole("heading", { name: "VARAi virtual try-on" }).waitFor();
    await frame.getByText(/Sync finished: 8 products read/).waitFor({ timeout: 45_000 });
    await frame.getByText("Synced", { exact: true }).waitFor();
    await frame.getByText("Live", { exact: true }).waitFor();
    await frame.getByText(/of 8 frames are ready for try-on/).waitFor();
    await expectAccessible(frame, "onboarding");
    await shot(page, "onboarding-synced");
    expect(problems).toEqual([]);
  }, 90_000);

  it("catalog readiness lists the frames and what they lack", async () => {
    await frame.getByRole("tab", { name: "Catalog readiness" }).click();
    await frame.getByText("Frames", { exact: true }).first().waitFor();
    await expectAccessible(frame, "catalog");
    await shot(page, "catalog-readiness");
  }, 90_000);

  it("widget settings: the preview follows the draft, save stores it", async () => {
    await frame.getByRole("tab", { name: "Widget settings" }).click();
    const primary = frame.getByLabel("Primary colour");
    await primary.waitFor();
    await primary.fill("#b3261e");
    await frame.getByText("Frame finder", { exact: true }).click();
    const preview = frame.frameLocator('iframe[title^="Widget preview"]');
    await preview.locator("varai-try-on").waitFor({ timeout: 30_000 });
    await until(
      "the frame finder out of the preview",
      async () => (await preview.locator("varai-frame-finder").count()) === 0,
    );
    await frame.getByRole("button", { name: "Save" }).click();
    await frame.getByText(/^Saved\./).waitFor();
    await expectAccessible(frame, "widget settings");
    await shot(page, "widget-settings-saved");
    const boot = bootOf(await frame.content());
    const saved = await h.gateway.call("GET", "/v1/widget-settings", boot.session.accessToken);
    expect(saved.body.config.theme.primary).toBe("#b3261e");
    expect(saved.body.config.features.frameFinder).toBe(false);
    expect(problems).toEqual([]);
  }, 90_000);

  it("try-on impact shows its empty state before any shopper", async () => {
    await frame.getByRole("tab", { name: "Try-on impact" }).click();
    await frame
      .getByText(/No try-on activity yet|Try-ons/)
      .first()
      .waitFor();
    await expectAccessible(frame, "impact");
    await shot(page, "impact");
  }, 90_000);

  it("load by another user of the store opens the app for them", async () => {
    const staff = { id: 5151, email: "staff@sim-store.example" };
    const payload = h.sim.bigcommerce.app.signedPayload({ user: staff });
    const other = await newPage();
    const f = await openInControlPanel(other, `${h.gateway.base}/bigcommerce/load?signed_payload_jwt=${payload}`);
    await f.getByText(`signed in as ${staff.email}`, { exact: false }).waitFor();
    await f.getByText("Synced", { exact: true }).waitFor();
    await shot(other, "load-staff-user");
    await other.context().close();
  }, 90_000);
});

describe("the merchant's path end to end", () => {
  it("install -> catalog synced -> the storefront script present -> a Stencil product page shows the try-on", async () => {
    const bc = h.sim.bigcommerce;
    const script = await until("the loader script", async () => bc.app.scripts[0] ?? null);
    expect(bc.app.scripts).toHaveLength(1);
    expect(script).toMatchObject({ location: "footer", visibility: "storefront", auto_uninstall: true });
    // A single-variant frame: its product SKU is its variant's, as the theme shows it.
    const index = [...bc.store.products.values()].find((p) => p.variants.length === 1 && p.status === "active")!.index;
    const product = bc.restProduct(index) as { name: string; sku: string };
    const page = await newPage();
    // The storefront and our public host (PUBLIC_BASE_URL) are https names; the test routes them.
    await page.route(`${STOREFRONT}/**`, (route) =>
      route.fulfill({ contentType: "text/html", body: stencilProductPage(product, script.html) }),
    );
    await page.route(`${PUBLIC_BASE}/**`, async (route) => {
      const url = route.request().url().replace(PUBLIC_BASE, h.gateway.base);
      route.fulfill({ response: await route.fetch({ url }) });
    });
    await page.goto(`${STOREFRONT}/${encodeURIComponent(product.sku)}/`);
    const tryOn = page.locator("form[data-cart-item-add] + varai-try-on");
    await tryOn.waitFor();
    const open = tryOn.locator("button.open");
    await until("the try-on button enabled (product found by SKU)", () => open.isEnabled(), 30_000);
    await open.click();
    await tryOn.getByRole("dialog").waitFor();
    await until("the frame in the dialog", async () =>
      (await tryOn.locator(".frames button").first().textContent())?.includes(product.name),
    );
    await shot(page, "storefront-product-try-on");
    expect(problems).toEqual([]);
  }, 90_000);
});

/** A Cornerstone-like product page: the SKU and add-to-cart markup the mount reads, then {{footer.scripts}}. */
function stencilProductPage(product: { name: string; sku: string }, footerScripts: string): string {
  const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;");
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${esc(product.name)} - Sim Store</title></head>
<body style="font-family:sans-serif;max-width:960px;margin:24px auto">
<main class="productView"><h1 class="productView-title">${esc(product.name)}</h1>
<dl><dt>SKU:</dt><dd class="productView-info-value" data-product-sku>${esc(product.sku)}</dd></dl>
<form class="form" method="post" action="/cart.php" data-cart-item-add><input type="hidden" name="action" value="add">
<button type="button" class="button button--primary">Add to Cart</button></form></main>
${footerScripts}
</body></html>`;
}

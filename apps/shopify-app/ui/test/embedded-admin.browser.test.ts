import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { freePort, startTestGateway, stopTestGateway, type TestGateway } from "@varai/gateway/testing";
import { type PlatformSimulator, startPlatformSimulator } from "@varai/testkit";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";
import { build } from "vite";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { appBridgeStub } from "./app-bridge-stub.ts";

/**
 * The embedded admin in headless Chromium against the real gateway (every service, in process)
 * and the platform simulator's Shopify. App Bridge is stubbed at its `window.shopify` boundary
 * (./app-bridge-stub.ts). Screenshots: test-artifacts/shopify-app/ (repository root).
 */

const ROOT = path.resolve(import.meta.dirname, "../../../..");
const UI = path.resolve(import.meta.dirname, "..");
const SHOTS = path.join(ROOT, "test-artifacts/shopify-app");
const API_KEY = "test-api-key";

let gateway: TestGateway;
let sim: PlatformSimulator;
let browser: Browser;
let shop = "";
let merchantToken = "";
const problems: string[] = [];
const axeSource = readFile(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

async function api(method: string, url: string, token?: string, body?: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(`${gateway.base}${url}`, {
    method,
    headers: {
      ...headers,
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body === undefined ? {} : { "content-type": "application/json" }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null };
}

async function newPage(): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  await context.route("https://cdn.shopify.com/shopifycloud/app-bridge.js", (route) =>
    route.fulfill({ contentType: "text/javascript", body: appBridgeStub({ apiKey: API_KEY, shop }) }),
  );
  // App Bridge's session token: an HS256 JWT signed with the app secret, as Shopify's admin mints them.
  await context.exposeBinding("__sessionToken", () => sim.shopify.app.sessionToken());
  const page = await context.newPage();
  page.on("pageerror", (error) => problems.push(`pageerror: ${error.message}`));
  page.on("response", (r) => {
    if (r.status() >= 400) console.log("DBG", r.status(), r.url());
  });
  page.on("console", (m) => console.log("DBGC", m.type(), m.text()));
  page.on("websocket", (ws) => {
    console.log("DBGWS", ws.url());
    ws.on("close", () => console.log("DBGWS close"));
    ws.on("socketerror", (e) => console.log("DBGWS err", e));
  });
  page.on("console", (message) => {
    if (message.type() === "error" && /Content Security Policy|Uncaught|Warning/.test(message.text()))
      problems.push(`console: ${message.text()}`);
  });
  return { context, page };
}

async function expectAccessible(page: Page, screen: string) {
  await page.evaluate(await axeSource);
  const violations = await page.evaluate(async () => {
    type Violation = { id: string; impact: string | null; nodes: unknown[]; help: string };
    const result = await (window as unknown as { axe: { run(): Promise<{ violations: Violation[] }> } }).axe.run();
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.length, help: v.help }));
  });
  const severe = violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  expect(severe, `${screen}: ${JSON.stringify(severe)}`).toEqual([]);
}

const shot = (page: Page, name: string) => page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
const navigate = (page: Page, href: string) =>
  page.evaluate(
    (h) => (window as unknown as { __appBridge: { navigate(h: string): void } }).__appBridge.navigate(h),
    href,
  );

beforeAll(async () => {
  await build({ configFile: path.join(UI, "vite.config.ts"), logLevel: "error" });
  sim = await startPlatformSimulator({ shopify: { products: 120, latencyMs: 1500, app: { apiKey: API_KEY } } });
  shop = sim.shopify.shopDomain;
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  // The gateway mounts the Shopify app (key and secret set) against the simulator's Shopify.
  gateway = await startTestGateway({
    PORT: String(port),
    PUBLIC_BASE_URL: base,
    SHOPIFY_API_KEY: API_KEY,
    SHOPIFY_API_SECRET: sim.shopify.apiSecret,
    SHOPIFY_APP_URL: base,
    SHOPIFY_ADMIN_BASE_URL: sim.baseUrl("shopify"),
    VARAI_ALLOW_PRIVATE_UPSTREAMS: "true",
  });
  browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium" });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await sim?.close();
  if (gateway) await stopTestGateway(gateway);
  expect(problems).toEqual([]);
});

describe("the embedded admin, as the shop's merchant", () => {
  let page: Page;
  beforeAll(async () => {
    ({ page } = await newPage());
  });
  beforeEach(({ task, onTestFailed }) => {
    onTestFailed(async () => {
      await shot(page, `failed-${task.name.split(":")[0]}`);
    });
  });

  it("onboarding: the first sync shows live until it finishes, with the theme embed deep link and the checklist", async () => {
    // The merchant opens the app for the first time: no id_token yet, so the document bounces
    // through App Bridge (/shopify/auth/session-token), whose session token installs the shop
    // (token exchange, tenant, connection, key) and starts the backfill.
    const answers: string[] = [];
    page.on("response", (r) => {
      if (new URL(r.url()).pathname.startsWith("/shopify/")) answers.push(`${r.status()} ${new URL(r.url()).pathname}`);
    });
    await page.goto(`${gateway.base}/shopify/app?shop=${shop}&host=aG9zdA&embedded=1`);
    await page.waitForURL((url) => url.pathname === "/shopify/app" && url.searchParams.has("id_token"));
    expect(answers.slice(0, 3)).toEqual(["302 /shopify/app", "200 /shopify/auth/session-token", "200 /shopify/app"]);
    expect(new URL(page.url()).searchParams.get("id_token")).toBeTruthy();
    expect(sim.shopify.app.appStats.tokenExchanges).toBe(1);
    await page.evaluate(() => {
      const seen: string[] = [];
      (window as unknown as { syncStates: string[] }).syncStates = seen;
      new MutationObserver(() => {
        const text = document.querySelector(".sync-line")?.textContent;
        if (text && seen.at(-1) !== text) seen.push(text);
      }).observe(document.body, { subtree: true, childList: true, characterData: true });
    });
    await page.getByRole("heading", { name: "Get started with VARAi" }).waitFor();
    await page.getByText(/Syncing your products/).waitFor({ timeout: 20_000 });
    await shot(page, "01-onboarding-syncing");
    await page.getByText("Catalog synced: 120 products saved.").waitFor({ timeout: 45_000 });
    const states = await page.evaluate(() => (window as unknown as { syncStates: string[] }).syncStates);
    expect(states.some((s) => /Syncing your products \(running\): [1-9]/.test(s))).toBe(true);
    expect(states.at(-1)).toBe("Catalog synced: 120 products saved.");
    await page.getByText("1 of 4 steps completed").waitFor();
    // The theme editor deep link opens in the admin's top window.
    const editor = page.getByRole("link", { name: "Open the theme editor" });
    expect(await editor.getAttribute("href")).toBe(
      `https://${shop}/admin/themes/current/editor?context=apps&template=product&activateAppId=${API_KEY}/app-embed`,
    );
    expect(await editor.getAttribute("target")).toBe("_top");
    await page.getByText("0 of 120 frames are ready for try-on.").waitFor();
    // The token the embedded UI got, for checking through the API what the screens did.
    const session = await fetch(`${gateway.base}/shopify/api/session`, {
      method: "POST",
      headers: { authorization: `Bearer ${sim.shopify.app.sessionToken()}`, "content-type": "application/json" },
      body: "{}",
    });
    merchantToken = ((await session.json()) as { accessToken: string }).accessToken;
    await shot(page, "02-onboarding-synced");
    await expectAccessible(page, "onboarding");
    // The merchant turns the embed on in the theme editor and comes back: the server reads it from the theme.
    sim.shopify.app.appEmbedEnabled = true;
    await page.reload();
    await page.getByText("The app embed is on in your live theme.").waitFor({ timeout: 15_000 });
    await page.getByText("2 of 4 steps completed").waitFor();
    await shot(page, "02b-onboarding-embed-on");
  }, 150_000);

  it("catalog readiness: lists what frames lack and edits a frame's sizes through the frame API", async () => {
    await navigate(page, "/catalog");
    await page.getByRole("heading", { name: "Catalog readiness" }).waitFor();
    await page.getByRole("tab", { name: /Needs work \(120\)/ }).waitFor();
    await page.getByText("1-25 of 120").waitFor();
    await page.screenshot({ path: path.join(SHOTS, "03-catalog-readiness.png") });
    await expectAccessible(page, "catalog readiness");
    const first = (await api("GET", "/v1/products?limit=1", merchantToken)).body.items[0];
    const dialog = page.getByRole("dialog");
    // The admin reloads a screen by its own path: it bounces through App Bridge and comes back there.
    await page.reload();
    await page.getByRole("heading", { name: "Catalog readiness" }).waitFor();
    expect(new URL(page.url()).pathname).toBe("/shopify/app/catalog");
    await page.getByRole("button", { name: `Edit ${first.title}`, exact: true }).click();
    await dialog.getByLabel("Lens width").fill("500");
    await dialog.getByRole("button", { name: "Save frame" }).click();
    await dialog.getByText(/75/).first().waitFor();
    await shot(page, "04-catalog-edit-refused");
    await expectAccessible(page, "edit frame dialog");
    await dialog.getByLabel("Lens width").fill("53");
    await dialog.getByLabel("Bridge width").fill("19");
    await dialog.getByLabel("Temple length").fill("145");
    await dialog.getByRole("button", { name: "Save frame" }).click();
    // Saved once the catalog is read again (the modal closes then); slow on a loaded machine.
    await dialog.waitFor({ state: "detached", timeout: 60_000 });
    const row = page.getByRole("row").filter({ has: page.getByText(first.title, { exact: true }) });
    await row.getByText("53-19-145").waitFor();
    await page.screenshot({ path: path.join(SHOTS, "05-catalog-edited.png") });
    const saved = (await api("GET", `/v1/products?limit=1`, merchantToken)).body.items[0];
    expect(saved.frame.dimensions).toMatchObject({ lensWidthMm: 53, bridgeWidthMm: 19, templeLengthMm: 145 });
  }, 120_000);

  it("widget settings: the preview shows the draft, and once saved /widget/config serves it", async () => {
    // The publishable key provisioning gave the shop, as the theme embed reads it (app metafield).
    const pk = sim.shopify.app.appMetafields.get("varai.publishable_key") ?? "";
    const served = async () =>
      (await api("GET", "/widget/config", undefined, undefined, { "x-varai-key": pk, origin: `https://${shop}` })).body
        .theme.primary;
    const before = await served();
    await navigate(page, "/widget");
    await page.getByRole("heading", { name: "Widget settings" }).waitFor();
    const primary = page.getByLabel("Primary colour");
    await primary.fill("red;} body{display:none");
    await page.getByRole("button", { name: "Save" }).click();
    await page.getByText("not a CSS value").waitFor();
    await shot(page, "06-widget-invalid");
    await primary.fill("#008060");
    const widget = page.frameLocator('iframe[title^="Widget preview"]').locator("varai-try-on");
    const widgetPrimary = () =>
      widget.evaluate((el) => {
        const tab = el.shadowRoot?.querySelector('[role="tab"][aria-selected="true"]');
        return tab ? getComputedStyle(tab).backgroundColor : null;
      });
    await expect.poll(widgetPrimary, { timeout: 15_000 }).toBe("rgb(0, 128, 96)");
    expect(await served()).toBe(before);
    await shot(page, "07-widget-preview-draft");
    await expectAccessible(page, "widget settings");
    await page.getByRole("button", { name: "Save" }).click();
    await page.getByText("Settings saved").waitFor();
    expect(await served()).toBe("#008060");
    await shot(page, "08-widget-saved");
  }, 60_000);

  it("try-on impact: the analytics summary, moving live as events arrive", async () => {
    await navigate(page, "/impact");
    await page.getByRole("heading", { name: "Try-on impact" }).waitFor();
    await page.getByText("No shopper has used try-on in this period yet.").waitFor();
    await shot(page, "09-impact-empty");
    await expectAccessible(page, "impact (empty)");
    // Two shoppers see the widget; one tries a frame on and buys it.
    const product = (await api("GET", "/v1/products?limit=1", merchantToken)).body.items[0];
    const at = new Date().toISOString();
    const event = (n: number, type: string, sessionId: string, extra: Record<string, unknown> = {}) => ({
      id: `evt-impact-${n}-${Date.now()}`,
      type,
      sessionId,
      occurredAt: at,
      ...extra,
    });
    const events = [
      event(1, "widget_shown", "sess-a", { productId: product.id }),
      event(2, "try_on_started", "sess-a", { productId: product.id }),
      event(3, "purchase", "sess-a", { productId: product.id, properties: { value: 129, currency: "USD" } }),
      event(4, "widget_shown", "sess-b", { productId: product.id }),
    ];
    const pk = sim.shopify.app.appMetafields.get("varai.publishable_key") ?? "";
    const sent = await api(
      "POST",
      "/v1/events",
      undefined,
      { events },
      { "x-varai-key": pk, origin: `https://${shop}` },
    );
    expect(sent.status).toBe(202);
    const metric = (label: string) =>
      page.getByRole("heading", { name: label, exact: true }).locator("xpath=following-sibling::p[1]");
    await expect.poll(() => metric("Try-ons").textContent(), { timeout: 15_000 }).toBe("1");
    expect(await metric("Orders").textContent()).toBe("1");
    expect(await metric("Conversion with try-on").textContent()).toBe("100.0 %");
    await page.getByRole("table").getByText(product.title, { exact: true }).waitFor();
    // Two sessions prove nothing: no claim of significance.
    await page.getByText("Not yet conclusive").waitFor();
    await page.getByText("$129.00").waitFor();
    await shot(page, "10-impact-live");
    await expectAccessible(page, "impact");
  }, 60_000);

  it("plan and billing: the plans, and choosing Pro opens Shopify's approval page in the top window", async () => {
    await navigate(page, "/billing");
    await page.getByRole("heading", { name: "Plan and billing" }).waitFor();
    await page.getByText("Current plan").waitFor();
    await shot(page, "11-billing");
    await expectAccessible(page, "billing");
    await page.getByRole("button", { name: "Choose VARAi Pro" }).click();
    await expect
      .poll(
        () => page.evaluate(() => (window as unknown as { __appBridge: { opened: unknown[] } }).__appBridge.opened),
        {
          timeout: 15_000,
        },
      )
      .toEqual([{ url: expect.stringContaining("/admin/charges/"), target: "_top" }]);
    // A test charge (development), approved on Shopify's page: back in the app, Pro is the plan.
    const [charge] = sim.shopify.app.subscriptions;
    expect(charge).toMatchObject({ name: "VARAi Pro", status: "PENDING", test: true });
    sim.shopify.app.decideSubscription(charge?.id ?? "", true);
    await page.reload();
    // The badge names the paid plan's Shopify status; only the current plan has it.
    await page.getByText("Current plan (active)").waitFor({ timeout: 15_000 });
    expect(await page.getByRole("button", { name: /^Choose/ }).count()).toBe(0);
    await shot(page, "12-billing-pro");
  }, 60_000);
});

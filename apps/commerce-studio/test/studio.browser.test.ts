import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { startTestGateway, stopTestGateway, type TestGateway } from "@varai/gateway/testing";
import { type PlatformSimulator, startPlatformSimulator } from "@varai/testkit";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";
import { build } from "vite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/**
 * Studio in headless Chromium against the real gateway (every service, in process) and the
 * platform simulator: what a tenant admin and a viewer do. Screenshots go to
 * test-artifacts/studio/ (repository root); axe-core checks every screen.
 */

const ROOT = path.resolve(import.meta.dirname, "../../..");
const SHOTS = path.join(ROOT, "test-artifacts/studio");
const ADMIN = { email: "root@varai.test", password: "root-password-for-tests-0001" };
const OWNER = { email: "owner@studio.test", password: "pw-owner-long-enough-0001" };
const VIEWER = { email: "viewer@studio.test", password: "pw-viewer-long-enough-0001" };
const ORIGIN = "https://studio-shop.test";

let gateway: TestGateway;
let sim: PlatformSimulator;
let browser: Browser;
let pk = "";
let ownerToken = "";
let viewerToken = "";
/** Browser-side problems: page errors and CSP violations fail the suite. */
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
  const page = await context.newPage();
  page.on("pageerror", (error) => problems.push(`pageerror: ${error.message}`));
  page.on("console", (message) => {
    if (message.type() === "error" && /Content Security Policy|Uncaught/.test(message.text()))
      problems.push(`console: ${message.text()}`);
  });
  return { context, page };
}

async function login(page: Page, who: { email: string; password: string }) {
  await page.goto(`${gateway.base}/studio/`);
  await page.getByLabel("Email").fill(who.email);
  await page.getByLabel("Password").fill(who.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("navigation", { name: "Screens" }).waitFor();
}

/** axe-core in the page (evaluated over CDP, so the page's CSP stays in force). */
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

beforeAll(async () => {
  await build({ root: path.resolve(import.meta.dirname, ".."), logLevel: "error" });
  gateway = await startTestGateway({
    VARAI_ADMIN_EMAIL: ADMIN.email,
    VARAI_ADMIN_PASSWORD: ADMIN.password,
    VARAI_ALLOW_PRIVATE_UPSTREAMS: "true",
  });
  sim = await startPlatformSimulator({ woocommerce: { products: 24, latencyMs: 300 } });
  const root = (await api("POST", "/v1/auth/login", undefined, ADMIN)).body.accessToken;
  const tenant = await api("POST", "/v1/tenants", root, { name: "Studio Shop", region: "us" });
  await api("POST", `/v1/tenants/${tenant.body.id}/users`, root, { ...OWNER, role: "tenant_admin" });
  await api("POST", `/v1/tenants/${tenant.body.id}/users`, root, { ...VIEWER, role: "viewer" });
  ownerToken = (await api("POST", "/v1/auth/login", undefined, OWNER)).body.accessToken;
  viewerToken = (await api("POST", "/v1/auth/login", undefined, VIEWER)).body.accessToken;
  pk = (await api("POST", "/v1/api-keys", ownerToken, { kind: "publishable", allowedOrigins: [ORIGIN] })).body.key;
  browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium" });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await sim?.close();
  if (gateway) await stopTestGateway(gateway);
  expect(problems).toEqual([]);
});

describe("Commerce Studio, as a tenant admin", () => {
  let page: Page;
  beforeAll(async () => {
    ({ page } = await newPage());
  });

  it("logs in and shows the empty connections screen", async () => {
    await page.goto(`${gateway.base}/studio/`);
    await page.getByRole("button", { name: "Sign in" }).waitFor();
    await shot(page, "01-login");
    await expectAccessible(page, "login");
    await login(page, OWNER);
    await page.getByText("No store is connected yet.").waitFor();
    await expect
      .poll(() =>
        page
          .getByRole("status")
          .filter({ hasText: /^Live$/ })
          .count(),
      )
      .toBe(1);
    await shot(page, "02-connections-empty");
    await expectAccessible(page, "connections (empty)");
  }, 60_000);

  it("connects a simulated store and watches its sync progress live to completion", async () => {
    await page.getByRole("button", { name: "Add a store" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByLabel("Name").fill("Simulated Woo");
    await dialog.getByLabel("Store URL").fill("https://studio-shop.test");
    await dialog.getByLabel("Consumer key").fill(sim.woocommerce.consumerKey);
    await dialog.getByLabel("Consumer secret").fill(sim.woocommerce.consumerSecret);
    await dialog.getByLabel("Webhook secret").fill(sim.woocommerce.webhookSecret);
    await dialog.getByLabel("API base URL (optional)").fill(sim.baseUrl("woocommerce"));
    await shot(page, "03-add-store");
    await expectAccessible(page, "add store dialog");
    // Record every state the sync line shows, to prove it moved without a reload.
    await page.evaluate(() => {
      const seen: string[] = [];
      (window as unknown as { syncStates: string[] }).syncStates = seen;
      new MutationObserver(() => {
        const text = document.querySelector(".sync-status")?.textContent;
        if (text && seen.at(-1) !== text) seen.push(text);
      }).observe(document.body, { subtree: true, childList: true, characterData: true });
    });
    await dialog.getByRole("button", { name: "Connect" }).click();
    await page.getByText(/sync (queued|running)/).waitFor({ timeout: 15_000 });
    await shot(page, "04-sync-in-progress");
    await page.getByText("Last full sync succeeded: 24 written, 0 failed").waitFor({ timeout: 30_000 });
    const states = await page.evaluate(() => (window as unknown as { syncStates: string[] }).syncStates);
    expect(states.some((s) => /sync (queued|running)/.test(s))).toBe(true);
    expect(states.at(-1)).toContain("succeeded");
    await shot(page, "05-sync-done");
    await expectAccessible(page, "connections");
  }, 60_000);

  it("searches the catalog, refuses a bad size in the form, and edits a frame's dimensions", async () => {
    await page.getByRole("link", { name: "Catalog" }).click();
    const rows = page.locator("tbody tr");
    await expect.poll(() => rows.count(), { timeout: 15_000 }).toBe(24);
    const first = (await api("GET", "/v1/products?limit=1", ownerToken)).body.items[0];
    await page.getByLabel("Search").fill(first.title);
    await expect.poll(() => rows.count()).toBeLessThan(24);
    await shot(page, "06-catalog-search");
    await expectAccessible(page, "catalog");

    const row = page.locator(`tr[data-product-id="${first.id}"]`);
    await row.getByRole("button", { name: /Edit frame/ }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByLabel("Lens width (mm)").fill("500");
    await dialog.getByRole("button", { name: "Save" }).click();
    await dialog.getByText(/less than or equal to 75|<=75|at most 75/i).waitFor();
    await shot(page, "07-frame-invalid");
    await dialog.getByLabel("Lens width (mm)").fill("53");
    await dialog.getByLabel("Bridge width (mm)").fill("19");
    await dialog.getByLabel("Temple length (mm)").fill("145");
    await dialog.getByRole("button", { name: "Save" }).click();
    await dialog.waitFor({ state: "detached" });
    await expect.poll(() => row.locator(".size").textContent()).toBe("53-19-145");
    const stored = (await api("GET", `/v1/products/${first.id}`, ownerToken)).body;
    expect(stored.frame.dimensions).toMatchObject({ lensWidthMm: 53, bridgeWidthMm: 19, templeLengthMm: 145 });
    await shot(page, "08-frame-edited");
  }, 60_000);

  it("shows analytics moving live as events arrive, without a reload", async () => {
    await page.getByRole("link", { name: "Analytics" }).click();
    const shown = page.locator('[data-metric="widgetShown"] .metric-value');
    await expect.poll(() => shown.textContent(), { timeout: 15_000 }).toBe("0");
    await shot(page, "09-analytics-before");
    const now = new Date().toISOString();
    const events = ["s1", "s2", "s3"].map((sessionId) => ({
      id: `evt-${sessionId}-${Date.now()}`,
      type: "widget_shown",
      sessionId,
      occurredAt: now,
    }));
    const sent = await api("POST", "/v1/events", undefined, { events }, { "x-varai-key": pk, origin: ORIGIN });
    expect(sent.status).toBe(202);
    await expect.poll(() => shown.textContent(), { timeout: 15_000 }).toBe("3");
    await page.getByText(/Updated live at/).waitFor();
    await shot(page, "10-analytics-live");
    await expectAccessible(page, "analytics");
  }, 60_000);

  it("changes widget settings: the preview and /widget/config follow; a bad colour is refused", async () => {
    await page.getByRole("link", { name: "Widget settings" }).click();
    const primary = page.getByLabel("Primary colour");
    await primary.fill("red;} body{display:none");
    await page.getByRole("button", { name: "Save settings" }).click();
    await page.getByText("not a CSS value").waitFor();
    await shot(page, "11-widget-invalid");
    await primary.fill("#aa0055");
    const previewButton = page.getByRole("figure", { name: "Preview" }).getByRole("button");
    await expect.poll(() => previewButton.evaluate((b) => getComputedStyle(b).backgroundColor)).toBe("rgb(170, 0, 85)");
    await page.getByRole("button", { name: "Save settings" }).click();
    await page.getByText("Saved as version 1.").waitFor();
    const served = await api("GET", "/widget/config", undefined, undefined, { "x-varai-key": pk, origin: ORIGIN });
    expect(served.body.theme.primary).toBe("#aa0055");
    await shot(page, "12-widget-saved");
    await expectAccessible(page, "widget settings");
  }, 60_000);
});

describe("Commerce Studio, as a viewer", () => {
  it("shows every screen read-only, and the API refuses the viewer's changes anyway", async () => {
    const { page } = await newPage();
    await login(page, VIEWER);
    await page.getByRole("heading", { name: "Simulated Woo" }).waitFor();
    expect(await page.getByRole("button", { name: /Add a store|sync/i }).count()).toBe(0);
    await shot(page, "13-viewer-connections");

    await page.getByRole("link", { name: "Catalog" }).click();
    await expect.poll(() => page.locator("tbody tr").count(), { timeout: 15_000 }).toBe(24);
    expect(await page.getByRole("button", { name: /Edit frame/ }).count()).toBe(0);
    await shot(page, "14-viewer-catalog");

    await page.getByRole("link", { name: "Widget settings" }).click();
    await page.getByLabel("Primary colour").waitFor();
    expect(await page.getByRole("button", { name: "Save settings" }).count()).toBe(0);
    expect(await page.getByLabel("Primary colour").getAttribute("readonly")).not.toBeNull();
    await shot(page, "15-viewer-widget-settings");
    await expectAccessible(page, "viewer widget settings");

    const product = (await api("GET", "/v1/products?limit=1", viewerToken)).body.items[0];
    expect((await api("PATCH", `/v1/products/${product.id}/frame`, viewerToken, { shape: "round" })).status).toBe(403);
    expect((await api("PUT", "/v1/widget-settings", viewerToken, { version: 1, config: {} })).status).toBe(403);
  }, 60_000);
});

import { readFile, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { DEMO_FRAMES, type DemoFrame, renderFrameArt } from "@varai/demo";
import { freePort, startTestGateway, stopTestGateway, type TestGateway } from "@varai/gateway/testing";
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
/** A tenant admin of a second, empty tenant: the newcomer of the default install. */
const NEWCOMER = { email: "newcomer@studio.test", password: "pw-newcomer-long-enough-01" };
const ORIGIN = "https://studio-shop.test";

let gateway: TestGateway;
let sim: PlatformSimulator;
let browser: Browser;
let pk = "";
let ownerToken = "";
let viewerToken = "";
/** Serves a real frame packshot to ml, for the catalog's try-on asset test. */
let imageHost: Server | undefined;
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

/** axe-core inside a frame (the widget preview): axe in the page does not reach into frames. */
async function expectFrameAccessible(page: Page, selector: string, screen: string) {
  const frame = await (await page.locator(selector).elementHandle())?.contentFrame();
  if (!frame) throw new Error(`${screen}: no frame ${selector}`);
  await frame.evaluate(await axeSource);
  const violations = await frame.evaluate(async () => {
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
    // The manual connection below points at the test's own simulator on 127.0.0.1.
    VARAI_ALLOW_PRIVATE_UPSTREAMS: "true",
    // The default install's "connect a simulated store"; PORT so its webhooks reach this gateway.
    DEMO: "true",
    PORT: String(await freePort()),
  });
  sim = await startPlatformSimulator({ woocommerce: { products: 24, latencyMs: 300 } });
  const root = (await api("POST", "/v1/auth/login", undefined, ADMIN)).body.accessToken;
  const tenant = await api("POST", "/v1/tenants", root, { name: "Studio Shop", region: "us" });
  await api("POST", `/v1/tenants/${tenant.body.id}/users`, root, { ...OWNER, role: "tenant_admin" });
  await api("POST", `/v1/tenants/${tenant.body.id}/users`, root, { ...VIEWER, role: "viewer" });
  const fresh = await api("POST", "/v1/tenants", root, { name: "Newcomer Optics", region: "us" });
  await api("POST", `/v1/tenants/${fresh.body.id}/users`, root, { ...NEWCOMER, role: "tenant_admin" });
  ownerToken = (await api("POST", "/v1/auth/login", undefined, OWNER)).body.accessToken;
  viewerToken = (await api("POST", "/v1/auth/login", undefined, VIEWER)).body.accessToken;
  pk = (await api("POST", "/v1/api-keys", ownerToken, { kind: "publishable", allowedOrigins: [ORIGIN] })).body.key;
  browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium" });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await sim?.close();
  imageHost?.close();
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
    // The platform admin's screens are not a tenant admin's.
    expect(await page.getByRole("link", { name: /^(Tenants|All tenants' health)$/ }).count()).toBe(0);
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

  it("adds a store by hand: the form validates with the API's schema, then its sync completes live", async () => {
    await page.getByRole("button", { name: "Add a store" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByLabel("Name").fill("Simulated Woo");
    // The form validates with the API's own schema: a malformed URL never leaves the page.
    let posted = 0;
    page.on("request", (r) => {
      if (r.method() === "POST" && new URL(r.url()).pathname === "/v1/connections") posted++;
    });
    await dialog.getByLabel("Store URL").fill("studio-shop");
    await dialog.getByLabel("Consumer key").fill("ck");
    await dialog.getByLabel("Consumer secret").fill("cs");
    await dialog.getByLabel("Webhook secret").fill("ws");
    await dialog.getByRole("button", { name: "Connect" }).click();
    await dialog.getByText("Invalid URL").waitFor({ timeout: 5_000 });
    expect(posted).toBe(0);
    await shot(page, "03-add-store-invalid");
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

  it("makes a one-time link code for a plugin store, shown once", async () => {
    await page.getByRole("button", { name: "Link a plugin store" }).click();
    const shown = page.getByRole("alertdialog");
    const code = (await shown.getByTestId("link-code").textContent()) ?? "";
    expect(code).toMatch(/^vlc_[A-Za-z0-9_-]{24}$/);
    await shot(page, "05b-link-code");
    await expectAccessible(page, "link code dialog");
    await shown.getByRole("button", { name: "Done" }).click();
    await shown.waitFor({ state: "detached" });
    // A second press makes a different code (each works once).
    await page.getByRole("button", { name: "Link a plugin store" }).click();
    const next = (await page.getByRole("alertdialog").getByTestId("link-code").textContent()) ?? "";
    expect(next).toMatch(/^vlc_/);
    expect(next).not.toBe(code);
    await page.getByRole("alertdialog").getByRole("button", { name: "Done" }).click();
  }, 30_000);

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

  it("previews a ready product's cut-out frame, re-prepares its asset live, and a try-on follows an edited frame width", async () => {
    await page.getByLabel("Search").fill("");
    const first = (await api("GET", "/v1/products?limit=1", ownerToken)).body.items[0];
    const status = async () => (await api("GET", `/v1/products/${first.id}`, ownerToken)).body.tryOn;
    // The simulator's photos live on a host that does not exist: this product gets a real frame
    // packshot (a demo frame's, served here on 127.0.0.1) through a sync, so ml can cut it out.
    const packshot = (await renderFrameArt(DEMO_FRAMES[0] as DemoFrame)).photo;
    imageHost = createServer((_req, res) => res.writeHead(200, { "content-type": "image/png" }).end(packshot));
    await new Promise<void>((resolve) => imageHost?.listen(0, "127.0.0.1", resolve));
    const imageUrl = `http://127.0.0.1:${(imageHost.address() as AddressInfo).port}/front.png`;
    const index = sim.woocommerce.indexOf(first.source.externalId);
    sim.woocommerce.store.updateProduct(index, { images: [{ url: imageUrl, alt: "front" }] });
    const connection = (await api("GET", "/v1/connections", ownerToken)).body.items[0];
    expect((await api("POST", `/v1/connections/${connection.id}/sync`, ownerToken, { mode: "full" })).status).toBe(202);
    await expect.poll(async () => (await status()).assetStatus, { timeout: 30_000 }).toBe("ready");
    const row = page.locator(`tr[data-product-id="${first.id}"]`);
    const preview = row.getByRole("img", { name: `Cut-out frame of ${first.title}` });
    await preview.waitFor({ timeout: 15_000 });
    // Loaded with the session's token as a blob URL: a real PNG, not a broken image.
    await expect
      .poll(() => preview.evaluate((img: HTMLImageElement) => (img.complete ? img.naturalWidth : 0)))
      .toBeGreaterThan(0);
    expect(await preview.getAttribute("src")).toMatch(/^blob:/);

    // Re-run the preparation: the badge moves to pending and back to ready without a reload.
    const before = (await status()).assetId;
    await page.evaluate((id) => {
      const seen: string[] = [];
      (window as unknown as { assetStates: string[] }).assetStates = seen;
      new MutationObserver(() => {
        const text = document.querySelector(`tr[data-product-id="${id}"] .badge`)?.textContent;
        if (text && seen.at(-1) !== text) seen.push(text);
      }).observe(document.body, { subtree: true, childList: true, characterData: true });
    }, first.id);
    await row.getByRole("button", { name: `Re-prepare try-on of ${first.title}` }).click();
    await expect.poll(async () => (await status()).assetId, { timeout: 30_000 }).not.toBe(before);
    await expect.poll(() => row.locator(".badge").textContent(), { timeout: 15_000 }).toBe("ready");
    const states = await page.evaluate(() => (window as unknown as { assetStates: string[] }).assetStates);
    expect(states).toContain("pending");
    expect(states.at(-1)).toBe("ready");
    await preview.waitFor();
    await shot(page, "08b-catalog-asset-preview");
    await expectAccessible(page, "catalog with previews");
    expect((await api("POST", `/v1/products/${first.id}/try-on-asset`, viewerToken)).status).toBe(403);

    // A new frame width in the dialog: the catalog shows it, and the next try-on places the frame at it.
    const width = (await status()).frameWidthMm === 146 ? 147 : 146;
    await row.getByRole("button", { name: /Edit frame/ }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByLabel("Frame width (mm)").fill(String(width));
    await dialog.getByRole("button", { name: "Save" }).click();
    await dialog.waitFor({ state: "detached" });
    await expect.poll(() => row.locator(".frame-width").textContent()).toBe(String(width));
    const tryOn = async () => {
      const form = new FormData();
      form.append("productId", first.id);
      const photo = await readFile(path.join(ROOT, "test-artifacts/photos/astronaut.png"));
      form.append("photo", new Blob([photo], { type: "image/png" }), "astronaut.png");
      const response = await fetch(`${gateway.base}/v1/try-on`, {
        method: "POST",
        headers: { "x-varai-key": pk, origin: ORIGIN, accept: "application/json" },
        body: form,
      });
      return response.status === 200 ? ((await response.json()) as { fit: { frameWidthMm: number } }) : null;
    };
    await expect.poll(async () => (await tryOn())?.fit.frameWidthMm, { timeout: 30_000 }).toBe(width);
    await shot(page, "08c-frame-width-edited");
  }, 90_000);

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
    const servedPrimary = async () =>
      (await api("GET", "/widget/config", undefined, undefined, { "x-varai-key": pk, origin: ORIGIN })).body.theme
        .primary;
    const before = await servedPrimary();
    const primary = page.getByLabel("Primary colour");
    await primary.fill("red;} body{display:none");
    await page.getByRole("button", { name: "Save settings" }).click();
    await page.getByText("not a CSS value").waitFor();
    await shot(page, "11-widget-invalid");
    await primary.fill("#aa0055");
    // The real try-on element, loaded by /widget/varai.js in the sandboxed preview frame, in the draft colour.
    const widget = page.frameLocator('iframe[title^="Widget preview"]').locator("varai-try-on");
    const widgetPrimary = () =>
      widget.evaluate((el) => {
        const tab = el.shadowRoot?.querySelector('[role="tab"][aria-selected="true"]');
        return tab ? getComputedStyle(tab).backgroundColor : null;
      });
    await expect.poll(widgetPrimary, { timeout: 15_000 }).toBe("rgb(170, 0, 85)");
    expect(await servedPrimary()).toBe(before);
    await shot(page, "12a-widget-preview-draft");
    await expectAccessible(page, "widget settings");
    await expectFrameAccessible(page, 'iframe[title^="Widget preview"]', "widget preview");
    await page.getByRole("button", { name: "Save settings" }).click();
    await page.getByText("Saved as version 1.").waitFor();
    expect(await servedPrimary()).toBe("#aa0055");
    await shot(page, "12-widget-saved");
  }, 60_000);
});

describe("Commerce Studio, the tenant admin's administration screens", () => {
  let page: Page;
  let tenantId = "";
  beforeAll(async () => {
    ({ page } = await newPage());
    tenantId = (await api("GET", "/v1/me", ownerToken)).body.user.tenantId;
    await login(page, OWNER);
  });

  it("creates an API key shown once, refuses a bad origin next to the field, and revokes a key", async () => {
    await page.getByRole("link", { name: "API keys" }).click();
    await expect.poll(() => page.locator("tbody tr").count(), { timeout: 15_000 }).toBe(1);
    await shot(page, "16-api-keys");
    await expectAccessible(page, "API keys");

    await page.getByRole("button", { name: "Create a key" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByLabel(/Allowed origins/).fill("https://new-shop.test/checkout");
    await dialog.getByRole("button", { name: "Create key" }).click();
    await dialog.getByText(/must be an origin like/).waitFor();
    await shot(page, "17-api-key-invalid");
    await expectAccessible(page, "create key dialog");
    await dialog.getByLabel(/Allowed origins/).fill("https://new-shop.test");
    await dialog.getByRole("button", { name: "Create key" }).click();

    const shown = page.getByRole("alertdialog");
    await shown.getByText("it is shown only this once").waitFor();
    const key = (await shown.getByTestId("new-key").textContent()) ?? "";
    expect(key).toMatch(/^pk_[A-Za-z0-9_-]{43}$/);
    await shot(page, "18-api-key-shown-once");
    await expectAccessible(page, "new key");
    const config = () =>
      api("GET", "/widget/config", undefined, undefined, { "x-varai-key": key, origin: "https://new-shop.test" });
    expect((await config()).status).toBe(200);
    await shown.getByRole("button", { name: "Done" }).click();
    await expect.poll(() => page.locator("tbody tr").count()).toBe(2);
    // Never listed again: the page knows the prefix only.
    expect(await page.content()).not.toContain(key);

    const prefix = `${key.slice(0, 11)}…`;
    await page.getByRole("button", { name: `Revoke ${prefix}` }).click();
    await page.getByRole("alertdialog").getByText("This cannot be undone").waitFor();
    await shot(page, "19-api-key-revoke-confirm");
    await page.getByRole("alertdialog").getByRole("button", { name: "Revoke key" }).click();
    await page
      .getByRole("row", { name: new RegExp(prefix) })
      .getByText(/^revoked/)
      .waitFor();
    expect((await config()).status).toBe(401);
    await shot(page, "20-api-key-revoked");
  }, 60_000);

  it("adds a user with a generated password, refuses a short password and a taken email, and changes a role", async () => {
    await page.getByRole("link", { name: "Users and roles" }).click();
    await page.getByRole("row", { name: /viewer@studio\.test/ }).waitFor({ timeout: 15_000 });
    expect(
      await page
        .getByRole("row", { name: /owner@studio\.test \(you\)/ })
        .getByRole("button")
        .count(),
    ).toBe(0);

    await page.getByRole("button", { name: "Add a user" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByLabel("Email").fill("staff@studio.test");
    await dialog.getByLabel(/^Password/).fill("short");
    await dialog.getByRole("button", { name: "Add user" }).click();
    await dialog.getByText(/>=12 characters/).waitFor();
    await shot(page, "21-user-invalid");
    await dialog.getByLabel(/^Password/).fill("");
    await dialog.getByRole("button", { name: "Add user" }).click();
    const shown = page.getByRole("alertdialog");
    const password = (await shown.getByTestId("generated-password").textContent()) ?? "";
    expect(password.length).toBeGreaterThanOrEqual(12);
    expect((await api("POST", "/v1/auth/login", undefined, { email: "staff@studio.test", password })).status).toBe(200);
    await shot(page, "22-user-generated-password");
    await shown.getByRole("button", { name: "Done" }).click();

    // The same email again: the API's 409 is shown next to the email field.
    await page.getByRole("button", { name: "Add a user" }).click();
    await dialog.getByLabel("Email").fill("staff@studio.test");
    await dialog.getByRole("button", { name: "Add user" }).click();
    await expect
      .poll(() => dialog.getByLabel("Email").evaluate((input) => (input as HTMLInputElement).validationMessage))
      .toMatch(/already|exists|taken/i);
    await shot(page, "22b-user-email-taken");
    await dialog.getByRole("button", { name: "Cancel" }).click();

    const row = page.getByRole("row", { name: /staff@studio\.test/ });
    await row.getByRole("button", { name: /Role of staff@studio\.test/ }).click();
    await page.getByRole("option", { name: "Viewer" }).click();
    await row.getByText("Now Viewer.").waitFor();
    const users = (await api("GET", `/v1/tenants/${tenantId}/users`, ownerToken)).body.items;
    expect(users.find((u: { email: string }) => u.email === "staff@studio.test").role).toBe("viewer");
    await shot(page, "23-users");
    await expectAccessible(page, "users");
  }, 60_000);

  it("pages through the audit log, newest first", async () => {
    await page.getByRole("link", { name: "Audit log" }).click();
    const rows = page.locator("tbody tr");
    await expect.poll(() => rows.count(), { timeout: 15_000 }).toBeGreaterThan(5);
    await page.getByRole("cell", { name: "PATCH /v1/tenants/:id/users/:userId" }).waitFor();
    await page.getByRole("cell", { name: "DELETE /v1/api-keys/:id" }).waitFor();
    await shot(page, "24-audit");
    await expectAccessible(page, "audit log");

    await page.getByRole("button", { name: /Per page/ }).click();
    await page.getByRole("option", { name: "10", exact: true }).click();
    await expect.poll(() => rows.count()).toBe(10);
    const firstOfPage1 = await rows.first().textContent();
    await page.getByRole("button", { name: "Older" }).click();
    await page.getByText("Page 2").waitFor();
    await expect.poll(() => rows.first().textContent()).not.toBe(firstOfPage1);
    await shot(page, "25-audit-page-2");
    await page.getByRole("button", { name: "Newer" }).click();
    await expect.poll(() => rows.first().textContent()).toBe(firstOfPage1);
  }, 60_000);

  it("exports and erases a shopper (after confirming), downloads a stored export, and bounds retention", async () => {
    const events = ["a", "b"].map((n) => ({
      id: `evt-shopper-${n}-${Date.now()}`,
      type: "widget_shown",
      sessionId: `sess-${n}`,
      shopperId: "shopper-42",
      occurredAt: new Date().toISOString(),
    }));
    const sent = await api(
      "POST",
      "/v1/events",
      undefined,
      { events, consent: true },
      { "x-varai-key": pk, origin: ORIGIN },
    );
    expect(sent.status).toBe(202);
    const stored = await gateway.auth.storePlatformExport(
      { kind: "shopper", tenantId, shopperId: "shopper-77" },
      { actor: { kind: "platform", id: "shopify" } },
      { platform: "shopify", dataRequestId: "9999" },
    );

    await page.getByRole("link", { name: "Privacy requests" }).click();
    await page.getByRole("button", { name: "Export data" }).click();
    await page.getByText("shopperId or email is required").waitFor();
    await page.getByLabel("Shopper email").fill("not-an-email");
    await page.getByRole("button", { name: "Export data" }).click();
    // The browser's own check of type="email" or the API schema's: either way, next to the field.
    await page.getByText(/Invalid email|include an '@'/i).waitFor();
    await shot(page, "26-privacy-invalid");
    await page.getByLabel("Shopper email").fill("");
    await page.getByLabel("Shopper id").fill("shopper-42");
    await page.getByRole("button", { name: "Export data" }).click();
    await page.getByText(/Export ready: [1-9]\d* records/).waitFor({ timeout: 15_000 });
    await shot(page, "27-privacy-exported");
    await expectAccessible(page, "privacy (export result)");

    await page.getByRole("button", { name: "Erase data…" }).click();
    const confirm = page.getByRole("alertdialog");
    await confirm.getByText("shopper-42").waitFor();
    await shot(page, "28-privacy-erase-confirm");
    await expectAccessible(page, "erase confirmation");
    await confirm.getByRole("button", { name: "Erase" }).click();
    await page.getByText(/Erased [1-9]\d* records/).waitFor({ timeout: 15_000 });
    const again = await api("POST", "/v1/privacy/export", ownerToken, { shopperId: "shopper-42" });
    expect(Object.values(again.body.data as Record<string, unknown[]>).flat()).toEqual([]);

    const exportRow = page.locator(`tr[data-export-id="${stored.id}"]`);
    const download = page.waitForEvent("download");
    await exportRow.getByRole("button", { name: `Download export ${stored.id}` }).click();
    const file = await download;
    expect(file.suggestedFilename()).toBe(`${stored.id}.json`);
    const saved = JSON.parse(await readFile((await file.path()) as string, "utf8"));
    expect(saved.subject).toMatchObject({ kind: "shopper", shopperId: "shopper-77" });
    await expect.poll(() => exportRow.locator(".downloads").textContent()).toBe("1");

    const face = page.getByLabel(/Face data/);
    await face.fill("45");
    await page.getByRole("button", { name: "Save retention" }).click();
    await page.getByText(/<=30/).waitFor();
    await shot(page, "29-retention-invalid");
    await face.fill("14");
    await page.getByRole("button", { name: "Save retention" }).click();
    await page.getByText("Saved.").waitFor();
    expect((await api("GET", "/v1/privacy/retention", ownerToken)).body.faceDataDays).toBe(14);
    await shot(page, "30-privacy");
    await expectAccessible(page, "privacy");
  }, 60_000);

  it("edits the recommendation rules, refuses an affinity above 1, and previews a sample face's ranking", async () => {
    const products = (await api("GET", "/v1/products?limit=100", ownerToken)).body.items as Array<{
      title: string;
      frame: { shape?: string };
    }>;
    const favourite = products.find((p) => p.frame.shape)?.frame.shape as string;
    await page.getByRole("link", { name: "Recommendation rules" }).click();
    await page.getByRole("group", { name: "Frame shapes for a round face" }).waitFor({ timeout: 15_000 });
    await shot(page, "32-rules");
    await expectAccessible(page, "recommendation rules");

    const table = page.getByRole("group", { name: "Frame shapes for a round face" });
    await table.getByLabel(favourite, { exact: true }).fill("2");
    await page.getByRole("button", { name: "Save rules" }).click();
    await page.getByText(/<=1/).waitFor();
    await shot(page, "33-rules-invalid");

    // Only the favourite shape suits a round face: the preview of a round face puts it first.
    for (const input of await table.getByRole("textbox").all()) await input.fill("0");
    await table.getByLabel(favourite, { exact: true }).fill("1");
    await page.getByRole("button", { name: "Preview ranking" }).click();
    const ranking = page.getByRole("list", { name: "Preview ranking" });
    await ranking.waitFor({ timeout: 15_000 });
    const firstTitle = await ranking.locator(".ranking-title").first().textContent();
    expect(products.find((p) => p.title === firstTitle)?.frame.shape).toBe(favourite);
    // A preview stores nothing: the rules in force are still the defaults.
    expect((await api("GET", "/v1/recommendations/rules", ownerToken)).body.version).toBe(0);
    await shot(page, "34-rules-preview");

    await page.getByRole("button", { name: "Save rules" }).click();
    await page.getByText("Saved as version 1.").waitFor();
    const saved = (await api("GET", "/v1/recommendations/rules", ownerToken)).body;
    expect(saved.rules.shapes.round[favourite]).toBe(1);
    await expectAccessible(page, "recommendation rules (saved)");
  }, 60_000);

  it("trains the preference model with live progress, lists versions as they appear, and activates one", async () => {
    const products = (await api("GET", "/v1/products?limit=100", ownerToken)).body.items as Array<{ id: string }>;
    // Enough shopper activity for a real run (the service needs 200 usable events).
    const start = Date.now() - 3_600_000;
    const events = Array.from({ length: 1500 }, (_, i) => ({
      id: `evt-train-${i}-${start}`,
      type: "add_to_cart",
      sessionId: `sess-train-${i % 97}`,
      productId: products[(i * 7) % products.length]?.id,
      occurredAt: new Date(start + i * 1000).toISOString(),
    }));
    for (let at = 0; at < events.length; at += 500) {
      const batch = { events: events.slice(at, at + 500) };
      const sent = await api("POST", "/v1/events", undefined, batch, { "x-varai-key": pk, origin: ORIGIN });
      expect(sent.status).toBe(202);
    }
    await expect
      .poll(async () => (await api("GET", "/v1/analytics/summary", ownerToken)).body.totals.addToCart, {
        timeout: 30_000,
      })
      .toBeGreaterThanOrEqual(1500);

    await page.getByRole("link", { name: "Models" }).click();
    await page.getByText("No model yet.").waitFor({ timeout: 15_000 });
    await shot(page, "36-models-empty");
    await expectAccessible(page, "models (empty)");

    // Record every state the training line shows, to prove it moved without a reload.
    await page.evaluate(() => {
      const seen: string[] = [];
      (window as unknown as { trainingStates: string[] }).trainingStates = seen;
      new MutationObserver(() => {
        const text = document.querySelector(".training-status")?.textContent;
        if (text && seen.at(-1) !== text) seen.push(text);
      }).observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
    });
    // Best effort: a picture of the run in progress, kept only if the bar was still there after
    // it was taken (a short run may end first).
    const bar = page.getByRole("progressbar", { name: "Training progress" });
    const midRun = bar
      .waitFor({ timeout: 30_000 })
      .then(async () => {
        const picture = await page.screenshot({ fullPage: true });
        if (await bar.isVisible()) await writeFile(path.join(SHOTS, "37a-models-training.png"), picture);
      })
      .catch(() => undefined);
    await page.getByRole("button", { name: "Train now" }).click();
    await page.getByText(/Last run: version 1 (beat|did not beat)/).waitFor({ timeout: 60_000 });
    await midRun;
    const states = await page.evaluate(() => (window as unknown as { trainingStates: string[] }).trainingStates);
    expect(states.some((s) => /Training: (starting|loading|epoch \d+ of 8)/.test(s))).toBe(true);
    expect(states.some((s) => /epoch \d+ of 8/.test(s))).toBe(true);
    await page.locator('tr[data-version="1"]').waitFor();
    await shot(page, "37-models-trained");
    await expectAccessible(page, "models (trained)");

    // A run started elsewhere (another tab, the schedule) shows up live here too.
    const second = await api("POST", "/v1/recommendations/model/train", ownerToken);
    expect(second.status).toBe(200);
    await page.locator('tr[data-version="2"]').waitFor({ timeout: 15_000 });
    await page.getByText(/Last run: version 2 (beat|did not beat)/).waitFor();

    // Put version 1 in force by hand: it becomes the one active version.
    const v1 = page.locator('tr[data-version="1"]');
    const v1Status = await v1.locator(".badge").textContent();
    if (v1Status === "active") {
      await page.getByRole("button", { name: "Activate version 2" }).click();
      await page.locator('tr[data-version="2"] .badge').getByText("active", { exact: true }).waitFor();
    }
    await page.getByRole("button", { name: "Activate version 1" }).click();
    await v1.locator(".badge").getByText("active", { exact: true }).waitFor({ timeout: 15_000 });
    const listed = (await api("GET", "/v1/recommendations/model", ownerToken)).body;
    expect(listed.active.version).toBe(1);
    expect(listed.versions.filter((v: { status: string }) => v.status === "active")).toHaveLength(1);
    await shot(page, "38-models-activated");
    await expectAccessible(page, "models (activated)");
  }, 120_000);
});

describe("Commerce Studio, as the platform admin", () => {
  let page: Page;
  let adminToken = "";
  beforeAll(async () => {
    ({ page } = await newPage());
    adminToken = (await api("POST", "/v1/auth/login", undefined, ADMIN)).body.accessToken;
  });

  it("lists and creates tenants, refusing an empty name next to the field", async () => {
    await login(page, ADMIN);
    // A platform admin lands on the tenant directory.
    await page.getByRole("heading", { name: "Tenants" }).waitFor();
    await page.getByRole("row", { name: /Studio Shop/ }).waitFor({ timeout: 15_000 });
    await shot(page, "40-tenants");
    await expectAccessible(page, "tenants");

    await page.getByRole("button", { name: "Create a tenant" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByRole("button", { name: "Create tenant" }).click();
    await dialog.getByText(/>=1 character/).waitFor();
    await shot(page, "41-tenant-invalid");
    await expectAccessible(page, "create tenant dialog");
    await dialog.getByLabel("Name").fill("Second Shop");
    await dialog.getByRole("button", { name: /Region/ }).click();
    await page.getByRole("option", { name: /European Union/ }).click();
    await dialog.getByRole("button", { name: "Create tenant" }).click();
    await dialog.waitFor({ state: "detached" });
    await page
      .getByRole("row", { name: /Second Shop/ })
      .getByText("eu", { exact: true })
      .waitFor();
    const listed = (await api("GET", "/v1/tenants", adminToken)).body.items as Array<{ name: string; region: string }>;
    expect(listed.find((t) => t.name === "Second Shop")?.region).toBe("eu");
    await shot(page, "42-tenant-created");
  }, 60_000);

  it("shows a tenant's users from the directory", async () => {
    await page.getByRole("link", { name: "Users of Studio Shop" }).click();
    await page.getByRole("heading", { name: "Users of Studio Shop" }).waitFor();
    await page.getByRole("row", { name: /owner@studio\.test/ }).waitFor({ timeout: 15_000 });
    await page.getByRole("row", { name: /viewer@studio\.test/ }).waitFor();
    await shot(page, "43-tenant-users");
    await expectAccessible(page, "a tenant's users");
  }, 60_000);

  it("shows every tenant's connection health, last sync and webhook failures", async () => {
    // One delivery with a wrong signature, so the failures column has something to show.
    const connection = (await api("GET", "/v1/connections", ownerToken)).body.items[0];
    const hook = await fetch(`${gateway.base}${new URL(connection.webhookUrl).pathname}`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "x-wc-webhook-topic": "product.updated",
        "x-wc-webhook-source": "https://studio-shop.test/",
        "x-wc-webhook-signature": "bm90LXRoZS1yaWdodC1zaWduYXR1cmU=",
        "x-wc-webhook-delivery-id": "9001",
      },
      body: JSON.stringify({ id: 1 }),
    });
    expect(hook.status).toBeGreaterThanOrEqual(400);
    await expect
      .poll(
        async () => (await api("GET", "/v1/connections", ownerToken)).body.items[0].webhookStats.rejectedSignatures,
        {
          timeout: 15_000,
        },
      )
      .toBe(1);

    await page.getByRole("link", { name: "All tenants' health" }).click();
    const row = page.locator(`tr[data-connection-id="${connection.id}"]`);
    await row.waitFor({ timeout: 15_000 });
    expect(await row.getByRole("rowheader").textContent()).toBe("Studio Shop");
    await row.getByText("healthy").waitFor();
    expect(await row.locator(".last-sync").textContent()).not.toBe("never");
    await row.getByText("1 bad signature,", { exact: false }).waitFor();
    await page
      .getByRole("row", { name: /Second Shop/ })
      .getByText("No store connected.")
      .waitFor();
    // Totals over every tenant (other suites in this file add tenants of their own).
    const tenantCount = (await api("GET", "/v1/tenants", adminToken)).body.items.length;
    const totals = page.getByRole("status").filter({ hasText: /^\d+ tenants?, / });
    await expect.poll(() => totals.textContent()).toMatch(new RegExp(`^${tenantCount} tenants, `));
    expect(await totals.textContent()).toMatch(/, 1 refused webhook delivery\.$/);
    await shot(page, "44-all-tenants-health");
    await expectAccessible(page, "all tenants' health");
  }, 60_000);

  it("acts on a tenant from the directory: the shop screens then show that tenant", async () => {
    await page.getByRole("link", { name: "Tenants", exact: true }).click();
    await page.getByRole("button", { name: "Act on it (Studio Shop)" }).click();
    await page.getByRole("heading", { name: "Simulated Woo" }).waitFor({ timeout: 15_000 });
    const studioShop = (await api("GET", "/v1/me", ownerToken)).body.user.tenantId;
    expect(await page.getByLabel("Act on tenant").inputValue()).toBe(studioShop);
    await shot(page, "45-acting-on-tenant");

    // The live socket follows the switch: a run the tenant's admin starts shows up here as it goes.
    await page.getByRole("link", { name: "Models" }).click();
    await page.locator('tr[data-version="2"]').waitFor({ timeout: 15_000 });
    expect((await api("POST", "/v1/recommendations/model/train", ownerToken)).status).toBe(200);
    await page.getByText(/Last run: version 3 (beat|did not beat)/).waitFor({ timeout: 15_000 });
    await page.locator('tr[data-version="3"]').waitFor();
    await shot(page, "46-platform-admin-models-live");
    await expectAccessible(page, "models (platform admin)");
  }, 60_000);
});

describe("Commerce Studio's session", () => {
  it("survives a reload through the HttpOnly refresh cookie, with no token in web storage, and ends at sign-out", async () => {
    const { context, page } = await newPage();
    await login(page, OWNER);
    const refreshAnswers: Promise<string>[] = [];
    page.on("response", (r) => {
      if (new URL(r.url()).pathname === "/v1/auth/refresh") refreshAnswers.push(r.text());
    });
    await page.reload();
    await page.getByRole("navigation", { name: "Screens" }).waitFor({ timeout: 15_000 });
    // The session came back through the cookie, and the rotated refresh token stayed in it.
    const answers = await Promise.all(refreshAnswers);
    expect(answers.length).toBeGreaterThan(0);
    for (const answer of answers) expect(answer).not.toContain("rt_");
    await page.getByText(`${OWNER.email} · Tenant admin`).waitFor();
    expect(await page.getByRole("button", { name: "Sign in" }).count()).toBe(0);
    await shot(page, "35-reloaded-signed-in");

    // Neither storage holds anything token-like (a JWT, a refresh token), and no script sees the cookie.
    const stored = await page.evaluate(() =>
      [localStorage, sessionStorage].flatMap((storage) =>
        Object.keys(storage).map((key) => `${key}=${storage.getItem(key)}`),
      ),
    );
    expect(stored.filter((entry) => /eyJ|rt_ten_|varai_refresh|token/i.test(entry))).toEqual([]);
    expect(await page.evaluate(() => document.cookie)).not.toContain("varai_refresh");
    const cookie = (await context.cookies()).find((c) => c.name === "varai_refresh");
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: "Strict", path: "/v1/auth", secure: false });

    await page.getByRole("button", { name: "Sign out" }).click();
    await page.getByRole("button", { name: "Sign in" }).waitFor();
    expect((await context.cookies()).find((c) => c.name === "varai_refresh")).toBeUndefined();
    await page.reload();
    await page.getByRole("button", { name: "Sign in" }).waitFor({ timeout: 15_000 });
    await context.close();
  }, 60_000);
});

describe("Commerce Studio, as a newcomer to the default install", () => {
  it("connects a simulated store and watches its sync progress live to completion", async () => {
    const { page } = await newPage();
    await login(page, NEWCOMER);
    await page.getByText("connect a simulated store to see a sync happen").waitFor();
    // Marks this document: still there at the end means no reload happened.
    await page.evaluate(() => {
      (window as unknown as { sameDocument: boolean }).sameDocument = true;
    });
    await page.getByRole("button", { name: "Connect a simulated store" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByRole("radio", { name: "WooCommerce" }).check();
    await shot(page, "32-simulated-store-dialog");
    await expectAccessible(page, "connect a simulated store dialog");
    await page.evaluate(() => {
      const seen: string[] = [];
      (window as unknown as { syncStates: string[] }).syncStates = seen;
      new MutationObserver(() => {
        const text = document.querySelector(".sync-status")?.textContent;
        if (text && seen.at(-1) !== text) seen.push(text);
      }).observe(document.body, { subtree: true, childList: true, characterData: true });
    });
    await dialog.getByRole("button", { name: "Connect" }).click();
    await dialog.waitFor({ state: "detached" });
    await page.getByRole("heading", { name: "Simulated WooCommerce" }).waitFor();
    await page.getByText(/full sync (queued|running)/).waitFor({ timeout: 15_000 });
    await shot(page, "33-simulated-store-syncing");
    await page.getByText("Last full sync succeeded: 36 written, 0 failed").waitFor({ timeout: 60_000 });
    const states = await page.evaluate(() => (window as unknown as { syncStates: string[] }).syncStates);
    expect(states.some((s) => /sync (queued|running)/.test(s))).toBe(true);
    expect(states.at(-1)).toContain("succeeded");
    // The simulated WooCommerce serves pages of 12: the counts moved page by page before the end.
    expect(
      states.some((s) => /running: (12|24) fetched/.test(s)),
      states.join(" | "),
    ).toBe(true);
    expect(await page.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument)).toBe(true);
    await shot(page, "34-simulated-store-synced");
    await expectAccessible(page, "connections (simulated store)");
    // Then the simulated store changes a frame and sends WooCommerce's signed webhook (every 10 s):
    // the card's delivery facts follow live, with no rejected signature.
    await expect.poll(() => page.getByText("none yet").count(), { timeout: 30_000, interval: 500 }).toBe(0);
    const facts = page.locator(".facts");
    expect(await facts.locator("dt:has-text('Rejected signatures') + dd").textContent()).toBe("0");
    expect(Number(await facts.locator("dt:has-text('Webhooks accepted') + dd").textContent())).toBeGreaterThan(0);
    await shot(page, "35-simulated-store-webhook");
    // Connected once per platform: a second try shows the API's problem in the dialog.
    await page.getByRole("button", { name: "Connect a simulated store" }).click();
    await dialog.getByRole("radio", { name: "WooCommerce" }).check();
    await dialog.getByRole("button", { name: "Connect" }).click();
    await dialog.getByRole("alert").filter({ hasText: "already connected" }).waitFor();
    await dialog.getByRole("button", { name: "Cancel" }).click();
    const token = (await api("POST", "/v1/auth/login", undefined, NEWCOMER)).body.accessToken;
    expect((await api("GET", "/v1/products?limit=100", token)).body.items).toHaveLength(36);
  }, 90_000);
});

describe("Commerce Studio, as a viewer", () => {
  it("shows every screen read-only, and the API refuses the viewer's changes anyway", async () => {
    const { page } = await newPage();
    await login(page, VIEWER);
    await page.getByRole("heading", { name: "Simulated Woo" }).waitFor();
    expect(await page.getByRole("button", { name: /Add a store|sync|simulated store/i }).count()).toBe(0);
    await shot(page, "13-viewer-connections");

    await page.getByRole("link", { name: "Catalog" }).click();
    await expect.poll(() => page.locator("tbody tr").count(), { timeout: 15_000 }).toBe(24);
    expect(await page.getByRole("button", { name: /Edit frame|Re-prepare try-on/ }).count()).toBe(0);
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

    // No administration screen for a viewer: not in the navigation, refused by URL, refused by the API.
    for (const name of [
      "Recommendation rules",
      "Models",
      "API keys",
      "Users and roles",
      "Audit log",
      "Privacy requests",
    ])
      expect(await page.getByRole("link", { name }).count()).toBe(0);
    // Client-side navigation, as a user following a stale link inside the app would.
    await page.evaluate(() => {
      history.pushState({}, "", "/studio/api-keys");
      dispatchEvent(new PopStateEvent("popstate"));
    });
    expect(await page.getByRole("button", { name: "Create a key" }).count()).toBe(0);
    await page.getByText("Your role does not give access to this screen.").waitFor();
    await shot(page, "31-viewer-no-admin-screens");
    await expectAccessible(page, "viewer, refused screen");
    const tenantId = (await api("GET", "/v1/me", viewerToken)).body.user.tenantId;
    const viewerId = (await api("GET", "/v1/me", viewerToken)).body.user.id;
    const refused = [
      await api("GET", "/v1/api-keys", viewerToken),
      await api("POST", "/v1/api-keys", viewerToken, { kind: "secret" }),
      await api("GET", `/v1/tenants/${tenantId}/users`, viewerToken),
      await api("PATCH", `/v1/tenants/${tenantId}/users/${viewerId}`, viewerToken, { role: "tenant_admin" }),
      await api("GET", "/v1/audit", viewerToken),
      await api("POST", "/v1/privacy/redact", viewerToken, { shopperId: "shopper-77" }),
      await api("PUT", "/v1/privacy/retention", viewerToken, { faceDataDays: 30 }),
      await api("POST", "/v1/recommendations/preview", viewerToken, { faceShape: "round" }),
      await api("PUT", "/v1/recommendations/rules", viewerToken, { rules: {} }),
      await api("POST", "/v1/demo/simulated-stores", viewerToken, { platform: "woocommerce" }),
      await api("POST", "/v1/recommendations/model/train", viewerToken),
      await api("POST", "/v1/recommendations/model/1/activate", viewerToken),
      await api("GET", "/v1/tenants", viewerToken),
    ];
    expect(refused.map((r) => r.status)).toEqual([403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403]);
  }, 60_000);
});

/// <reference lib="dom" />
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { browserAvailable, launchChromium } from "./testing/browser.ts";
import { startWidgetHarness } from "./testing/harness.ts";

/**
 * A storefront's widgets take the tenant's settings from `/widget/config` and send events; only
 * a page that sets `window.VARAi.previewConfig` (Commerce Studio's preview) uses that config
 * instead, and sends no events.
 */
describe.skipIf(!browserAvailable())("the widget config: storefront and Studio preview, in Chromium", () => {
  let browser: Browser;
  let harness: Awaited<ReturnType<typeof startWidgetHarness>>;

  beforeAll(async () => {
    browser = await launchChromium();
    harness = await startWidgetHarness(`<varai-try-on product-id="prd_h_rect"></varai-try-on>`);
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await harness?.close();
  });

  async function open(previewConfig?: unknown): Promise<{ page: Page; configReads: number; events: number }> {
    const page = await browser.newPage();
    const seen = { configReads: 0, events: 0 };
    await page.route("**/widget/config", async (route) => {
      seen.configReads++;
      await route.fulfill({ contentType: "application/json", body: JSON.stringify({ theme: { primary: "#00aa00" } }) });
    });
    await page.route("**/v1/events**", async (route) => {
      seen.events++;
      await route.fulfill({ status: 202, contentType: "application/json", body: '{"accepted":1,"rejected":[]}' });
    });
    if (previewConfig !== undefined)
      await page.addInitScript((config) => {
        (window as unknown as { VARAi: unknown }).VARAi = { base: location.origin, key: null, previewConfig: config };
      }, previewConfig);
    await page.goto(harness.url);
    await page.locator("varai-try-on button.open:not([disabled])").waitFor();
    await page.waitForTimeout(2600); // past the event batcher's 2 s flush
    return {
      page,
      get configReads() {
        return seen.configReads;
      },
      get events() {
        return seen.events;
      },
    };
  }

  const primaryOf = (page: Page) =>
    page.locator("varai-try-on button.open").evaluate((b) => getComputedStyle(b).backgroundColor);

  it("a storefront reads /widget/config and sends its events", async () => {
    const { page, configReads, events } = await open();
    expect(await primaryOf(page)).toBe("rgb(0, 170, 0)");
    expect(configReads).toBe(1);
    expect(events).toBeGreaterThan(0);
    await page.close();
  }, 60_000);

  it("the Studio preview applies its draft instead, reads no /widget/config and sends no events", async () => {
    const { page, configReads, events } = await open({ theme: { primary: "#aa0055" } });
    expect(await primaryOf(page)).toBe("rgb(170, 0, 85)");
    expect(configReads).toBe(0);
    expect(events).toBe(0);
    await page.close();
  }, 60_000);

  it("a draft that is not a valid config falls back to the defaults, not a broken theme", async () => {
    const { page } = await open({ theme: { primary: "red;} :host{display:none" } });
    expect(await primaryOf(page)).toBe("rgb(31, 79, 209)");
    await page.close();
  }, 60_000);
});

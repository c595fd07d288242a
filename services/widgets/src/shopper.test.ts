/// <reference lib="dom" />
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { browserAvailable, launchChromium } from "./testing/browser.ts";
import { startWidgetHarness } from "./testing/harness.ts";

/**
 * The storefront names its logged-in customer on the element (`shopper-id`, which each
 * platform's app or plugin fills): the widget's events carry it, with `consent: true`, when the
 * storefront also reports consent (`shopper-consent`); without it, and for a guest, they stay
 * anonymous (the API refuses a shopper id without consent).
 */
describe.skipIf(!browserAvailable())("the shopper an element names, in Chromium", () => {
  let browser: Browser;
  const harnesses: Array<Awaited<ReturnType<typeof startWidgetHarness>>> = [];

  beforeAll(async () => {
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    for (const h of harnesses) await h.close();
  });

  /** Every event batch the page posts (answered as the API would), after the 2 s flush. */
  async function eventsOf(markup: string): Promise<Array<{ type: string; shopperId?: string; consent?: boolean }>> {
    const harness = await startWidgetHarness(markup);
    harnesses.push(harness);
    const page: Page = await browser.newPage();
    const events: Array<{ type: string; shopperId?: string; consent?: boolean }> = [];
    await page.route("**/v1/events**", async (route) => {
      const batch = JSON.parse(route.request().postData() ?? "{}");
      // The batch's consent, on each of its events for the assertions.
      for (const event of batch.events ?? []) events.push({ ...event, consent: batch.consent });
      await route.fulfill({ status: 202, contentType: "application/json", body: '{"accepted":1,"rejected":[]}' });
    });
    await page.goto(harness.url);
    await page.locator("varai-try-on button.open:not([disabled])").waitFor();
    await page.waitForTimeout(2600);
    await page.close();
    return events;
  }

  it("sends the logged-in customer's id with the events, under the storefront's consent", async () => {
    const events = await eventsOf(
      `<varai-try-on product-id="prd_h_rect" shopper-id="gid://shopify/Customer/191167" shopper-consent="true"></varai-try-on>`,
    );
    expect(events.map((e) => e.type)).toContain("widget_shown");
    expect(events.every((e) => e.shopperId === "gid://shopify/Customer/191167" && e.consent === true)).toBe(true);
  }, 60_000);

  it("keeps a logged-in customer anonymous when the storefront reports no consent", async () => {
    const events = await eventsOf(
      `<varai-try-on product-id="prd_h_rect" shopper-id="gid://shopify/Customer/191167"></varai-try-on>`,
    );
    expect(events.length).toBeGreaterThan(0);
    expect(events.some((e) => "shopperId" in e || e.consent !== undefined)).toBe(false);
  }, 60_000);

  it("keeps a guest anonymous (Liquid renders an empty customer.id)", async () => {
    const events = await eventsOf(`<varai-try-on product-id="prd_h_rect" shopper-id=""></varai-try-on>`);
    expect(events.length).toBeGreaterThan(0);
    expect(events.some((e) => "shopperId" in e)).toBe(false);
  }, 60_000);
});

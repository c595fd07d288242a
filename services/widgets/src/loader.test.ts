/// <reference lib="dom" />
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { browserAvailable, launchChromium } from "./testing/browser.ts";
import { startWidgetHarness } from "./testing/harness.ts";

describe.skipIf(!browserAvailable())("the one-script-tag loader in Chromium", () => {
  let browser: Browser;
  let harness: Awaited<ReturnType<typeof startWidgetHarness>>;

  beforeAll(async () => {
    harness = await startWidgetHarness(`<p>No widget yet.</p>`);
    browser = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await harness?.close();
  });

  it("loads an element's chunk only when the element first appears, and never the face models", async () => {
    const page = await browser.newPage();
    const paths: string[] = [];
    page.on("request", (r) => paths.push(new URL(r.url()).pathname));
    await page.goto(harness.url);
    await page.waitForFunction(() => (window as unknown as { VARAi?: { loaded?: boolean } }).VARAi?.loaded === true);
    await page.waitForTimeout(300);
    expect(paths.filter((p) => p.startsWith("/widget/"))).toEqual(["/widget/varai.js"]);
    expect(await page.evaluate(() => (window as unknown as { VARAi: { key: string } }).VARAi.key)).toBe("pk_harness");

    // A theme adds the element later (a quick-view modal, a client-side route change).
    await page.evaluate(() => {
      document.body.insertAdjacentHTML("beforeend", `<div><varai-try-on product-id="prd_h_rect"></varai-try-on></div>`);
    });
    await page.waitForFunction(() => customElements.get("varai-try-on") !== undefined);
    await page.locator("varai-try-on button.open:not([disabled])").waitFor();
    const chunks = paths.filter((p) => p.startsWith("/widget/chunks/"));
    expect(chunks.some((p) => /\/try-on-[A-Z0-9]+\.js$/.test(p))).toBe(true);
    expect(chunks.some((p) => /\/(frame-finder|recommendations|live)-/.test(p))).toBe(false);
    expect(paths.some((p) => p.startsWith("/widget/human/") || p.startsWith("/widget/tfjs-wasm/"))).toBe(false);
    expect(await page.evaluate(() => customElements.get("varai-recommendations") === undefined)).toBe(true);
    await page.close();
  }, 60_000);
});

/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { browserAvailable, launchChromium, screenshotPath, seriousAxeViolations } from "./testing/browser.ts";
import { startWidgetHarness } from "./testing/harness.ts";

/** The active element, looking through shadow roots: a label like `varai-try-on >> button.open`. */
function activeLabel(page: Page): Promise<string> {
  return page.evaluate(() => {
    let el: Element | null = document.activeElement;
    const path: string[] = [];
    while (el) {
      path.push(
        `${el.localName}${el.id ? `#${el.id}` : ""}${el.classList.length ? `.${[...el.classList].join(".")}` : ""}`,
      );
      el = el.shadowRoot?.activeElement ?? null;
    }
    return path.join(" >> ");
  });
}

describe.skipIf(!browserAvailable())("try-on dialog with the keyboard only", () => {
  let browser: Browser;
  let harness: Awaited<ReturnType<typeof startWidgetHarness>>;

  beforeAll(async () => {
    harness = await startWidgetHarness(
      `<h1>Harness</h1><varai-try-on product-id="prd_h_round"></varai-try-on><a href="#after">after</a>`,
    );
    browser = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await harness?.close();
  });

  it("opens with Enter, traps Tab inside the modal, closes with Escape and returns focus", async () => {
    const page = await browser.newPage();
    await page.emulateMedia({ reducedMotion: "reduce" });
    await page.goto(harness.url);
    await page.locator("varai-try-on button.open:not([disabled])").waitFor();
    await page.keyboard.press("Tab");
    expect(await activeLabel(page)).toContain("button.open");
    await page.keyboard.press("Enter");
    await expect.poll(() => activeLabel(page)).toContain("#tab-photo");
    expect(await page.locator("varai-try-on dialog").getAttribute("open")).not.toBeNull();

    // Arrow keys move between tabs.
    await page.keyboard.press("ArrowRight");
    expect(await activeLabel(page)).toContain("#tab-live");
    await page.keyboard.press("ArrowLeft");

    // Tab 20 times: focus never leaves the dialog.
    const seen = new Set<string>();
    for (let i = 0; i < 20; i++) {
      await page.keyboard.press("Tab");
      const label = await activeLabel(page);
      seen.add(label);
      expect(label).toMatch(/^varai-try-on >> /);
      expect(label).not.toContain("button.open");
    }
    expect(seen.size).toBeGreaterThan(3);
    await page.keyboard.press("Shift+Tab");
    expect(await activeLabel(page)).toMatch(/^varai-try-on >> /);

    expect(await seriousAxeViolations(page)).toEqual([]);
    await page.screenshot({ path: screenshotPath("try-on-dialog-keyboard") });

    await page.keyboard.press("Escape");
    await expect.poll(() => page.locator("varai-try-on dialog").getAttribute("open")).toBeNull();
    expect(await activeLabel(page)).toContain("button.open");
    await page.close();
  }, 60_000);
});

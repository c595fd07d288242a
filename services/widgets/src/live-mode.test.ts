/// <reference lib="dom" />
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { browserAvailable, fakeCameraVideo, launchChromium, screenshotPath } from "./testing/browser.ts";
import { startWidgetHarness } from "./testing/harness.ts";

/**
 * Live mode in headless Chromium with the fake camera playing astronaut.png. The harness
 * serves only the widget router: live mode must work without any API call that carries
 * an image, and the network log proves it.
 */
describe.skipIf(!browserAvailable())("live try-on in Chromium (fake camera)", () => {
  let browser: Browser;
  let harness: Awaited<ReturnType<typeof startWidgetHarness>>;

  beforeAll(async () => {
    const y4m = await fakeCameraVideo();
    harness = await startWidgetHarness(`<varai-try-on inline product-id="prd_h_round"></varai-try-on>`);
    browser = await launchChromium({ fakeCamera: y4m });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await harness?.close();
  });

  it("tracks the face on the device, draws the frame, measures PD, and uploads no image", async () => {
    const context = await browser.newContext({ viewport: { width: 900, height: 900 } });
    await context.grantPermissions(["camera"]);
    const page = await context.newPage();
    const requests: Array<{ method: string; url: string; type: string; size: number }> = [];
    page.on("request", (r) =>
      requests.push({
        method: r.method(),
        url: r.url(),
        type: r.headers()["content-type"] ?? "",
        size: r.postDataBuffer()?.length ?? 0,
      }),
    );
    await page.goto(harness.url);
    const element = page.locator("varai-try-on");
    await element.locator("#tab-live").click();
    await element.locator(".camera").click();
    await page.waitForFunction(
      () =>
        ((document.querySelector("varai-try-on") as unknown as { liveStats: { tracked: number } }).liveStats.tracked ??
          0) >= 10,
      undefined,
      { timeout: 45_000 },
    );
    // Switching frames redraws at once, with no request for the new frame.
    const before = requests.length;
    await element.locator('.frames button[data-id="prd_h_rect"]').click();
    await expect
      .poll(() => element.locator('.frames button[data-id="prd_h_rect"]').getAttribute("aria-pressed"))
      .toBe("true");
    await page.waitForTimeout(400);
    expect(requests.slice(before).filter((r) => !r.url.includes("/v1/events"))).toEqual([]);

    const stats = await page.evaluate(
      () => (document.querySelector("varai-try-on") as unknown as { liveStats: Record<string, unknown> }).liveStats,
    );
    // MediaPipe on LiteRT.js (wasm, single thread), not WebGL.
    expect(stats.backend).toBe("litert-wasm");
    const pd = stats.pd as { valueMm: number; uncertaintyMm: number };
    expect(pd.valueMm).toBeGreaterThan(55);
    expect(pd.valueMm).toBeLessThan(75);
    await expect.poll(() => element.locator(".measure").textContent()).toMatch(/PD \d+\.\d ± \d\.\d mm/);

    // The frame is drawn: dark rim pixels around the eyes that the camera image does not have there.
    const darkAroundEyes = await page.evaluate(() => {
      const canvas = document.querySelector("varai-try-on")!.shadowRoot!.querySelector("canvas")!;
      const { data } = canvas.getContext("2d")!.getImageData(0, 0, canvas.width, canvas.height);
      let dark = 0;
      for (let i = 0; i < data.length; i += 4) if (data[i]! < 40 && data[i + 1]! < 40 && data[i + 2]! < 40) dark++;
      return { dark, size: canvas.width * canvas.height };
    });
    expect(darkAroundEyes.dark).toBeGreaterThan(0);
    await page.screenshot({ path: screenshotPath("live-try-on"), fullPage: true });

    // No image, multipart or binary body left the page; only event batches (JSON) were posted.
    const uploads = requests.filter((r) => r.method !== "GET");
    for (const r of uploads) {
      expect(r.url).toMatch(/\/v1\/events/);
      expect(r.type).toContain("application/json");
      expect(r.size).toBeLessThan(16_384);
    }
    const apiCalls = requests.map((r) => new URL(r.url).pathname).filter((p) => p.startsWith("/v1/"));
    expect(apiCalls.filter((p) => p !== "/v1/events")).toEqual([]);
    await context.close();
  }, 90_000);
});

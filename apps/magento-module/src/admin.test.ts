import { existsSync, readFileSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { CHROMIUM, launchChromium, screenshotPath } from "@varai/widgets/testing";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MODULE_ROOT, requirePhpTools, runInModuleAsync } from "./php.ts";

/**
 * The config page's Test Connection script (view/adminhtml/web/js/test-connection.js) in
 * headless Chromium: the button PHP renders, started the way Magento's mage/apply starts a
 * `data-mage-init` component (a minimal AMD shim here: RequireJS and Magento's admin are not
 * available), posting to a local stand-in of the controller.
 */

/** RequireJS + mage/apply, reduced to what the component uses: define() and data-mage-init. */
const AMD_SHIM = `(function () {
  var modules = {};
  window.define = function (deps, factory) { modules.current = factory(); };
  window.addEventListener('DOMContentLoaded', function () {
    document.querySelectorAll('[data-mage-init]').forEach(function (el) {
      var init = JSON.parse(el.getAttribute('data-mage-init'));
      Object.keys(init).forEach(function (name) { modules.current(init[name], el); });
    });
  });
}());`;

let browser: Browser | null = null;
let server: http.Server;
let origin = "";
let page = "";
const posts: Array<Record<string, string>> = [];
let answer: { status: number; body: string } = { status: 200, body: "{}" };

beforeAll(async () => {
  requirePhpTools(["php"]);
  server = http.createServer(async (req, res) => {
    if (req.method === "POST" && req.url === "/admin/varai_tryon/connection/test/") {
      const form = await new Response(req as unknown as ReadableStream, {
        headers: { "content-type": String(req.headers["content-type"]) },
      }).formData();
      posts.push(Object.fromEntries([...form.entries()].map(([k, v]) => [k, String(v)])));
      res.writeHead(answer.status, { "content-type": "application/json" });
      return res.end(answer.body);
    }
    const files: Record<string, string> = {
      "/amd.js": AMD_SHIM,
      "/test-connection.js": readFileSync(path.join(MODULE_ROOT, "view/adminhtml/web/js/test-connection.js"), "utf8"),
    };
    if (req.url && files[req.url]) {
      res.writeHead(200, { "content-type": "text/javascript" });
      return res.end(files[req.url]);
    }
    res.writeHead(200, { "content-type": "text/html; charset=utf-8", "content-security-policy": "script-src 'self'" });
    res.end(page);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const button = await runInModuleAsync(
    "php",
    ["Test/Cli/render-admin-button.php"],
    JSON.stringify({ urlBase: `${origin}/admin/`, store: 2, website: 1 }),
  );
  expect(button.stderr).toBe("");
  page = `<!doctype html><html><head><meta charset="utf-8"><title>Configuration</title>
<script src="/amd.js"></script><script src="/test-connection.js"></script>
<style>body{font-family:'Open Sans',Arial,sans-serif;font-size:14px;margin:30px}.action-default{padding:7px 15px;border:1px solid #adadad;background:#e3e3e3}
.message{margin:10px 0;padding:12px 20px}.message-success{background:#e5efe5;color:#006400}.message-error{background:#fae5e5;color:#e02b27}.note{color:#666;font-size:12px}</style>
</head><body><table><tbody>${button.stdout}</tbody></table></body></html>`;
  if (existsSync(CHROMIUM)) browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  if (server) await new Promise((resolve) => server.close(resolve));
});

describe("Test Connection on the config page", () => {
  it("posts the edited scope with the admin form key and shows VARAi's answer", async () => {
    expect(browser, `Chromium is needed at ${CHROMIUM}`).not.toBeNull();
    const tab = await browser!.newPage({ viewport: { width: 640, height: 220 } });
    await tab.addInitScript(() => {
      (window as unknown as { FORM_KEY: string }).FORM_KEY = "fk-123";
    });
    await tab.goto(origin);

    answer = { status: 200, body: JSON.stringify({ ok: false, status: 401, message: "VARAi refused the signature." }) };
    await tab.click(".varai-test-connection-button");
    const result = tab.locator(".varai-test-connection-result");
    await result.waitFor({ state: "visible" });
    expect(await result.textContent()).toBe("VARAi refused the signature.");
    expect(await result.getAttribute("class")).toContain("message-error");
    expect(posts).toEqual([{ form_key: "fk-123", store: "2", website: "1" }]);
    await tab.screenshot({ path: screenshotPath("magento-module-admin-test-connection") });

    answer = { status: 200, body: JSON.stringify({ ok: true, status: 200, message: "Connected." }) };
    await tab.click(".varai-test-connection-button");
    await tab.waitForFunction(
      () => document.querySelector(".varai-test-connection-result")?.textContent === "Connected.",
    );
    expect(await result.getAttribute("class")).toContain("message-success");

    // An admin session that expired answers with the login page, not JSON: said, not swallowed.
    answer = { status: 200, body: "<html>login</html>" };
    await tab.click(".varai-test-connection-button");
    await tab.waitForFunction(() =>
      document.querySelector(".varai-test-connection-result")?.textContent?.startsWith("The test could not run"),
    );
    expect(await tab.locator(".varai-test-connection-button").isEnabled()).toBe(true);
    await tab.close();
  });
});

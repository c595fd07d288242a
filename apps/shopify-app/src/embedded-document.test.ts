import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { renderEmbeddedDocument } from "./embedded-document.ts";

const dist = mkdtempSync(path.join(tmpdir(), "varai-ui-dist-"));
afterAll(() => rmSync(dist, { recursive: true, force: true }));

describe("the embedded document", () => {
  it("inserts the App Bridge tags first in the built UI's <head>", () => {
    mkdirSync(path.join(dist, "assets"));
    writeFileSync(
      path.join(dist, "index.html"),
      '<!doctype html><html><head><meta charset="utf-8"><script type="module" src="/shopify/app/assets/a.js"></script></head><body></body></html>',
    );
    const html = renderEmbeddedDocument('key"<x', dist);
    expect(html).toMatch(
      /^<!doctype html><html><head>\n<meta name="shopify-api-key" content="key&#34;&#60;x">\n<script src="https:\/\/cdn\.shopify\.com\/shopifycloud\/app-bridge\.js"><\/script><meta charset/,
    );
    expect(html.indexOf("app-bridge.js")).toBeLessThan(html.indexOf("/shopify/app/assets/a.js"));
  });

  it("says the UI is not built when ui/dist is absent, with the tags still there", () => {
    const html = renderEmbeddedDocument("k", path.join(dist, "missing"));
    expect(html).toContain('<meta name="shopify-api-key" content="k">');
    expect(html).toContain("not built");
  });
});

import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { buildPluginZip, pluginFiles, pluginVersion } from "./build-zip.ts";
import { hasTool } from "./php-tools.ts";
import { readZip } from "./zip.ts";

describe("pnpm build:woocommerce-plugin", () => {
  const out = buildPluginZip(mkdtempSync(path.join(tmpdir(), "varai-woo-zip-")));
  const entries = readZip(readFileSync(out));
  const names = entries.map((e) => e.name);

  it("names the zip after the plugin header's version", () => {
    expect(path.basename(out)).toBe(`varai-try-on-${pluginVersion()}.zip`);
    expect(pluginVersion()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it("holds the installable plugin under one varai-try-on/ folder", () => {
    for (const required of [
      "varai-try-on/varai-try-on.php",
      "varai-try-on/uninstall.php",
      "varai-try-on/readme.txt",
      "varai-try-on/blocks/try-on/block.json",
      "varai-try-on/blocks/try-on/render.php",
      "varai-try-on/blocks/try-on/index.js",
      "varai-try-on/assets/session.js",
      "varai-try-on/includes/class-connect.php",
      "varai-try-on/languages/varai-try-on.pot",
    ])
      expect(names).toContain(required);
    expect(names.every((n) => n.startsWith("varai-try-on/"))).toBe(true);
    expect(names).toEqual(pluginFiles().map((f) => `varai-try-on/${f}`));
  });

  it("holds no development files", () => {
    const dev =
      /(^|\/)(tests?|node_modules|src|phpcs|stubs|\.[^/]+)(\/|$)|phpunit|phpcs\.xml|package\.json|\.ts$|\.map$/;
    expect(names.filter((n) => dev.test(n))).toEqual([]);
  });

  it("stores every file byte for byte", () => {
    const main = entries.find((e) => e.name === "varai-try-on/varai-try-on.php");
    expect(main?.data.toString("utf8")).toContain("Plugin Name:          VARAi Try-On");
  });

  it.skipIf(!hasTool("unzip"))("is read the same by Info-ZIP's unzip", () => {
    const listing = execFileSync("unzip", ["-Z1", out], { encoding: "utf8" }).trim().split("\n");
    expect(listing).toEqual(names);
    execFileSync("unzip", ["-tq", out]);
  });
});

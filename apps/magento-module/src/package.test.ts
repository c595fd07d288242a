import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { moduleFiles, moduleVersion, packageEntries } from "./package-files.ts";
import { MODULE_ROOT, requirePhpTools } from "./php.ts";
import { readZip, writeZip } from "./zip.ts";

const PACKAGE_ROOT = path.resolve(MODULE_ROOT, "..");
const tmp = mkdtempSync(path.join(tmpdir(), "varai-magento-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** `pnpm build:magento-module` as CI runs it, then the zips it wrote. */
function build(): Record<"composer" | "appCode", ReturnType<typeof readZip>> {
  execFileSync(process.execPath, ["--import", "tsx", "src/build.ts"], { cwd: PACKAGE_ROOT, stdio: "pipe" });
  const dist = path.join(PACKAGE_ROOT, "dist");
  const version = moduleVersion();
  return {
    composer: readZip(readFileSync(path.join(dist, `varai-module-tryon-${version}.zip`))),
    appCode: readZip(readFileSync(path.join(dist, `varai-module-tryon-${version}-app-code.zip`))),
  };
}

describe("the installable module", () => {
  const zips = build();

  it("the composer package has composer.json at its root and ships no tests, stubs or caches", () => {
    const names = zips.composer.map((e) => e.name);
    expect(names).toEqual(moduleFiles());
    for (const required of [
      "composer.json",
      "registration.php",
      "etc/module.xml",
      "etc/db_schema.xml",
      "etc/db_schema_whitelist.json",
      "etc/adminhtml/system.xml",
      "Setup/Uninstall.php",
      "view/frontend/templates/tryon.phtml",
    ])
      expect(names).toContain(required);
    expect(names.filter((n) => n.startsWith("Test/") || /(^|\/)\./.test(n) || n.includes("_stubs"))).toEqual([]);
    const composer = JSON.parse(zips.composer.find((e) => e.name === "composer.json")!.data.toString("utf8"));
    expect(composer).toMatchObject({ name: "varai/module-tryon", type: "magento2-module", version: moduleVersion() });
  });

  it("the app/code zip unpacks into a Magento root as app/code/Varai/TryOn and registers from there", () => {
    requirePhpTools(["php"]);
    const names = zips.appCode.map((e) => e.name);
    expect(names.every((n) => n.startsWith("app/code/Varai/TryOn/"))).toBe(true);
    const magentoRoot = path.join(tmp, "magento");
    for (const entry of zips.appCode) {
      const target = path.join(magentoRoot, entry.name);
      expect(target.startsWith(magentoRoot + path.sep)).toBe(true);
      mkdirSync(path.dirname(target), { recursive: true });
      writeFileSync(target, entry.data);
    }
    // Magento's ComponentRegistrar (the stub, as in the unit tests) records where the module lives.
    const stub = path.join(MODULE_ROOT, "Test/Unit/_stubs/Magento/Framework/Component/ComponentRegistrar.php");
    const script = `require ${JSON.stringify(stub)}; require 'app/code/Varai/TryOn/registration.php';
      echo (new Magento\\Framework\\Component\\ComponentRegistrar())->getPath('module', 'Varai_TryOn');`;
    const registered = execFileSync("php", ["-r", script], { cwd: magentoRoot, encoding: "utf8" });
    expect(registered).toBe(path.join(magentoRoot, "app/code/Varai/TryOn"));
    for (const file of names.filter((n) => n.endsWith(".php")))
      execFileSync("php", ["-l", file], { cwd: magentoRoot, stdio: "pipe" });
  });

  it("builds byte-for-byte the same zip twice, and the reader checks what the writer wrote", () => {
    const a = writeZip(packageEntries(""));
    expect(writeZip(packageEntries(""))).toEqual(a);
    const corrupted = Buffer.from(a);
    const dataAt = 30 + a.readUInt16LE(26) + 5; // inside the first entry's compressed data
    corrupted[dataAt] = corrupted[dataAt]! ^ 0xff;
    expect(() => readZip(corrupted)).toThrow();
  });
});

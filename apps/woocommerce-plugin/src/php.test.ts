import { readdirSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { PACKAGE_DIR } from "./build-zip.ts";
import { phpToolsMissing, run } from "./php-tools.ts";

const missing = phpToolsMissing("php", "phpunit", "phpcs");

function phpFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const full = path.join(dir, d.name);
    if (d.isDirectory()) return d.name === "node_modules" || d.name === "dist" ? [] : phpFiles(full);
    return d.name.endsWith(".php") ? [full] : [];
  });
}

describe.skipIf(missing)("the PHP plugin (php-cli, PHPUnit, PHP_CodeSniffer)", () => {
  it("every PHP file passes php -l", () => {
    const files = phpFiles(PACKAGE_DIR);
    expect(files.length).toBeGreaterThan(15);
    for (const file of files) {
      const r = run("php", ["-d", "display_errors=1", "-l", file]);
      expect(r.status, r.output).toBe(0);
    }
  });

  it("PHPUnit: the unit tests over hand-written WordPress and WooCommerce stubs pass", () => {
    const r = run("phpunit", ["-c", "phpunit.xml", "--log-junit", "/dev/null"], { cwd: PACKAGE_DIR });
    expect(r.status, r.output).toBe(0);
    const ok = /OK \((\d+) tests?, (\d+) assertions?\)/.exec(r.output);
    expect(ok, r.output).not.toBeNull();
    expect(Number(ok?.[1])).toBeGreaterThanOrEqual(40);
  });

  it("PHP_CodeSniffer: PSR-12 and the escaping rule report nothing", () => {
    const r = run("phpcs", ["--standard=phpcs.xml", "--report=emacs"], { cwd: PACKAGE_DIR });
    expect(r.output).toBe("");
    expect(r.status).toBe(0);
  });

  it("the escaping rule catches unescaped output (so the clean run above means something)", () => {
    const fixture = path.join(PACKAGE_DIR, "src/fixtures/unescaped.php");
    const standard = path.join(PACKAGE_DIR, "phpcs/VaraiWp");
    const r = run("phpcs", [`--standard=${standard}`, "-s", "--report=emacs", fixture]);
    const lines = r.output.trim().split("\n");
    expect(lines.map((l) => l.replace(/^.*?:(\d+):\d+: (.*)$/, "$1 $2"))).toEqual([
      "7 error - Output of $name is not escaped (VaraiWp.Security.EscapeOutput.UnescapedVariable)",
      "8 error - Output of $items is not escaped (VaraiWp.Security.EscapeOutput.UnescapedVariable)",
      "9 error - Output of strtoupper() is not escaped (VaraiWp.Security.EscapeOutput.UnescapedCall)",
    ]);
  });
});

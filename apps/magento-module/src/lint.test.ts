import { readdirSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { MODULE_ROOT, requirePhpTools, runInModule } from "./php.ts";

/** Every PHP source and template of the module, relative to its root. */
function phpFiles(dir = MODULE_ROOT): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return phpFiles(full);
    return /\.(php|phtml)$/.test(entry.name) ? [path.relative(MODULE_ROOT, full)] : [];
  });
}

describe("PHP lint", () => {
  it("php -l passes on every .php and .phtml file", () => {
    requirePhpTools(["php"]);
    const files = phpFiles();
    expect(files.length).toBeGreaterThan(60);
    expect(files).toContain("registration.php");
    expect(files).toContain("view/frontend/templates/tryon.phtml");
    // php -l takes one file per process (8.2): four at a time.
    const run = runInModule("xargs", ["-0", "-n1", "-P4", "php", "-l"], files.join("\0"));
    const ok = run.stdout.split("\n").filter((line) => line.startsWith("No syntax errors detected in "));
    expect(run.stderr).toBe("");
    expect(ok.length).toBe(files.length);
    expect(run.status).toBe(0);
  });

  it("PHP_CodeSniffer finds nothing under PSR-12 (phpcs.xml)", () => {
    requirePhpTools(["phpcs"]);
    const run = runInModule("phpcs", ["--standard=phpcs.xml", "--report=full", "-q"]);
    expect(run.stdout + run.stderr).toBe("");
    expect(run.status).toBe(0);
  });
});

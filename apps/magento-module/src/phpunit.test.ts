import { describe, expect, it } from "vitest";
import { requirePhpTools, runInModule } from "./php.ts";

/** The module's own PHPUnit suite (Test/Unit, over the Magento stubs and a real SQLite outbox). */
describe("PHPUnit (Test/Unit)", () => {
  it("passes", () => {
    requirePhpTools(["php", "phpunit"]);
    const run = runInModule("phpunit", ["--configuration", "phpunit.xml.dist", "--log-junit", "/dev/null"]);
    expect(run.stdout + run.stderr, "phpunit output").toMatch(/OK \(\d+ tests?, \d+ assertions?\)/);
    expect(run.status).toBe(0);
  });
});

// Proves that every floor rule in .dependency-cruiser.mjs still fires: builds a throwaway tree
// with one deliberate violation per rule (and allowed imports beside them), cruises it with the
// real config and fails unless exactly the expected violations are reported.
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "../..");
const files = {
  "core/runtime/src/index.ts": "export const runtime = 1;\n",
  "core/testkit/src/index.ts": "export const testkit = 1;\n",
  "core/schema/src/index.ts": "export const schema = 1;\n",
  // Violations.
  "widgets/kit/src/uses-node.ts": 'import { readFileSync } from "node:fs";\nexport const read = readFileSync;\n',
  "apps/commerce-studio/src/uses-runtime.ts": 'export { runtime } from "../../../core/runtime/src/index.ts";\n',
  "adapters/demo/src/uses-runtime.ts": 'export { runtime } from "../../../core/runtime/src/index.ts";\n',
  "services/demo/src/a.ts": 'import { b } from "./b.ts";\nexport const a = () => b();\n',
  "services/demo/src/b.ts": 'import { a } from "./a.ts";\nexport const b = () => a();\n',
  "core/simulator/src/uses-runtime.ts": 'export { runtime } from "../../runtime/src/index.ts";\n',
  "services/demo/src/uses-testkit.ts": 'export { testkit } from "../../../core/testkit/src/index.ts";\n',
  // Allowed: a test may use testkit and node; a widget may use schema; an adapter node:crypto.
  "services/demo/src/demo.test.ts": 'export { testkit } from "../../../core/testkit/src/index.ts";\n',
  "widgets/kit/src/kit.test.ts": 'import { readFileSync } from "node:fs";\nexport const read = readFileSync;\n',
  "widgets/kit/src/uses-schema.ts": 'export { schema } from "../../../core/schema/src/index.ts";\n',
  "adapters/demo/src/uses-crypto.ts": 'export { createHmac } from "node:crypto";\n',
};
const expected = [
  "browser-no-node widgets/kit/src/uses-node.ts",
  "browser-no-server-packages apps/commerce-studio/src/uses-runtime.ts",
  "no-circular services/demo/src/a.ts", // a cycle is reported once, from its first module
  "pure-no-runtime adapters/demo/src/uses-runtime.ts",
  "simulator-standalone core/simulator/src/uses-runtime.ts",
  "testkit-only-in-tests services/demo/src/uses-testkit.ts",
];

const dir = mkdtempSync(path.join(tmpdir(), "varai-floors-"));
try {
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), text);
  }
  const bin = path.join(root, "node_modules/.bin/depcruise");
  const args = [
    "core",
    "adapters",
    "services",
    "widgets",
    "apps",
    "--config",
    path.join(root, ".dependency-cruiser.mjs"),
  ];
  let output;
  try {
    output = execFileSync(bin, [...args, "--output-type", "json"], { cwd: dir, encoding: "utf8" });
  } catch (error) {
    output = error.stdout; // depcruise exits non-zero when it finds violations, as it must here
  }
  const found = [...new Set(JSON.parse(output).summary.violations.map((v) => `${v.rule.name} ${v.from}`))].sort();
  const missing = expected.filter((line) => !found.includes(line));
  const unexpected = found.filter((line) => !expected.includes(line));
  if (missing.length > 0 || unexpected.length > 0) {
    console.error("floors self-check FAILED");
    for (const line of missing) console.error(`  not reported: ${line}`);
    for (const line of unexpected) console.error(`  reported but allowed: ${line}`);
    process.exit(1);
  }
  console.log(
    `floors self-check: each of the ${expected.length} deliberate violations reported, allowed imports passed`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}

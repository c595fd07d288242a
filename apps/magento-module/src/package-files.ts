import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { MODULE_ROOT } from "./php.ts";
import type { ZipEntry } from "./zip.ts";

/** Development-only files: the tests and their stubs, the test and lint configuration, dotfiles (caches). */
const EXCLUDED = [/^Test\//, /^phpunit\.xml\.dist$/, /^phpcs\.xml$/, /(^|\/)\./];

/** The module's shipped files, relative to its root, sorted (what composer's archive.exclude leaves). */
export function moduleFiles(dir = MODULE_ROOT): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) return moduleFiles(full);
      return [path.relative(MODULE_ROOT, full).split(path.sep).join("/")];
    })
    .filter((file) => !EXCLUDED.some((pattern) => pattern.test(file)))
    .sort();
}

export const moduleVersion = (): string =>
  (JSON.parse(readFileSync(path.join(MODULE_ROOT, "composer.json"), "utf8")) as { version: string }).version;

/** The entries of one package: the module's files under `prefix` ("" for the composer package). */
export function packageEntries(prefix: string): ZipEntry[] {
  return moduleFiles().map((file) => ({ name: `${prefix}${file}`, data: readFileSync(path.join(MODULE_ROOT, file)) }));
}

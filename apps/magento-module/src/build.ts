/**
 * `pnpm build:magento-module`: the two installable packages in apps/magento-module/dist/
 *   varai-module-tryon-<version>.zip          the composer package (composer.json at the root): what
 *                                             the Adobe Commerce Marketplace takes, or `composer require`
 *                                             from a path/artifact repository
 *   varai-module-tryon-<version>-app-code.zip laid out as app/code/Varai/TryOn: unzip in the Magento root
 */
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { moduleVersion, packageEntries } from "./package-files.ts";
import { writeZip } from "./zip.ts";

const dist = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../dist");
mkdirSync(dist, { recursive: true });
const version = moduleVersion();
const outputs = [
  [`varai-module-tryon-${version}.zip`, ""],
  [`varai-module-tryon-${version}-app-code.zip`, "app/code/Varai/TryOn/"],
] as const;
for (const [file, prefix] of outputs) {
  const entries = packageEntries(prefix);
  writeFileSync(path.join(dist, file), writeZip(entries));
  process.stdout.write(`${path.join("apps/magento-module/dist", file)}: ${entries.length} files\n`);
}

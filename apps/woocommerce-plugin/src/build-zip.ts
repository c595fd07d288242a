import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { writeZip } from "./zip.ts";

/**
 * `pnpm build:woocommerce-plugin`: dist/varai-try-on-<version>.zip, the file a merchant uploads in
 * Plugins > Add New. Only the plugin folder goes in (tests, stubs and tooling live beside it), and
 * within it nothing hidden or editor-made.
 */
export const PACKAGE_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const PLUGIN_DIR = path.join(PACKAGE_DIR, "varai-try-on");
const EXCLUDED = [/^\./, /~$/, /\.(map|swp|orig|log)$/, /^(node_modules|tests?|composer\.(json|lock)|phpcs\.xml)$/];

export function pluginVersion(): string {
  const header = readFileSync(path.join(PLUGIN_DIR, "varai-try-on.php"), "utf8");
  const version = /^\s*\*\s*Version:\s*(\S+)/m.exec(header)?.[1];
  if (!version) throw new Error("varai-try-on.php has no Version header");
  return version;
}

export function pluginFiles(dir = PLUGIN_DIR, prefix = ""): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => !EXCLUDED.some((re) => re.test(d.name)))
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((d) =>
      d.isDirectory()
        ? pluginFiles(path.join(dir, d.name), `${prefix}${d.name}/`)
        : d.isFile()
          ? [`${prefix}${d.name}`]
          : [],
    );
}

export function buildPluginZip(outDir = path.join(PACKAGE_DIR, "dist")): string {
  const entries = pluginFiles().map((file) => ({
    name: `varai-try-on/${file}`,
    data: readFileSync(path.join(PLUGIN_DIR, file)),
  }));
  mkdirSync(outDir, { recursive: true });
  const out = path.join(outDir, `varai-try-on-${pluginVersion()}.zip`);
  writeFileSync(out, writeZip(entries));
  return out;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.stdout.write(`${buildPluginZip()}\n`);
}

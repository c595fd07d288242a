import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import { buildPluginZip, PACKAGE_DIR, pluginVersion } from "./build-zip.ts";
import { readZip } from "./zip.ts";

/**
 * A real WordPress (6.5.5, from @wp-playground/wordpress-builds) in WordPress Playground's CLI,
 * offline: "install from existing files", SQLite, PHP as WebAssembly. WooCommerce is the test
 * stub in tests/playground/woocommerce; the VARAi plugin is installed from the built zip by the
 * blueprint's installPlugin step, as a merchant uploads it.
 */
export interface Playground {
  url: string;
  bootMs: number;
  /** Product and page ids the blueprint created (shortcode product, block product, plain page). */
  ids: { shortcode: number; block: number; plain: number };
  logs(): string;
  /** WordPress's debug.log (PHP notices, warnings, deprecations under WP_DEBUG). */
  debugLog(): string;
  stop(): Promise<void>;
}

const require = createRequire(import.meta.url);
const WP_ZIP = path.join(
  path.dirname(require.resolve("@wp-playground/wordpress-builds/package.json")),
  "src/wordpress/wp-6.5.zip",
);
const CLI = path.join(path.dirname(require.resolve("@wp-playground/cli/package.json")), "wp-playground.js");
const FIXTURES = path.join(PACKAGE_DIR, "tests/playground");

function unzipTo(zipFile: string, dir: string): void {
  for (const entry of readZip(readFileSync(zipFile))) {
    const target = path.join(dir, entry.name);
    if (entry.name.endsWith("/")) mkdirSync(target, { recursive: true });
    else {
      mkdirSync(path.dirname(target), { recursive: true });
      writeFileSync(target, entry.data);
    }
  }
}

const SETUP_PHP = `<?php
require '/wordpress/wp-load.php';
update_option('permalink_structure', '/%postname%/');
$make = static fn(string $type, string $title, string $content, string $sku) => wp_insert_post([
  'post_type' => $type, 'post_status' => 'publish', 'post_title' => $title, 'post_content' => $content,
  'meta_input' => $sku === '' ? [] : ['_sku' => $sku],
]);
update_option('varai_test_ids', [
  'shortcode' => $make('product', 'Aviator Classic', '<p>Gold aviators.</p>[varai_try_on]', 'AV-100'),
  'block' => $make('product', 'Round Tortoise', '<!-- wp:varai/try-on {"sku":"RT-200"} /-->', 'RT-200'),
  'plain' => $make('page', 'About us', '<p>No glasses here.</p>', ''),
]);
flush_rewrite_rules();
`;

export async function startPlayground(options: { port: number; timeoutMs?: number }): Promise<Playground> {
  const work = mkdtempSync(path.join(tmpdir(), "varai-playground-"));
  const wordpress = path.join(work, "wordpress");
  unzipTo(WP_ZIP, wordpress);
  const dist = path.join(work, "dist");
  buildPluginZip(dist);
  const blueprint = {
    landingPage: "/",
    steps: [
      { step: "activatePlugin", pluginPath: "woocommerce/woocommerce.php" },
      {
        step: "installPlugin",
        pluginData: { resource: "vfs", path: `/tmp/varai-dist/varai-try-on-${pluginVersion()}.zip` },
        options: { activate: true },
      },
      { step: "runPHP", code: SETUP_PHP },
    ],
  };
  writeFileSync(path.join(work, "blueprint.json"), JSON.stringify(blueprint));

  const started = performance.now();
  let output = "";
  const child: ChildProcess = spawn(
    process.execPath,
    [
      CLI,
      "server",
      `--port=${options.port}`,
      "--php=8.3",
      "--workers=1",
      "--wordpress-install-mode=install-from-existing-files",
      `--mount-before-install=${wordpress}:/wordpress`,
      `--mount=${path.join(FIXTURES, "woocommerce")}:/wordpress/wp-content/plugins/woocommerce`,
      `--mount=${path.join(FIXTURES, "mu-plugins")}:/wordpress/wp-content/mu-plugins`,
      `--mount=${dist}:/tmp/varai-dist`,
      `--blueprint=${path.join(work, "blueprint.json")}`,
      "--define-bool",
      "WP_DEBUG",
      "true",
      // Notices go to a log the test reads (WordPress 6.5's own deprecations under the newer PHP
      // Playground runs would otherwise break every JSON answer).
      "--define-bool",
      "WP_DEBUG_DISPLAY",
      "false",
      "--define",
      "WP_DEBUG_LOG",
      "/wordpress/wp-content/debug.log",
    ],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  child.stdout?.on("data", (d) => {
    output += d;
  });
  child.stderr?.on("data", (d) => {
    output += d;
  });
  const url = `http://127.0.0.1:${options.port}`;
  const stop = async () => {
    if (child.exitCode === null) {
      child.kill("SIGTERM");
      await new Promise((r) => child.once("exit", r));
    }
    rmSync(work, { recursive: true, force: true });
  };
  const deadline = Date.now() + (options.timeoutMs ?? 300_000);
  try {
    let ids: Playground["ids"] | null = null;
    while (!ids) {
      if (child.exitCode !== null) throw new Error(`Playground exited (${child.exitCode}):\n${output}`);
      if (Date.now() > deadline) throw new Error(`Playground did not boot in time:\n${output}`);
      ids = await readIds(url);
      if (!ids) await new Promise((r) => setTimeout(r, 1000));
    }
    const debugLog = () => {
      try {
        return readFileSync(path.join(wordpress, "wp-content/debug.log"), "utf8");
      } catch {
        return "";
      }
    };
    return { url, bootMs: Math.round(performance.now() - started), ids, logs: () => output, debugLog, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** null while the server is not up; the ids once the blueprint ran; throws on PHP output in the JSON. */
async function readIds(url: string): Promise<Playground["ids"] | null> {
  const answer = await fetch(`${url}/?rest_route=/varai-test/v1/state`).then(
    async (r) => ({ status: r.status, text: await r.text() }),
    () => null,
  );
  if (answer?.status !== 200) return null;
  try {
    return (JSON.parse(answer.text) as { ids: Playground["ids"] | null }).ids;
  } catch {
    throw new Error(
      `The test harness did not answer JSON (a PHP notice under WP_DEBUG?):\n${answer.text.slice(0, 4000)}`,
    );
  }
}

import { execFileSync, spawn, spawnSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";

/** The Magento module's root (what ships as app/code/Varai/TryOn or the composer package). */
export const MODULE_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../module");

/**
 * The PHP tools the module's tests need, from Debian (scripts/setup.sh installs them with
 * `npm run test:all`). Missing tools fail the tests with this message rather than skip them.
 */
export function requirePhpTools(tools: readonly string[] = ["php"]): void {
  const missing = tools.filter((tool) => spawnSync("sh", ["-c", `command -v ${tool}`]).status !== 0);
  if (missing.length)
    throw new Error(
      `${missing.join(", ")} not found: the Magento module's tests need Debian's php-cli, phpunit, php-codesniffer, php-xml, php-mbstring and php-sqlite3 (bash scripts/setup.sh test installs them)`,
    );
  const modules = execFileSync("php", ["-m"], { encoding: "utf8" }).split("\n");
  const needed = ["dom", "mbstring", "pdo_sqlite"].filter((m) => !modules.includes(m));
  if (needed.length)
    throw new Error(`php lacks ${needed.join(", ")} (apt-get install php-xml php-mbstring php-sqlite3)`);
}

export interface PhpRun {
  status: number;
  stdout: string;
  stderr: string;
}

/** Runs a PHP tool in the module root; never throws on a non-zero exit (the caller asserts). */
export function runInModule(command: string, args: string[], input?: string): PhpRun {
  const run = spawnSync(command, args, { cwd: MODULE_ROOT, encoding: "utf8", input, timeout: 120_000 });
  if (run.error) throw run.error;
  return { status: run.status ?? -1, stdout: run.stdout, stderr: run.stderr };
}

/**
 * The same, without blocking the event loop: for tests where the PHP talks to a server in this
 * process (the gateway), which must keep answering while PHP waits.
 */
export function runInModuleAsync(command: string, args: string[], input?: string): Promise<PhpRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: MODULE_ROOT, timeout: 120_000 });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    child.on("error", reject);
    child.on("close", (status) => resolve({ status: status ?? -1, stdout, stderr }));
    child.stdin.end(input ?? "");
  });
}

import { execFileSync, spawnSync } from "node:child_process";

/**
 * The PHP tools the tests run: php-cli, PHPUnit and PHP_CodeSniffer from Debian's packages
 * (scripts/setup.sh installs them). Missing tools skip the PHP tests on a developer machine and
 * fail them in CI, where setup.sh must have installed them.
 */
export function hasTool(command: string): boolean {
  return spawnSync("sh", ["-c", `command -v ${command}`], { stdio: "ignore" }).status === 0;
}

export const PHP_TOOLS_REQUIRED = process.env.CI === "true";

export function phpToolsMissing(...commands: string[]): string | null {
  const missing = commands.filter((c) => !hasTool(c));
  if (missing.length === 0) return null;
  const message = `missing ${missing.join(", ")}: run bash scripts/setup.sh test`;
  if (PHP_TOOLS_REQUIRED) throw new Error(message);
  return message;
}

export interface Run {
  status: number;
  output: string;
}

export function run(command: string, args: string[], options: { cwd?: string; input?: string } = {}): Run {
  const r = spawnSync(command, args, { cwd: options.cwd, input: options.input, encoding: "utf8", maxBuffer: 32 << 20 });
  return { status: r.status ?? -1, output: `${r.stdout ?? ""}${r.stderr ?? ""}` };
}

export function phpVersion(): string {
  return execFileSync("php", ["-r", "echo PHP_VERSION;"], { encoding: "utf8" });
}

import { type ChildProcess, spawn } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { startCommand } from "./test-process.ts";

/** Tests only: a service deployable as its own process, started as its package's `start` script runs it. */

const SERVICES_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

export interface ServiceProcess {
  child: ChildProcess;
  base: string;
  exited: Promise<number | null>;
  /** What it printed (stdout and stderr), for failure messages. */
  output(): string;
  stop(): Promise<void>;
}

/**
 * Runs the package's `script` (default `start`, as `pnpm --filter @varai/<pkg> start` does, but
 * as one node process) on PORT=0 and resolves with its base URL once it logs `listening` with
 * its port (pino JSON).
 */
export async function startServiceProcess(
  pkg: string,
  env: Record<string, string>,
  script = "start",
): Promise<ServiceProcess> {
  const cwd = path.join(SERVICES_DIR, pkg);
  const start = startCommand(cwd, script);
  const child = spawn(process.execPath, start.args, {
    cwd,
    env: {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? "",
      PORT: "0",
      HOST: "127.0.0.1",
      ...start.env,
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout?.on("data", (chunk: Buffer) => (out += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (out += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const base = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      clearInterval(poll);
      // Not left running: the caller has no handle on it yet.
      child.kill("SIGKILL");
      reject(new Error(`${pkg} did not start:\n${out}`));
    }, 60_000);
    const poll = setInterval(() => {
      const line = out.split("\n").find((l) => l.includes('"listening"') || l.includes(" listening"));
      if (!line) return;
      clearInterval(poll);
      clearTimeout(timer);
      resolve(`http://127.0.0.1:${(JSON.parse(line) as { port: number }).port}`);
    }, 50);
    void exited.then((code) => {
      clearInterval(poll);
      clearTimeout(timer);
      reject(new Error(`${pkg} exited with ${code}:\n${out}`));
    });
  });
  return {
    child,
    base,
    exited,
    output: () => out,
    stop: async () => {
      if (child.exitCode === null) {
        child.kill("SIGTERM");
        await exited;
      }
    },
  };
}

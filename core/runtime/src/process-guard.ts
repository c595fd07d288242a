import type { Logger } from "./ports/logger.ts";

const PROCESS_FAULTS = ["uncaughtException", "unhandledRejection"] as const;
export type ProcessFault = (typeof PROCESS_FAULTS)[number];
export type ProcessFaultCounts = Record<ProcessFault, number>;

export interface ProcessGuard {
  /** Faults seen since install. */
  counts(): ProcessFaultCounts;
  uninstall(): void;
}

type FaultListener = (error: unknown) => void;
interface FaultSource {
  on(fault: ProcessFault, listener: FaultListener): unknown;
  off(fault: ProcessFault, listener: FaultListener): unknown;
}

export interface ProcessGuardOptions {
  logger: Logger;
  /** Called after logging (the test set-up collects faults with it). */
  onFault?: (fault: ProcessFault, error: unknown) => void;
  /** The emitter to listen on; `process` unless a test passes its own. */
  target?: FaultSource;
}

const MAX_MESSAGE_CHARS = 200;

/**
 * What a fault log line carries: the error's class, code, a capped message and the stack
 * frames. Nothing else of the error object: body-parser's errors hold the raw request body,
 * HTTP client errors their headers, and V8's JSON messages quote part of the input.
 */
export function describeFault(error: unknown): Record<string, unknown> {
  if (!(error instanceof Error)) return { name: typeof error };
  const code = (error as { code?: unknown }).code;
  return {
    name: error.name,
    ...(typeof code === "string" ? { code } : {}),
    message: error.message.slice(0, MAX_MESSAGE_CHARS),
    frames: (error.stack ?? "")
      .split("\n")
      .filter((line) => line.trimStart().startsWith("at "))
      .map((line) => line.trim()),
  };
}

/**
 * The process-level backstop: an uncaught exception or unhandled rejection is logged and counted,
 * and the process keeps serving. Every stream and promise a request touches has its own error
 * path; one that slipped through concerns a single request, and exiting on it (Node's default)
 * would hand anyone holding the public storefront key a way to stop the server. Each fault is a
 * defect: the log line and the count make it visible, and the test set-up fails on it.
 */
export function installProcessGuard(options: ProcessGuardOptions): ProcessGuard {
  const target = options.target ?? process;
  const counts: ProcessFaultCounts = { uncaughtException: 0, unhandledRejection: 0 };
  const listeners = PROCESS_FAULTS.map((fault) => {
    const listener = (error: unknown) => {
      counts[fault]++;
      options.logger.error({ fault, count: counts[fault], err: describeFault(error) }, `process fault: ${fault}`);
      options.onFault?.(fault, error);
    };
    target.on(fault, listener);
    return [fault, listener] as const;
  });
  return {
    counts: () => ({ ...counts }),
    uninstall() {
      for (const [fault, listener] of listeners) target.off(fault, listener);
    },
  };
}

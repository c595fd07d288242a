import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import type { ConsumeOptions } from "../ports/queue.ts";

export const MAX_BACKOFF_MS = 60_000;

export function resolveConsumeOptions(options: ConsumeOptions = {}) {
  return {
    concurrency: Math.max(1, Math.floor(options.concurrency ?? 1)),
    maxAttempts: Math.max(1, Math.floor(options.maxAttempts ?? 5)),
    backoffMs: Math.max(0, options.backoffMs ?? 500),
    visibilityTimeoutMs: Math.max(1, options.visibilityTimeoutMs ?? 30_000),
    consumerName: options.consumerName ?? `${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`,
  };
}

/** Attempt n failed: wait base * 2^(n-1), capped at 60 s (the port's rule). */
export function backoffDelay(backoffMs: number, failedAttempt: number): number {
  return Math.min(MAX_BACKOFF_MS, backoffMs * 2 ** (failedAttempt - 1));
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

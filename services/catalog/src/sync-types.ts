import type { RuntimeDeps } from "@varai/runtime";
import type { SyncMode } from "@varai/schema";
import type { ConnectionDoc, SyncRunDoc } from "./collections.ts";
import type { CatalogStore } from "./connections-store.ts";
import type { RateGovernor } from "./governor.ts";
import type { ProductWriter } from "./product-writer.ts";
import type { AdapterRegistry } from "./registry.ts";

export interface SyncOptions {
  /** Page size asked of the adapter (clamped to its maximum). Default: the adapter's default. */
  pageSize?: number;
  /** Incremental runs re-read this much before the last run's start (clock skew, in-flight saves). Default 10 min. */
  overlapMs?: number;
  /** A run whose holder has not renewed its lease for this long is resumed by another worker. Default 60 s. */
  leaseMs?: number;
  /** Consecutive rate-limit answers a run absorbs (waiting as told) before giving the job back to the queue. */
  maxRateLimitWaits?: number;
}

export interface SyncJob {
  tenantId: string;
  runId: string;
}

export const ACTIVE = ["queued", "running"] as const;

/** A run's state after each step (queued, every page written, finished), for live progress. */
export interface SyncProgress {
  tenantId: string;
  connectionId: string;
  runId: string;
  mode: SyncMode;
  status: SyncRunDoc["status"];
  pages: number;
  counts: SyncRunDoc["counts"];
  error: string | null;
}

export interface SyncEngineDeps {
  deps: RuntimeDeps;
  store: CatalogStore;
  registry: AdapterRegistry;
  writer: ProductWriter;
  governor: RateGovernor;
  webhookUrlOf: (c: ConnectionDoc) => string;
  /** Told after every step of a run; it must not throw (a listener's failure is not the sync's). */
  onProgress?: (progress: SyncProgress) => void;
}

/** What the sync's use cases share (sync-run.ts, sync-schedule.ts). */
export interface SyncContext extends Omit<SyncEngineDeps, "onProgress"> {
  logger: RuntimeDeps["logger"];
  overlapMs: number;
  leaseMs: number;
  maxWaits: number;
  pageSize: number | undefined;
  /** This process's lease owner id. */
  me: string;
  stopping(): boolean;
  report(run: SyncRunDoc, status: SyncRunDoc["status"], error?: string | null): void;
  now(): string;
  later(ms: number): string;
  sleep(ms: number): Promise<void>;
}

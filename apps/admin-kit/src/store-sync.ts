import { useQuery } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import type { ConnectionView } from "./api.ts";
import type { SyncProgressData } from "./live.ts";
import { adminKeys, useAdminApi, useSyncProgress, useSyncRunPoll } from "./react.ts";

/** A store's sync as a screen shows it: the newest of the live event, the poll and the listed run. */
export interface SyncRunView {
  runId: string;
  mode: "full" | "incremental";
  status: SyncProgressData["status"];
  counts: SyncProgressData["counts"];
  error: string | null;
  /** Queued or running. */
  active: boolean;
}

const finished = (status: string) => status !== "queued" && status !== "running";

/** Whether the polled run is further along than what is shown (finished, or more fetched). */
export function isFurtherAlong(
  polled: { status: string; counts: { fetched: number } },
  shown: { status: string; counts: { fetched: number } },
): boolean {
  if (finished(shown.status)) return false;
  // A poll answered before the last live event must not step the screen back (running -> queued).
  return finished(polled.status) || polled.counts.fetched > shown.counts.fetched;
}

type RunLike = { runId: string; mode: SyncRunView["mode"]; status: string; counts: SyncRunView["counts"] };

/** The run to show: a live event (newer than the list), else the connection's last run. Pure. */
export function currentSyncRun(
  connection: ConnectionView | null | undefined,
  live: SyncProgressData | undefined,
  polled?: { id: string; status: SyncRunView["status"]; counts: SyncRunView["counts"]; error: string | null } | null,
): SyncRunView | null {
  const listed = connection?.lastSync ? { ...connection.lastSync, runId: connection.lastSync.id } : null;
  const base = live ?? listed;
  if (!base) return null;
  const shown: RunLike & { status: SyncRunView["status"]; error: string | null } = base;
  const run = polled && polled.id === shown.runId && isFurtherAlong(polled, shown) ? { ...shown, ...polled } : shown;
  return {
    runId: run.runId,
    mode: run.mode,
    status: run.status,
    counts: run.counts,
    error: run.error,
    active: !finished(run.status),
  };
}

/**
 * One store's sync progress, live over `/v1/live` (`sync` topic) and, while a run shows as active,
 * polled from the API every few seconds so a missed event cannot leave it at "queued". Without a
 * `connectionId`, the tenant's first store (the usual case in a platform app: one shop, one store).
 */
export function useStoreSync(connectionId?: string | null, intervalMs = 3000) {
  const api = useAdminApi();
  const progress = useSyncProgress();
  const [waiting, setWaiting] = useState(true);
  // Without an id, the tenant's first store; the list names it but carries no run (`lastSync` is
  // only in the single connection's answer), so the store itself is read by its id.
  const connections = useQuery({
    queryKey: adminKeys.connections,
    queryFn: api.connections,
    enabled: !connectionId,
    refetchInterval: waiting ? intervalMs : false,
  });
  const id = connectionId ?? connections.data?.items[0]?.id ?? null;
  // Polled while no finished run is known: the live socket is best effort, and a platform app
  // opens during its first backfill.
  const single = useQuery({
    queryKey: adminKeys.connection(id ?? ""),
    queryFn: () => api.connection(id ?? ""),
    enabled: id !== null,
    refetchInterval: waiting ? intervalMs : false,
  });
  const connection = single.data ?? null;
  const live = id ? progress[id] : undefined;
  const shown = currentSyncRun(connection, live);
  const settled = shown !== null && !shown.active;
  useEffect(() => setWaiting(!settled), [settled]);
  const polled = useSyncRunPoll(id ?? "", shown?.runId ?? null, shown?.active ?? false);
  return {
    /** The store's own query (loading and error states). */
    query: id === null ? connections : single,
    connection,
    run: currentSyncRun(connection, live, polled.data ?? null),
  };
}

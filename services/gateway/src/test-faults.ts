import type { QueuedBatch } from "@varai/analytics";

/** How long a held batch waits before each attempt: long enough for a redaction to run meanwhile. */
export const HELD_BATCH_MS = 5000;

/**
 * Tests only (`VARAI_TEST_ANALYTICS_FAULTS=<prefix>` with NODE_ENV=test): faults a privacy test
 * on the real server cannot cause through the API. A batch holding an event of a session named
 * `<prefix>fail…` fails every attempt and ends in the queue's dead letters (retries back off
 * from 20 ms, so that takes seconds, not minutes); one of a session `<prefix>hold…` is held
 * before each attempt, so it is accepted but not yet processed while the test redacts.
 */
export function analyticsTestFaults(prefix: string) {
  const has = (batch: QueuedBatch, kind: string) => batch.events.some((e) => e.sessionId.startsWith(prefix + kind));
  return {
    backoffMs: 20,
    async fault(batch: QueuedBatch) {
      if (has(batch, "fail")) throw new Error("test fault: this batch always fails");
      if (has(batch, "hold")) await new Promise((resolve) => setTimeout(resolve, HELD_BATCH_MS));
    },
  };
}

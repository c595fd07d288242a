/**
 * Acks first: on the embedded defaults the webhook intake, its event worker and the delivery-record
 * writes share one event loop. Work that can wait (handling an accepted event, writing audit
 * records) waits while deliveries are arriving, and runs in the gaps between them, so a burst is
 * acknowledged at the intake's own speed and the queue absorbs it. Nothing waits for long: a job
 * runs once it is `maxDeferMs` old even if deliveries never stop, so under a sustained load the
 * worker keeps its full throughput, `maxDeferMs` behind.
 */
export interface IntakeActivity {
  /** Called by the intake for every delivery. */
  touch(): void;
  /**
   * Resolves once no delivery has arrived for `quietMs`, or once `since` (a `performance.now()`
   * time, e.g. when the work became due) is `maxDeferMs` in the past.
   */
  idle(since: number): Promise<void>;
}

export function createIntakeActivity(options: { quietMs?: number; maxDeferMs?: number } = {}): IntakeActivity {
  const quietMs = options.quietMs ?? 3;
  const maxDeferMs = options.maxDeferMs ?? 1000;
  let lastAt = Number.NEGATIVE_INFINITY;
  return {
    touch() {
      lastAt = performance.now();
    },
    async idle(since) {
      for (;;) {
        const now = performance.now();
        const quietFor = now - lastAt;
        if (quietFor >= quietMs || now - since >= maxDeferMs) return;
        await new Promise((resolve) => setTimeout(resolve, Math.max(1, quietMs - quietFor)));
      }
    },
  };
}

import type { RateLimitSignal } from "@varai/runtime";

/**
 * Per-store rate governor: remembers the last rate-limit state each store reported and waits
 * BEFORE the next call when the budget would not cover it, so a backfill runs near the
 * platform's ceiling without being answered 429. Shopify: cost bucket (wait for the restore
 * rate to refill what the next query costs). Window quotas (BigCommerce, rate-limited Woo
 * hosts): wait for the reset when the window is spent. After a 429 / THROTTLED, wait what the
 * platform said. In-process: with several workers per store, divide `reserve` accordingly.
 */
export interface RateGovernor {
  /** Resolves when a call to the store may be made. */
  acquire(storeKey: string): Promise<void>;
  observe(storeKey: string, signal: RateLimitSignal | null): void;
  penalize(storeKey: string, retryAfterMs: number): void;
  /** ms the next acquire would wait (for tests and metrics). */
  delayFor(storeKey: string): number;
}

interface State {
  lastCallAt: number;
  signal: RateLimitSignal | null;
  observedAt: number;
  blockedUntil: number;
}

export function createRateGovernor(options: { now?: () => number; reserve?: number } = {}): RateGovernor {
  const now = options.now ?? (() => performance.now());
  const reserve = options.reserve ?? 0;
  const states = new Map<string, State>();
  const stateOf = (key: string) => {
    let s = states.get(key);
    if (!s) {
      s = { signal: null, observedAt: 0, blockedUntil: 0, lastCallAt: Number.NEGATIVE_INFINITY };
      states.set(key, s);
      if (states.size > 10_000) states.delete(states.keys().next().value as string);
    }
    return s;
  };

  const delayFor = (key: string) => {
    const s = stateOf(key);
    const t = now();
    let wait = Math.max(0, s.blockedUntil - t);
    const sig = s.signal;
    if (sig) {
      const elapsed = t - s.observedAt;
      if (sig.restorePerSecond && sig.restorePerSecond > 0) {
        const available = Math.min(sig.capacity, sig.remaining + (elapsed / 1000) * sig.restorePerSecond);
        const need = sig.cost + reserve;
        if (available < need) wait = Math.max(wait, ((need - available) / sig.restorePerSecond) * 1000);
      } else if (sig.resetMs !== null && sig.remaining <= reserve) {
        wait = Math.max(wait, sig.resetMs - elapsed); // the window is spent: wait for its reset
      } else if (sig.windowMs !== null && sig.capacity > 0) {
        // Pace the quota evenly over the window rather than bursting it and idling.
        wait = Math.max(wait, s.lastCallAt + sig.windowMs / sig.capacity - t);
      }
    }
    return Math.ceil(wait);
  };

  return {
    async acquire(key) {
      const wait = delayFor(key);
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      // Count this call against the local estimate so back-to-back callers do not all pass.
      const s = stateOf(key);
      s.lastCallAt = now();
      if (s.signal) {
        const elapsed = now() - s.observedAt;
        const restored = s.signal.restorePerSecond ? (elapsed / 1000) * s.signal.restorePerSecond : 0;
        s.signal = {
          ...s.signal,
          remaining: Math.min(s.signal.capacity, s.signal.remaining + restored) - s.signal.cost,
        };
        if (s.signal.restorePerSecond) s.observedAt = now();
      }
    },
    observe(key, signal) {
      if (!signal) return;
      const s = stateOf(key);
      s.signal = signal;
      s.observedAt = now();
    },
    penalize(key, retryAfterMs) {
      const s = stateOf(key);
      s.blockedUntil = Math.max(s.blockedUntil, now() + retryAfterMs);
    },
    delayFor,
  };
}

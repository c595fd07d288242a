import type { RateLimitSignal } from "@varai/commerce";

/**
 * Per-store rate governor: keeps an estimate of each store's remaining budget (the platform's
 * last report, minus the calls made since, plus what refilled) and waits BEFORE a call the budget
 * would not cover, so a backfill runs at the platform's ceiling without being answered 429.
 *
 * - Continuous refill (Shopify's cost bucket; host quotas with an IETF policy window): go while
 *   the estimate covers the next call's cost, else wait exactly until the refill does. Requests
 *   stay in flight back to back at the refill rate, so the budget is used continuously instead of
 *   being spent in a burst and then idled for a whole window.
 * - Fixed window (BigCommerce: the quota comes back in full at the reset): spend it while some is
 *   left, then wait for the reset.
 * - After a 429 / THROTTLED: wait what the platform said (`penalize`).
 *
 * Every call counts, setup calls included: `acquire` charges the estimate before the call, and a
 * call still in flight when a report arrives is subtracted from that report (the platform may not
 * have counted it yet). In-process: with several workers per store, divide `reserve` accordingly.
 */
export interface RateGovernor {
  /**
   * Resolves when a call to the store may be made; charges the call to the estimate. `cost`: what
   * the call will spend when it differs from the last reported call's (setup calls: 1).
   */
  acquire(storeKey: string, cost?: number): Promise<void>;
  /** The rate-limit state a response reported (null: the call is done, nothing was reported). */
  observe(storeKey: string, signal: RateLimitSignal | null): void;
  penalize(storeKey: string, retryAfterMs: number): void;
  /** ms the next acquire would wait (for tests and metrics). */
  delayFor(storeKey: string): number;
}

interface State {
  /** Estimated units left at `at` (may go negative: calls were charged ahead of a report). */
  remaining: number;
  at: number;
  signal: RateLimitSignal | null;
  /** Calls acquired whose response has not been observed yet. */
  inFlight: number;
  lastAcquireAt: number;
  blockedUntil: number;
}

/** A call whose response never came back (an exception) stops counting as in flight after this. */
const IN_FLIGHT_EXPIRY_MS = 30_000;

export function createRateGovernor(options: { now?: () => number; reserve?: number } = {}): RateGovernor {
  const now = options.now ?? (() => performance.now());
  const reserve = options.reserve ?? 0;
  const states = new Map<string, State>();
  const stateOf = (key: string) => {
    let s = states.get(key);
    if (!s) {
      s = { remaining: 0, at: 0, signal: null, inFlight: 0, lastAcquireAt: 0, blockedUntil: 0 };
      states.set(key, s);
      if (states.size > 10_000) states.delete(states.keys().next().value as string);
    }
    return s;
  };

  /** The estimate brought forward to `t` (continuous refill, or the window's reset). */
  const advance = (s: State, t: number) => {
    const sig = s.signal;
    if (!sig) return;
    if (sig.restorePerSecond && sig.restorePerSecond > 0) {
      s.remaining = Math.min(sig.capacity, s.remaining + ((t - s.at) / 1000) * sig.restorePerSecond);
      s.at = t;
    } else if (sig.resetMs !== null && t - s.at >= sig.resetMs) {
      // The window reset: a full quota (minus calls still in flight, charged again below).
      s.remaining = sig.capacity - s.inFlight * sig.cost;
      s.signal = { ...sig, resetMs: sig.windowMs ?? sig.resetMs };
      s.at = t;
    }
  };

  const delayFor = (key: string, cost?: number) => {
    const s = stateOf(key);
    const t = now();
    let wait = Math.max(0, s.blockedUntil - t);
    const sig = s.signal;
    if (sig) {
      advance(s, t);
      const need = Math.min(sig.capacity, (cost ?? sig.cost) + reserve);
      if (s.remaining < need) {
        if (sig.restorePerSecond && sig.restorePerSecond > 0)
          wait = Math.max(wait, ((need - s.remaining) / sig.restorePerSecond) * 1000);
        else if (sig.resetMs !== null) wait = Math.max(wait, sig.resetMs - (t - s.at));
      }
    }
    return Math.ceil(wait);
  };

  return {
    async acquire(key, cost) {
      // Re-check after each wait: another caller may have taken the budget meanwhile.
      for (let wait = delayFor(key, cost); wait > 0; wait = delayFor(key, cost))
        await new Promise((resolve) => setTimeout(resolve, wait));
      const s = stateOf(key);
      const t = now();
      if (t - s.lastAcquireAt > IN_FLIGHT_EXPIRY_MS) s.inFlight = 0;
      s.lastAcquireAt = t;
      s.inFlight++;
      if (s.signal) {
        advance(s, t);
        s.remaining -= cost ?? s.signal.cost;
      }
    },
    observe(key, signal) {
      const s = stateOf(key);
      s.inFlight = Math.max(0, s.inFlight - 1);
      if (!signal) return;
      // Calls still in flight were charged to the old estimate; charge them to the new report too.
      s.signal = signal;
      s.remaining = signal.remaining - s.inFlight * signal.cost;
      s.at = now();
    },
    penalize(key, retryAfterMs) {
      const s = stateOf(key);
      s.inFlight = Math.max(0, s.inFlight - 1);
      s.blockedUntil = Math.max(s.blockedUntil, now() + retryAfterMs);
    },
    delayFor: (key) => delayFor(key),
  };
}

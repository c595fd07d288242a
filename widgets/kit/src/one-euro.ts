/**
 * One Euro filter (Casiez, Roussel, Vogel, CHI 2012): a low-pass filter whose cutoff rises
 * with speed, so a still face stops jittering while a moving face does not lag. Landmark
 * jitter is the top complaint about face-mesh try-on (TRYON.md).
 */
export interface OneEuroOptions {
  /** Cutoff (Hz) at rest: lower = less jitter, more lag. */
  minCutoff?: number;
  /** How fast the cutoff grows with speed: higher = less lag on fast moves. */
  beta?: number;
  /** Cutoff (Hz) used to smooth the derivative. */
  dCutoff?: number;
}

export interface OneEuroFilter {
  /** Filters one sample taken at `timeMs` (monotonic milliseconds). */
  filter(value: number, timeMs: number): number;
  reset(): void;
}

function alpha(cutoffHz: number, dtSeconds: number): number {
  const tau = 1 / (2 * Math.PI * cutoffHz);
  return 1 / (1 + tau / dtSeconds);
}

export function createOneEuroFilter(options: OneEuroOptions = {}): OneEuroFilter {
  const minCutoff = options.minCutoff ?? 1;
  const beta = options.beta ?? 0.007;
  const dCutoff = options.dCutoff ?? 1;
  let prevValue: number | null = null;
  let prevDerivative = 0;
  let prevTime = 0;

  return {
    filter(value, timeMs) {
      if (prevValue === null) {
        prevValue = value;
        prevTime = timeMs;
        return value;
      }
      // Two samples with the same timestamp (a repeated video frame): keep the last output.
      const dt = (timeMs - prevTime) / 1000;
      if (dt <= 0) return prevValue;
      const derivative = (value - prevValue) / dt;
      const smoothedDerivative = prevDerivative + alpha(dCutoff, dt) * (derivative - prevDerivative);
      const cutoff = minCutoff + beta * Math.abs(smoothedDerivative);
      const out = prevValue + alpha(cutoff, dt) * (value - prevValue);
      prevValue = out;
      prevDerivative = smoothedDerivative;
      prevTime = timeMs;
      return out;
    },
    reset() {
      prevValue = null;
      prevDerivative = 0;
    },
  };
}

/** A One Euro filter per named channel (x, y, roll, scale, yaw …), sharing one set of options. */
export function createOneEuroFilterSet<K extends string>(keys: readonly K[], options: OneEuroOptions = {}) {
  const filters = Object.fromEntries(keys.map((k) => [k, createOneEuroFilter(options)])) as Record<K, OneEuroFilter>;
  return {
    filter(values: Record<K, number>, timeMs: number): Record<K, number> {
      const out = {} as Record<K, number>;
      for (const k of keys) out[k] = filters[k].filter(values[k], timeMs);
      return out;
    },
    reset() {
      for (const k of keys) filters[k].reset();
    },
  };
}

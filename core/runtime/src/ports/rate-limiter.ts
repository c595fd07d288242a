/**
 * RateLimiter: fixed-budget token counting per key (API key, IP, login email, store).
 * Backed by rate-limiter-flexible: RateLimiterRedis in production, RateLimiterMemory by default.
 */
export interface RateLimitPolicy {
  /** Distinguishes policies sharing one backend (e.g. "login-ip", "storefront-key"). */
  name: string;
  /** Requests allowed per window. */
  points: number;
  windowMs: number;
  /** When the budget is spent, block the key for this long (brute-force lockout). Default: until the window resets. */
  blockMs?: number;
}

export interface RateLimitDecision {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Milliseconds until the budget is fully restored. */
  resetMs: number;
  /** Set when refused: how long to wait before retrying. */
  retryAfterMs: number | null;
}

export interface RateLimiter {
  readonly kind: "redis" | "memory";
  consume(policy: RateLimitPolicy, key: string, points?: number): Promise<RateLimitDecision>;
  /** Forgets a key (e.g. after a successful login). */
  reset(policy: RateLimitPolicy, key: string): Promise<void>;
  /** Releases connections the limiter opened itself. */
  close(): Promise<void>;
}

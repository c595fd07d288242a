import { getPrincipal, type RateLimitDecision, type RateLimiter, type RateLimitPolicy } from "@varai/runtime";
import { AppError } from "@varai/schema";
import type { RequestHandler, Response } from "express";

/** Limits as data: the gateway may pass its own (e.g. from configuration) under the same names. */
export interface RateLimitPolicies {
  /** Every request, per client IP. */
  ip: RateLimitPolicy;
  /** Requests made with one publishable key (all shoppers of a storefront share it). */
  publishableKey: RateLimitPolicy;
  /** Requests made with one secret key. */
  secretKey: RateLimitPolicy;
  /** Requests made by one signed-in user. */
  user: RateLimitPolicy;
  /** Login attempts per client IP, whatever the email (credential stuffing). */
  loginIp: RateLimitPolicy;
  /**
   * Login attempts per email and client IP since that address's last success there: one
   * address guessing one account. An address with an attempt counted here is "failing" for
   * that email. A successful login resets it.
   */
  loginEmailIp: RateLimitPolicy;
  /**
   * Per email: attempts from addresses that are not failing for it, let through to the
   * password check however slowed the email is (the owner signing in while someone guesses).
   * Beyond this budget such addresses are slowed like failing ones, so many addresses cannot
   * each have a free guess.
   */
  loginNewAddress: RateLimitPolicy;
  /** Per email: the growing delays for attempts from failing addresses (see `slowdownRungs`). */
  loginSlowdown: SlowdownPolicy;
  /** Refused tokens and keys per client IP: guessing keys fails before the per-key budget can apply. */
  authFailureIp: RateLimitPolicy;
}

/**
 * Growing delays as fixed-window budgets, so that any RateLimiter (Redis across processes)
 * can enforce them atomically: `freeAttempts` in the first window, one more per rung as the
 * window doubles from `firstDelayMs` up to `maxDelayMs`. Attempts in a quick succession past
 * the free ones wait about 1, 2, 4, 8... times `firstDelayMs`, and at most
 * `freeAttempts + rungs - 1` get through per `maxDelayMs` however patient the guesser is.
 */
export interface SlowdownPolicy {
  /** Prefix of the rungs' policy names (`<name>-0`, `<name>-1`...). */
  name: string;
  freeAttempts: number;
  firstDelayMs: number;
  maxDelayMs: number;
}

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

export const DEFAULT_RATE_LIMITS: RateLimitPolicies = {
  ip: { name: "ip", points: 1200, windowMs: MINUTE },
  publishableKey: { name: "key-publishable", points: 6000, windowMs: MINUTE },
  secretKey: { name: "key-secret", points: 1200, windowMs: MINUTE },
  user: { name: "user", points: 600, windowMs: MINUTE },
  loginIp: { name: "login-ip", points: 30, windowMs: 15 * MINUTE, blockMs: 15 * MINUTE },
  loginEmailIp: { name: "login-email-ip", points: 10, windowMs: HOUR },
  loginNewAddress: { name: "login-new-address", points: 10, windowMs: HOUR },
  loginSlowdown: { name: "login-slowdown", freeAttempts: 3, firstDelayMs: SECOND, maxDelayMs: HOUR },
  authFailureIp: { name: "auth-failure-ip", points: 60, windowMs: MINUTE, blockMs: 15 * MINUTE },
};

/** The rungs of a slowdown (see `SlowdownPolicy`), shortest window first. */
export function slowdownRungs(policy: SlowdownPolicy): RateLimitPolicy[] {
  const { freeAttempts, firstDelayMs, maxDelayMs } = policy;
  if (!Number.isInteger(freeAttempts) || freeAttempts < 1 || !(firstDelayMs > 0) || !(maxDelayMs >= firstDelayMs)) {
    throw new AppError(
      "INVALID_CONFIG",
      `Slowdown "${policy.name}" needs freeAttempts >= 1 and 0 < firstDelayMs <= maxDelayMs`,
    );
  }
  const rungs: RateLimitPolicy[] = [];
  for (let windowMs = firstDelayMs; ; windowMs *= 2) {
    const capped = Math.min(windowMs, maxDelayMs);
    rungs.push({ name: `${policy.name}-${rungs.length}`, points: freeAttempts + rungs.length, windowMs: capped });
    if (capped === maxDelayMs) return rungs;
  }
}

/**
 * Consumes every policy that applies and refuses on the first one spent. The `RateLimit-*`
 * headers (IETF draft-ietf-httpapi-ratelimit-headers) describe the tightest budget.
 */
export async function enforce(
  limiter: RateLimiter,
  res: Response | null,
  checks: ReadonlyArray<readonly [RateLimitPolicy, string]>,
): Promise<RateLimitDecision[]> {
  const decisions: RateLimitDecision[] = [];
  let tightest: RateLimitDecision | null = null;
  for (const [policy, key] of checks) {
    const decision = await limiter.consume(policy, key);
    decisions.push(decision);
    if (!decision.allowed) {
      if (res) setHeaders(res, decision);
      throw new AppError("RATE_LIMITED", "Too many requests, retry later", {
        details: { retryAfterMs: decision.retryAfterMs ?? decision.resetMs },
      });
    }
    if (!tightest || decision.remaining / decision.limit < tightest.remaining / tightest.limit) tightest = decision;
  }
  if (res && tightest) setHeaders(res, tightest);
  return decisions;
}

function setHeaders(res: Response, decision: RateLimitDecision): void {
  // The limiter is awaited: by then the server may have answered the request already (a body that
  // broke the framing, a client gone), and a header set now would throw ERR_HTTP_HEADERS_SENT.
  if (res.headersSent) return;
  res.setHeader("RateLimit-Limit", String(decision.limit));
  res.setHeader("RateLimit-Remaining", String(Math.max(0, decision.remaining)));
  res.setHeader("RateLimit-Reset", String(Math.max(0, Math.ceil(decision.resetMs / 1000))));
}

/** Per-IP budget for everyone, plus a per-key or per-user budget for authenticated callers. */
export function createRateLimitMiddleware(limiter: RateLimiter, policies: RateLimitPolicies): RequestHandler {
  return async (req, res, next) => {
    const principal = getPrincipal(res);
    const checks: Array<readonly [RateLimitPolicy, string]> = [[policies.ip, req.ip ?? "unknown"]];
    if (principal?.kind === "storefront") checks.push([policies.publishableKey, principal.keyId]);
    else if (principal?.kind === "secret-key") checks.push([policies.secretKey, principal.keyId]);
    else if (principal?.kind === "user") checks.push([policies.user, principal.userId]);
    await enforce(limiter, res, checks);
    next();
  };
}

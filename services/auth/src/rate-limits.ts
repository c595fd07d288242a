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
  /** Login attempts per client IP (credential stuffing). */
  loginIp: RateLimitPolicy;
  /** Login attempts per email: the lockout. Reset by a successful login. */
  loginEmail: RateLimitPolicy;
  /** Refused tokens and keys per client IP: guessing keys fails before the per-key budget can apply. */
  authFailureIp: RateLimitPolicy;
}

const MINUTE = 60_000;

export const DEFAULT_RATE_LIMITS: RateLimitPolicies = {
  ip: { name: "ip", points: 1200, windowMs: MINUTE },
  publishableKey: { name: "key-publishable", points: 6000, windowMs: MINUTE },
  secretKey: { name: "key-secret", points: 1200, windowMs: MINUTE },
  user: { name: "user", points: 600, windowMs: MINUTE },
  loginIp: { name: "login-ip", points: 30, windowMs: 15 * MINUTE, blockMs: 15 * MINUTE },
  loginEmail: { name: "login-email", points: 5, windowMs: 15 * MINUTE, blockMs: 15 * MINUTE },
  authFailureIp: { name: "auth-failure-ip", points: 60, windowMs: MINUTE, blockMs: 15 * MINUTE },
};

/**
 * Consumes every policy that applies and refuses on the first one spent. The `RateLimit-*`
 * headers (IETF draft-ietf-httpapi-ratelimit-headers) describe the tightest budget.
 */
export async function enforce(
  limiter: RateLimiter,
  res: Response | null,
  checks: ReadonlyArray<readonly [RateLimitPolicy, string]>,
): Promise<void> {
  let tightest: RateLimitDecision | null = null;
  for (const [policy, key] of checks) {
    const decision = await limiter.consume(policy, key);
    if (!decision.allowed) {
      if (res) setHeaders(res, decision);
      throw new AppError("RATE_LIMITED", "Too many requests, retry later", {
        details: { retryAfterMs: decision.retryAfterMs ?? decision.resetMs },
      });
    }
    if (!tightest || decision.remaining / decision.limit < tightest.remaining / tightest.limit) tightest = decision;
  }
  if (res && tightest) setHeaders(res, tightest);
}

function setHeaders(res: Response, decision: RateLimitDecision): void {
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

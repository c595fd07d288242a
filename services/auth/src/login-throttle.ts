import type { RateLimiter } from "@varai/runtime";
import { enforce, type RateLimitPolicies, slowdownRungs } from "./rate-limits.ts";
import { sha256 } from "./tokens.ts";

export interface LoginThrottle {
  /**
   * Spends the attempt's budgets before any password work; AppError RATE_LIMITED (with the
   * wait) when one is spent. Call `succeeded()` on the result once the password was right.
   */
  admit(email: string, ip: string): Promise<{ succeeded(): Promise<void> }>;
}

/**
 * A per-email lockout lets anyone who knows an address keep its owner out. Instead: each
 * address is throttled per email, and the email slows down only the addresses that have been
 * failing for it (delays growing with their attempts), while an address that has not been
 * failing goes straight to the password check, within a per-email budget for such addresses.
 * Every budget is a RateLimiter key, so the counts hold across processes with Redis.
 */
export function createLoginThrottle(limiter: RateLimiter, policies: RateLimitPolicies): LoginThrottle {
  const rungs = slowdownRungs(policies.loginSlowdown);
  return {
    async admit(email, ip) {
      // Limiter keys (in Redis) hold no addresses: the email is hashed.
      const emailKey = sha256(email);
      const addressKey = `${emailKey}:${ip}`;
      const [, fromAddress] = await enforce(limiter, null, [
        [policies.loginIp, ip],
        [policies.loginEmailIp, addressKey],
      ]);
      // More than this attempt counted: the address has tried this email since its last success.
      const failing = fromAddress !== undefined && fromAddress.limit - fromAddress.remaining > 1;
      const letThrough = !failing && (await limiter.consume(policies.loginNewAddress, emailKey)).allowed;
      if (!letThrough) {
        await enforce(
          limiter,
          null,
          rungs.map((rung) => [rung, emailKey] as const),
        );
      }
      return {
        async succeeded() {
          await limiter.reset(policies.loginEmailIp, addressKey);
        },
      };
    },
  };
}

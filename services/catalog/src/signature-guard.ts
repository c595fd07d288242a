import type { IncomingMessage } from "node:http";
import type { RateLimitPolicy, RuntimeDeps } from "@varai/runtime";
import { AppError } from "@varai/schema";
import proxyAddr from "proxy-addr";

/**
 * Webhooks skip the gateway's per-IP budget (they arrive in platform bursts), so refused
 * signatures have their own: a client that sends more than 60 in a minute is refused (429) for 15 minutes
 * before its bodies are read or hashed. Platforms sign correctly, so only forgers and a
 * misconfigured secret spend it; the latter shows as `rejectedSignatures` in the connection's health.
 */
export const SIGNATURE_FAILURE_POLICY: RateLimitPolicy = {
  name: "webhook-signature-failure-ip",
  points: 60,
  windowMs: 60_000,
  blockMs: 15 * 60_000,
};

/**
 * Clients whose signature budget is spent, remembered in-process so that the check costs no
 * limiter call on the ack path. Bounded: past `max` entries the oldest block is forgotten (the
 * shared limiter still counts its next failure).
 */
function createBlockList(max = 10_000) {
  const until = new Map<string, number>();
  return {
    blocked(ip: string, now: number): number {
      const t = until.get(ip);
      if (t === undefined) return 0;
      if (t > now) return t - now;
      until.delete(ip);
      return 0;
    },
    block(ip: string, untilMs: number) {
      until.delete(ip);
      until.set(ip, untilMs);
      if (until.size > max) until.delete(until.keys().next().value as string);
    },
  };
}

/** The client's address as express would give it with "trust proxy" = loopback (http-app.ts). */
const TRUST_LOOPBACK = proxyAddr.compile("loopback");
const clientIp = (req: IncomingMessage) => proxyAddr(req, TRUST_LOOPBACK);

/**
 * The intake's guard against forged deliveries: `check` refuses (429) a client whose budget is
 * spent before its body is read; `refused` spends the budget of a client whose delivery failed
 * its signature (or had none).
 */
export function createSignatureGuard(deps: Pick<RuntimeDeps, "rateLimiter" | "logger">) {
  const blockList = createBlockList();
  /** Spends the caller's refused-signature budget; once spent, its next deliveries get 429 unread. */
  const refused = async (ip: string) => {
    try {
      const decision = await deps.rateLimiter.consume(SIGNATURE_FAILURE_POLICY, ip);
      if (!decision.allowed) blockList.block(ip, Date.now() + (decision.retryAfterMs ?? decision.resetMs));
    } catch (error) {
      // The limiter's store is down: the delivery is still refused (401), only not counted.
      deps.logger.warn({ err: error }, "refused-signature budget not counted");
    }
  };

  return {
    clientIp,
    /** Throws RATE_LIMITED while `ip` is blocked. */
    check(ip: string) {
      const blockedForMs = blockList.blocked(ip, Date.now());
      if (blockedForMs > 0)
        throw new AppError("RATE_LIMITED", "Too many refused signatures, retry later", {
          details: { retryAfterMs: blockedForMs },
        });
    },
    refused,
  };
}
export type SignatureGuard = ReturnType<typeof createSignatureGuard>;

import { createHash, randomBytes } from "node:crypto";
import type { Cache } from "@varai/runtime";
import type { Role } from "@varai/schema";

/** Who a ticket was issued to: the socket acts for this tenant with this role. */
export interface LiveTicketHolder {
  tenantId: string;
  userId: string;
  role: Role;
}

export const LIVE_TICKET_TTL_MS = 30_000;

/**
 * Short-lived single-use tickets for opening a live socket. Browsers cannot set headers on a
 * WebSocket, so the credential goes in the URL: a ticket, good for one upgrade within 30 s,
 * rather than the access token, so nothing long-lived lands in a URL or an access log. Kept in
 * the cache (Redis with REDIS_URL, so any process can redeem), under the ticket's hash.
 */
export function createLiveTickets(cache: Cache, options: { ttlMs?: number } = {}) {
  const ttlMs = options.ttlMs ?? LIVE_TICKET_TTL_MS;
  const keyOf = (ticket: string) => `live:ticket:${createHash("sha256").update(ticket).digest("base64url")}`;
  return {
    ttlMs,
    async issue(holder: LiveTicketHolder): Promise<string> {
      const ticket = `lt_${randomBytes(32).toString("base64url")}`;
      await cache.set(keyOf(ticket), holder, ttlMs);
      return ticket;
    },
    /** The holder, once: a second redemption (or an expired/unknown ticket) is null. */
    async redeem(ticket: string): Promise<LiveTicketHolder | null> {
      if (!/^lt_[A-Za-z0-9_-]{43}$/.test(ticket)) return null;
      const key = keyOf(ticket);
      const holder = await cache.get<LiveTicketHolder>(key);
      if (!holder) return null;
      // The counter is atomic (Redis INCR with REDIS_URL): of two racing upgrades, one sees 1.
      if ((await cache.increment(`${key}:used`, 1, ttlMs)) !== 1) return null;
      await cache.delete(key);
      return holder;
    },
  };
}
export type LiveTickets = ReturnType<typeof createLiveTickets>;

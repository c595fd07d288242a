import { createHmac, timingSafeEqual } from "node:crypto";
import type { Principal } from "@varai/schema";
import { AppError } from "@varai/schema";
import type { RequestHandler } from "express";

/**
 * The principal the gateway authenticated, carried to a service process over HTTP. The gateway
 * signs it (HMAC-SHA256 with VARAI_INTERNAL_KEY, shared by the gateway and the services, from
 * the secret manager) together with the method, path, request id and a timestamp; a service
 * trusts it only when the signature verifies. A caller outside cannot forge it without the key,
 * and the gateway overwrites both headers on everything it forwards.
 */
export const INTERNAL_HEADERS = {
  principal: "x-varai-principal",
  signature: "x-varai-internal-signature",
} as const;

/** A signature older (or further ahead) than this is refused: a captured call cannot be replayed later. */
const MAX_SKEW_MS = 60_000;
const PRINCIPAL_KINDS = new Set(["user", "storefront", "secret-key", "platform"]);

function mac(key: Uint8Array, timestamp: string, method: string, path: string, requestId: string, principal: string) {
  return createHmac("sha256", key).update(`${timestamp}\n${method}\n${path}\n${requestId}\n${principal}`).digest("hex");
}

/** What a signed call carries: who (the principal) and, when the gateway knows it, the tenant's region. */
export interface InternalIdentity {
  principal: Principal;
  region: string | null;
}

/** The two headers that carry `identity` on a call to `method path` with `requestId`. */
export function signInternalCall(
  key: Uint8Array,
  call: { method: string; path: string; requestId: string } & InternalIdentity,
  now = Date.now(),
): Record<string, string> {
  const identity = { principal: call.principal, region: call.region };
  const principal = Buffer.from(JSON.stringify(identity)).toString("base64url");
  const timestamp = String(now);
  return {
    [INTERNAL_HEADERS.principal]: principal,
    [INTERNAL_HEADERS.signature]: `t=${timestamp},v1=${mac(key, timestamp, call.method.toUpperCase(), call.path, call.requestId, principal)}`,
  };
}

/** The identity of a signed internal call, or why it is refused. */
export function verifyInternalCall(
  key: Uint8Array,
  call: { method: string; path: string; requestId: string; headers: Record<string, string | string[] | undefined> },
  now = Date.now(),
): InternalIdentity {
  const principal = call.headers[INTERNAL_HEADERS.principal];
  const signature = call.headers[INTERNAL_HEADERS.signature];
  if (typeof principal !== "string" || typeof signature !== "string")
    throw new AppError("UNAUTHENTICATED", "This service takes signed calls from the gateway only");
  const match = /^t=(\d{1,16}),v1=([0-9a-f]{64})$/.exec(signature);
  if (!match) throw new AppError("UNAUTHENTICATED", "Malformed internal signature");
  const [, timestamp, given] = match as unknown as [string, string, string];
  if (Math.abs(now - Number(timestamp)) > MAX_SKEW_MS)
    throw new AppError("UNAUTHENTICATED", "Internal signature expired");
  const expected = mac(key, timestamp, call.method.toUpperCase(), call.path, call.requestId, principal);
  if (!timingSafeEqual(Buffer.from(expected, "hex"), Buffer.from(given, "hex")))
    throw new AppError("UNAUTHENTICATED", "Internal signature does not verify");
  const decoded = JSON.parse(Buffer.from(principal, "base64url").toString("utf8")) as Partial<InternalIdentity>;
  if (!PRINCIPAL_KINDS.has(decoded.principal?.kind ?? "") || typeof decoded.principal?.tenantId !== "string")
    throw new AppError("UNAUTHENTICATED", "Internal principal is not a principal");
  return { principal: decoded.principal, region: typeof decoded.region === "string" ? decoded.region : null };
}

/**
 * A service process's `authenticate`: sets `res.locals.principal` (and `res.locals.tenantRegion`)
 * from a verified signed call.
 * A call without the headers goes on unauthenticated (probes, /metrics); routes that need a
 * principal refuse it as they would at the gateway. A call with bad headers is refused (401).
 */
export function internalAuthentication(key: Uint8Array): RequestHandler {
  return (req, res, next) => {
    if (req.headers[INTERNAL_HEADERS.principal] === undefined && req.headers[INTERNAL_HEADERS.signature] === undefined)
      return next();
    try {
      const identity = verifyInternalCall(key, {
        method: req.method,
        path: req.originalUrl,
        requestId: String(res.locals.requestId ?? ""),
        headers: req.headers,
      });
      res.locals.principal = identity.principal;
      res.locals.tenantRegion = identity.region;
      next();
    } catch (error) {
      next(error);
    }
  };
}

import { createHmac } from "node:crypto";
import { getPrincipal, type Logger, type TenantCollection } from "@varai/runtime";
import { type AuditEntry, newId, type Principal, TenantIdSchema } from "@varai/schema";
import type { RequestHandler, Response } from "express";
import type { AuditDoc } from "./collections.ts";
import { PLATFORM_TENANT_ID } from "./collections.ts";

export interface AuditRecordInput {
  tenantId: string;
  actor: AuditEntry["actor"];
  action: string;
  target?: AuditEntry["target"];
  outcome: AuditEntry["outcome"];
  requestId?: string;
}

export interface AuditLog {
  record(input: AuditRecordInput): Promise<void>;
  list(tenantId: string, options: { limit: number; before?: string }): Promise<AuditEntry[]>;
  /** Records every mutating call of a user or secret key after its response (see README). */
  middleware: RequestHandler;
}

/**
 * Lets a route name the tenant and target of the call for the audit entry, where the path
 * alone does not say (a platform admin creating a tenant, a privacy subject).
 */
export function setAuditContext(
  res: Response,
  context: { tenantId?: string; target?: AuditEntry["target"]; recordedByRoute?: boolean },
): void {
  res.locals.audit = { ...(res.locals.audit as object | undefined), ...context };
}

export function actorOf(principal: Principal): AuditEntry["actor"] {
  switch (principal.kind) {
    case "user":
      return { kind: "user", id: principal.userId };
    case "storefront":
    case "secret-key":
      return { kind: principal.kind, id: principal.keyId };
    case "platform":
      return { kind: "platform", id: principal.source };
  }
}

/**
 * Shopper identifiers never enter the audit log in clear: the log outlives a redaction, and
 * a redacted shopper must not be findable anywhere afterwards. The digest is an HMAC with a
 * server secret, so nobody holding the log (a backup, a tenant admin) can recompute it from a
 * tenant and customer id they know; the server can still match entries about one subject.
 */
export function subjectDigest(key: Uint8Array, tenantId: string, value: string): string {
  return `sub_${createHmac("sha256", key).update(`${tenantId}\u0000${value}`).digest("hex").slice(0, 32)}`;
}

/** Digests written before the HMAC (plain SHA-256, 24 hex digits): recomputable, so removed. */
export const UNKEYED_DIGEST = /^sub_[0-9a-f]{24}$/;
export const REMOVED_DIGEST = "sub_removed";

/** A platform admin's `X-VARAi-Tenant`, when it is a well-formed tenant id. */
function platformTarget(header: string | undefined): string {
  return header && TenantIdSchema.safeParse(header).success ? header : PLATFORM_TENANT_ID;
}

/**
 * The `:id` of a route pattern, read from the path: express restores `req.params` when an
 * error leaves the router, so on failures it is gone by the time the response finishes.
 */
function idFromPath(pattern: string, path: string): string | undefined {
  const names = pattern.split("/");
  const values = path.split("/");
  const at = names.indexOf(":id");
  return at >= 0 && names.length === values.length ? decodeURIComponent(values[at] ?? "") || undefined : undefined;
}

const MUTATING = new Set(["POST", "PUT", "PATCH", "DELETE"]);

export function createAuditLog(deps: {
  collection: TenantCollection<AuditDoc>;
  clock: () => Date;
  logger: Logger;
}): AuditLog {
  const record: AuditLog["record"] = async (input) => {
    await deps.collection.insertOne(input.tenantId, {
      id: newId("audit"),
      actor: input.actor,
      action: input.action,
      ...(input.target ? { target: input.target } : {}),
      ...(input.requestId ? { requestId: input.requestId } : {}),
      outcome: input.outcome,
      at: deps.clock().toISOString(),
    });
  };

  return {
    record,
    async list(tenantId, { limit, before }) {
      const docs = await deps.collection.find(tenantId, before ? { at: { $lt: before } } : {}, {
        sort: { at: -1 },
        limit,
      });
      return docs.map(({ expiresAt: _expiresAt, ...entry }) => entry);
    },
    middleware(req, res, next) {
      if (!MUTATING.has(req.method)) return next();
      res.on("finish", () => {
        const principal = getPrincipal(res);
        // Storefront traffic (events, try-ons) is not administration; anonymous calls have no actor.
        if (!principal || principal.kind === "storefront") return;
        const context = (res.locals.audit ?? {}) as {
          tenantId?: string;
          target?: AuditEntry["target"];
          recordedByRoute?: boolean;
        };
        if (context.recordedByRoute) return;
        // The route pattern, not the URL: ids go to `target`, so actions group and stay free of data.
        const pattern = (req.route as { path?: unknown } | undefined)?.path;
        const action = `${req.method} ${typeof pattern === "string" ? pattern : "(unmatched)"}`;
        const id = typeof pattern === "string" ? idFromPath(pattern, req.path) : undefined;
        const tenantId =
          context.tenantId ??
          (principal.kind === "user" && principal.role === "platform_admin"
            ? platformTarget(req.header("x-varai-tenant"))
            : principal.tenantId);
        record({
          tenantId,
          actor: actorOf(principal),
          action,
          target: context.target ?? (id ? { type: "resource", id } : undefined),
          outcome: res.statusCode < 400 ? "success" : "failure",
          requestId: res.locals.requestId as string | undefined,
        }).catch((error: unknown) => deps.logger.error({ err: error, action }, "audit record failed"));
      });
      next();
    },
  };
}

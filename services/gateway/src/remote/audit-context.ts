import type { RequestHandler } from "express";

/**
 * What a route set for the audit entry (`res.locals.audit`: tenant, target, or that it recorded
 * its own entry), carried from a service process back to the gateway, whose audit trail writes
 * the entry. Internal: the gateway reads it and never relays it.
 */
export const AUDIT_CONTEXT_HEADER = "x-varai-audit-context";

/** A service process's middleware: puts `res.locals.audit` on the response as it goes out. */
export const exposeAuditContext: RequestHandler = (_req, res, next) => {
  const writeHead = res.writeHead;
  res.writeHead = function (this: typeof res, ...args: Parameters<typeof res.writeHead>) {
    const audit = res.locals.audit as object | undefined;
    if (audit && !res.headersSent) {
      res.setHeader(AUDIT_CONTEXT_HEADER, Buffer.from(JSON.stringify(audit)).toString("base64url"));
    }
    return writeHead.apply(this, args);
  } as typeof res.writeHead;
  next();
};

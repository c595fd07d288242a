import type { ServerResponse } from "node:http";
import {
  AppError,
  type ErrorCode,
  type Permission,
  type Principal,
  roleHasPermission,
  toAppError,
} from "@varai/schema";
import type { ErrorRequestHandler, Request, RequestHandler, Response } from "express";
import type { z } from "zod";
import type { Logger } from "./ports/logger.ts";

/** The one map from error code to HTTP status. */
export const HTTP_STATUS: Readonly<Record<ErrorCode, number>> = {
  INVALID_INPUT: 400,
  INVALID_CONFIG: 500,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  NO_FACE: 422,
  RATE_LIMITED: 429,
  UNSUPPORTED: 501,
  OVERLOADED: 503,
  UPSTREAM_UNAVAILABLE: 503,
  INVALID_RESPONSE: 502,
  INTERNAL: 500,
};

export interface ProblemDocument {
  type: string;
  title: string;
  status: number;
  code: ErrorCode;
  detail: string;
  requestId?: string;
  [extension: string]: unknown;
}

/** RFC 9457 problem document for an error; unexposed (internal) messages are replaced. */
export function toProblem(error: AppError, requestId?: string): ProblemDocument {
  const status = HTTP_STATUS[error.code];
  return {
    type: `https://varai.dev/problems/${error.code.toLowerCase().replaceAll("_", "-")}`,
    title: error.code,
    status,
    code: error.code,
    detail: error.expose ? error.message : "Internal error",
    ...(requestId ? { requestId } : {}),
    ...(error.expose && error.details ? error.details : {}),
  };
}

export function sendProblem(res: Response, error: AppError): void {
  writeProblem(res, error, res.locals.requestId as string | undefined);
}

/** sendProblem with node's own response (raw routes, which run before express). */
export function writeProblem(res: ServerResponse, error: AppError, requestId?: string): void {
  const body = JSON.stringify(toProblem(error, requestId));
  if (error.code === "RATE_LIMITED" || error.code === "OVERLOADED") {
    const retryAfterMs = Number(error.details?.retryAfterMs ?? 1000);
    res.setHeader("Retry-After", String(Math.max(1, Math.ceil(retryAfterMs / 1000))));
  }
  res.statusCode = HTTP_STATUS[error.code];
  res.setHeader("Content-Type", "application/problem+json; charset=utf-8");
  res.setHeader("Content-Length", Buffer.byteLength(body));
  res.end(body);
}

/** Any thrown value as the AppError a response should carry (body-parser's errors get their codes). */
export function toHttpError(error: unknown): AppError {
  return fromFrameworkError(error) ?? toAppError(error);
}

/**
 * Maps body-parser and other framework errors to stable codes, so that malformed JSON or an
 * oversized body never shows a stack trace.
 */
function fromFrameworkError(error: unknown): AppError | null {
  if (typeof error !== "object" || error === null) return null;
  const e = error as { type?: string; status?: number; statusCode?: number; message?: string };
  const status = e.status ?? e.statusCode;
  if (e.type === "entity.too.large" || status === 413)
    return new AppError("PAYLOAD_TOO_LARGE", "Request body too large");
  if (e.type === "entity.parse.failed") return new AppError("INVALID_INPUT", "Malformed JSON body");
  if (e.type === "encoding.unsupported" || e.type === "charset.unsupported")
    return new AppError("UNSUPPORTED_MEDIA_TYPE", "Unsupported body encoding");
  if (e.type === "request.aborted") return new AppError("INVALID_INPUT", "Request aborted");
  if (typeof status === "number" && status >= 400 && status < 500)
    return new AppError("INVALID_INPUT", "Invalid request");
  return null;
}

/** Express error handler: every failure leaves as problem+json; internal ones are logged with their cause. */
export function createErrorHandler(logger: Logger): ErrorRequestHandler {
  return (error, _req, res, _next) => {
    const appError = toHttpError(error);
    if (appError.code === "INTERNAL" || appError.code === "INVALID_CONFIG") {
      logger.error({ err: error, requestId: res.locals.requestId }, "request failed");
    }
    if (res.headersSent) {
      res.end();
      return;
    }
    sendProblem(res, appError);
  };
}

export const notFoundHandler: RequestHandler = (req, _res, next) => {
  next(new AppError("NOT_FOUND", `No route for ${req.method} ${req.path}`));
};

/** Formats zod issues as `{path, message}` pairs for the problem document. */
export function zodIssues(error: z.ZodError): Array<{ path: string; message: string }> {
  return error.issues.map((issue) => ({ path: issue.path.join("."), message: issue.message }));
}

/** Parses untrusted input; failure is INVALID_INPUT listing every issue. */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown, what = "body"): z.infer<S> {
  const result = schema.safeParse(value);
  if (!result.success) {
    const issues = zodIssues(result.error);
    throw new AppError(
      "INVALID_INPUT",
      `Invalid ${what}: ${issues.map((i) => `${i.path || what}: ${i.message}`).join("; ")}`,
      {
        details: { issues },
      },
    );
  }
  return result.data;
}

/** The caller, as set by the gateway's auth middleware; undefined when anonymous. */
export function getPrincipal(res: Response): Principal | undefined {
  return res.locals.principal as Principal | undefined;
}

export function setPrincipal(res: Response, principal: Principal): void {
  res.locals.principal = principal;
}

/** Requires a signed-in user holding the permission; returns the principal. */
export function requireUser(res: Response, permission: Permission): Extract<Principal, { kind: "user" }> {
  const principal = getPrincipal(res);
  if (!principal) throw new AppError("UNAUTHENTICATED", "Sign in required");
  // A valid key on an admin route is authenticated, just not allowed here.
  if (principal.kind !== "user") throw new AppError("FORBIDDEN", "This route needs a signed-in user");
  if (!roleHasPermission(principal.role, permission)) {
    throw new AppError("FORBIDDEN", `Missing permission ${permission}`);
  }
  return principal;
}

/**
 * The tenant a user call acts on. Tenant users act on their own tenant; a platform admin
 * names one with `X-VARAi-Tenant`. Anyone else naming a foreign tenant in that header is
 * refused with 404 by the auth middleware before reaching here, so it is ignored at this point.
 */
export function actingTenant(
  req: Request,
  res: Response,
  permission: Permission,
): { tenantId: string; principal: Extract<Principal, { kind: "user" }> } {
  const principal = requireUser(res, permission);
  if (principal.role === "platform_admin") {
    const header = req.header("x-varai-tenant");
    return { tenantId: header ?? principal.tenantId, principal };
  }
  return { tenantId: principal.tenantId, principal };
}

/** Requires a storefront (publishable) or secret key; returns the tenant it belongs to. */
export function requireStorefront(res: Response): { tenantId: string; principal: Principal } {
  const principal = getPrincipal(res);
  if (!principal) throw new AppError("UNAUTHENTICATED", "X-VARAi-Key required");
  if (principal.kind === "storefront" || principal.kind === "secret-key")
    return { tenantId: principal.tenantId, principal };
  if (principal.kind === "user") return { tenantId: principal.tenantId, principal };
  throw new AppError("FORBIDDEN", "Storefront key required");
}

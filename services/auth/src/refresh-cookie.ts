import type { Request, Response } from "express";
import { REFRESH_TOKEN_TTL_MS } from "./tokens.ts";

/**
 * The refresh token as a cookie, for browser apps (Commerce Studio): HttpOnly, so a script in
 * the page never reads it, SameSite=Strict, so another site cannot make the browser send it,
 * and scoped to /v1/auth, so no other route ever sees it. API clients keep using the JSON body.
 */
export const REFRESH_COOKIE = "varai_refresh";
const COOKIE_PATH = "/v1/auth";
const LOOPBACK_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]", "::1"]);

// Browsers refuse a Secure cookie over plain http, and the default install is http://localhost:
// Secure everywhere else, so a misconfigured TLS proxy cannot leak the token in clear.
function cookieOptions(req: Request) {
  const local = req.protocol === "http" && LOOPBACK_HOSTS.has(req.hostname);
  return { httpOnly: true, sameSite: "strict", secure: !local, path: COOKIE_PATH } as const;
}

export function setRefreshCookie(req: Request, res: Response, refreshToken: string): void {
  res.cookie(REFRESH_COOKIE, refreshToken, { ...cookieOptions(req), maxAge: REFRESH_TOKEN_TTL_MS });
}

export function clearRefreshCookie(req: Request, res: Response): void {
  res.clearCookie(REFRESH_COOKIE, cookieOptions(req));
}

/** The refresh token the browser sent as a cookie, if any (no cookie-parser: this is the only cookie read). */
export function refreshCookieOf(req: Request): string | undefined {
  for (const part of (req.headers.cookie ?? "").split(";")) {
    const at = part.indexOf("=");
    if (at < 0 || part.slice(0, at).trim() !== REFRESH_COOKIE) continue;
    const value = part.slice(at + 1).trim();
    try {
      return decodeURIComponent(value) || undefined;
    } catch {
      return undefined;
    }
  }
  return undefined;
}

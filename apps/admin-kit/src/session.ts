import { type Role, RoleSchema, TenantSchema } from "@varai/schema";
import { z } from "zod";

/** The signed-in user as `GET /v1/me` describes them. */
export const MeSchema = z.object({
  user: z.object({ id: z.string(), tenantId: z.string(), email: z.string(), role: RoleSchema }),
  tenant: TenantSchema.nullable(),
});
export type Me = z.infer<typeof MeSchema>;

const TokensSchema = z.object({
  accessToken: z.string(),
  expiresIn: z.number().positive(),
  refreshToken: z.string(),
});

export type SessionState =
  | { status: "signed-out"; reason: "logout" | "expired" | null }
  | { status: "signed-in"; me: Me; role: Role };

export interface AdminSessionOptions {
  baseUrl: string;
  fetch?: typeof globalThis.fetch;
  /** Refresh this long before the access token expires. Default 60 s (or a fifth of the lifetime, if shorter). */
  refreshMarginMs?: number;
}

/** A failed login or refresh, with the API's problem document (code, detail, issues). */
export class SessionError extends Error {
  override readonly name = "SessionError";
  readonly status: number;
  readonly code: string;
  constructor(status: number, code: string, message: string) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

/**
 * The admin session: login with the JWT endpoints, the access token refreshed before it
 * expires, logout, and expiry reported to the UI. Tokens live in this object's memory only
 * (never localStorage): a page reload signs out, and a script injected into the page cannot
 * read a stored token later. Framework-free; `useSession` in ./react.ts subscribes to it.
 */
export function createAdminSession(options: AdminSessionOptions) {
  const baseUrl = options.baseUrl.replace(/\/+$/, "");
  const doFetch = options.fetch ?? globalThis.fetch.bind(globalThis);
  let state: SessionState = { status: "signed-out", reason: null };
  let accessToken: string | null = null;
  let refreshToken: string | null = null;
  let refreshTimer: ReturnType<typeof setTimeout> | null = null;
  let refreshing: Promise<boolean> | null = null;
  const listeners = new Set<() => void>();

  const set = (next: SessionState) => {
    state = next;
    for (const listener of listeners) listener();
  };

  async function post(path: string, body: unknown): Promise<Response> {
    return doFetch(`${baseUrl}${path}`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
    });
  }

  async function problemOf(response: Response): Promise<SessionError> {
    const body = (await response.json().catch(() => null)) as { code?: string; detail?: string } | null;
    return new SessionError(response.status, body?.code ?? "INTERNAL", body?.detail ?? `HTTP ${response.status}`);
  }

  function schedule(expiresInS: number) {
    if (refreshTimer) clearTimeout(refreshTimer);
    const lifetimeMs = expiresInS * 1000;
    const margin = Math.min(options.refreshMarginMs ?? 60_000, lifetimeMs / 5);
    refreshTimer = setTimeout(() => void refresh(), Math.max(1000, lifetimeMs - margin));
  }

  function clear(reason: "logout" | "expired") {
    if (refreshTimer) clearTimeout(refreshTimer);
    refreshTimer = null;
    accessToken = null;
    refreshToken = null;
    set({ status: "signed-out", reason });
  }

  async function accept(response: Response): Promise<void> {
    const tokens = TokensSchema.parse(await response.json());
    accessToken = tokens.accessToken;
    refreshToken = tokens.refreshToken;
    schedule(tokens.expiresIn);
  }

  async function loadMe(): Promise<Me> {
    const response = await doFetch(`${baseUrl}/v1/me`, { headers: { Authorization: `Bearer ${accessToken}` } });
    if (!response.ok) throw await problemOf(response);
    return MeSchema.parse(await response.json());
  }

  /** Trades the refresh token for new tokens; false (and signed out, "expired") when it is refused. */
  function refresh(): Promise<boolean> {
    refreshing ??= (async () => {
      if (!refreshToken) return false;
      try {
        const response = await post("/v1/auth/refresh", { refreshToken });
        if (!response.ok) {
          clear("expired");
          return false;
        }
        await accept(response);
        return true;
      } catch {
        // Network trouble: keep the session and try again shortly.
        if (refreshTimer) clearTimeout(refreshTimer);
        refreshTimer = setTimeout(() => void refresh(), 5000);
        return false;
      }
    })().finally(() => {
      refreshing = null;
    });
    return refreshing;
  }

  return {
    getState: (): SessionState => state,
    /** The current access token, for `createVaraiClient({ accessToken: session.getAccessToken })`. */
    getAccessToken: (): string | null => accessToken,
    subscribe(listener: () => void): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async login(email: string, password: string): Promise<Me> {
      const response = await post("/v1/auth/login", { email, password });
      if (!response.ok) throw await problemOf(response);
      await accept(response);
      const me = await loadMe();
      set({ status: "signed-in", me, role: me.user.role });
      return me;
    },
    refresh,
    /**
     * A fetch that adds the access token and, on a 401 (the token expired while the tab slept),
     * refreshes once and retries; a second 401 signs out.
     */
    async authorizedFetch(input: string, init: RequestInit = {}): Promise<Response> {
      const send = () =>
        doFetch(input.startsWith("http") ? input : `${baseUrl}${input}`, {
          ...init,
          headers: { ...(init.headers as Record<string, string>), Authorization: `Bearer ${accessToken}` },
        });
      const first = await send();
      if (first.status !== 401 || !refreshToken) return first;
      if (!(await refresh())) return first;
      return send();
    },
    async logout(): Promise<void> {
      const token = refreshToken;
      clear("logout");
      if (token) await post("/v1/auth/logout", { refreshToken: token }).catch(() => undefined);
    },
  };
}
export type AdminSession = ReturnType<typeof createAdminSession>;

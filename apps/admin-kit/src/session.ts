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
  // Absent when the refresh came by cookie: the API then keeps the new one in the cookie only.
  refreshToken: z.string().optional(),
});

export type SessionState =
  | { status: "signed-out"; reason: "logout" | "expired" | null }
  | { status: "restoring" }
  | { status: "signed-in"; me: Me; role: Role };

export interface AdminSessionOptions {
  baseUrl: string;
  fetch?: typeof globalThis.fetch;
  /** Refresh this long before the access token expires. Default 60 s (or a fifth of the lifetime, if shorter). */
  refreshMarginMs?: number;
  /**
   * Let the API's `varai_refresh` cookie (HttpOnly, SameSite=Strict) carry the refresh token: this
   * object then never holds it, and `restore()` resumes a session after a page reload. For an app
   * served from the API's own origin (Studio). Off by default: an app embedded in another site's
   * frame (Shopify admin) gets no SameSite=Strict cookie, and keeps the refresh token in memory.
   */
  refreshCookie?: boolean;
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
 * (never localStorage or sessionStorage), so a script injected into the page cannot read a
 * stored token later. With `refreshCookie` the refresh token stays in the HttpOnly cookie and a
 * reload restores the session through it; without, a reload signs out. Framework-free;
 * `useSession` in ./react.ts subscribes to it.
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

  const useCookie = options.refreshCookie ?? false;

  async function post(path: string, body: unknown): Promise<Response> {
    return doFetch(`${baseUrl}${path}`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
      // Same origin only: the refresh cookie goes nowhere else.
      credentials: "same-origin",
    });
  }

  /** The refresh call's body: the token, or nothing when the cookie carries it. */
  const refreshBody = (): { refreshToken?: string } => (useCookie || !refreshToken ? {} : { refreshToken });
  const canRefresh = () => (useCookie ? state.status === "signed-in" : refreshToken !== null);

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
    // With the cookie, the body's copy is dropped: no script-readable refresh token at all.
    refreshToken = useCookie ? null : (tokens.refreshToken ?? null);
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
      if (!canRefresh()) return false;
      try {
        const response = await post("/v1/auth/refresh", refreshBody());
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
      if (first.status !== 401 || !canRefresh()) return first;
      if (!(await refresh())) return first;
      return send();
    },
    /**
     * After a page reload: trade the refresh cookie for a session. False (signed out, no notice)
     * when there is no live cookie; needs `refreshCookie`.
     */
    async restore(): Promise<boolean> {
      if (!useCookie || state.status === "signed-in") return state.status === "signed-in";
      set({ status: "restoring" });
      try {
        const response = await post("/v1/auth/refresh", {});
        if (!response.ok) throw await problemOf(response);
        await accept(response);
        const me = await loadMe();
        set({ status: "signed-in", me, role: me.user.role });
        return true;
      } catch {
        if (refreshTimer) clearTimeout(refreshTimer);
        refreshTimer = null;
        accessToken = null;
        set({ status: "signed-out", reason: null });
        return false;
      }
    },
    async logout(): Promise<void> {
      const body = refreshBody();
      const hadSession = useCookie || body.refreshToken !== undefined;
      clear("logout");
      if (hadSession) await post("/v1/auth/logout", body).catch(() => undefined);
    },
  };
}
export type AdminSession = ReturnType<typeof createAdminSession>;

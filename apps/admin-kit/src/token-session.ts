import { type AdminSession, type Me, MeSchema, type SessionState } from "./session.ts";

/** A short-lived VARAi access token handed over by a platform app's own server. */
export interface ObtainedToken {
  accessToken: string;
  /** Seconds. */
  expiresIn: number;
}

export interface TokenSessionOptions {
  baseUrl: string;
  /**
   * Gets a fresh token from the app's server (the Shopify app: `POST /shopify/api/session` with
   * App Bridge's session token; BigCommerce: its signed context). Called at start, before expiry,
   * and once on a 401.
   */
  obtain: () => Promise<ObtainedToken>;
  fetch?: typeof globalThis.fetch;
  /** Obtain again this long before expiry. Default 60 s (or a fifth of the lifetime, if shorter). */
  refreshMarginMs?: number;
}

/**
 * The admin session of an app embedded in a platform's admin: no login form and no refresh
 * token, the platform vouches for the user and the app's server trades that for a short-lived
 * tenant-admin token, obtained again before it expires. The same shape as `createAdminSession`, so
 * `AdminProvider`, `useSession` and `useCan` work unchanged. The token stays in memory only.
 */
export function createTokenSession(options: TokenSessionOptions): AdminSession {
  const baseUrl = options.baseUrl.replace(/\/+$/, "");
  const doFetch = options.fetch ?? globalThis.fetch.bind(globalThis);
  let state: SessionState = { status: "signed-out", reason: null };
  let accessToken: string | null = null;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let pending: Promise<boolean> | null = null;
  const listeners = new Set<() => void>();
  const set = (next: SessionState) => {
    state = next;
    for (const listener of listeners) listener();
  };

  function schedule(expiresInS: number) {
    if (timer) clearTimeout(timer);
    const lifetimeMs = expiresInS * 1000;
    const margin = Math.min(options.refreshMarginMs ?? 60_000, lifetimeMs / 5);
    timer = setTimeout(() => void refresh(), Math.max(1000, lifetimeMs - margin));
  }

  async function loadMe(): Promise<Me> {
    const response = await doFetch(`${baseUrl}/v1/me`, { headers: { Authorization: `Bearer ${accessToken}` } });
    if (!response.ok) throw new Error(`GET /v1/me answered ${response.status}`);
    return MeSchema.parse(await response.json());
  }

  /** Obtains a token (and, the first time, who it is for); false and signed out when refused. */
  function refresh(): Promise<boolean> {
    pending ??= (async () => {
      try {
        const token = await options.obtain();
        accessToken = token.accessToken;
        schedule(token.expiresIn);
        if (state.status !== "signed-in") {
          const me = await loadMe();
          set({ status: "signed-in", me, role: me.user.role });
        }
        return true;
      } catch {
        if (timer) clearTimeout(timer);
        timer = null;
        accessToken = null;
        set({ status: "signed-out", reason: "expired" });
        return false;
      }
    })().finally(() => {
      pending = null;
    });
    return pending;
  }

  return {
    getState: () => state,
    getAccessToken: () => accessToken,
    subscribe(listener: () => void) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    login(): Promise<Me> {
      return Promise.reject(new Error("An embedded app signs in through its platform, not with a password"));
    },
    refresh,
    async authorizedFetch(input: string, init: RequestInit = {}): Promise<Response> {
      const send = () =>
        doFetch(input.startsWith("http") ? input : `${baseUrl}${input}`, {
          ...init,
          headers: { ...(init.headers as Record<string, string>), Authorization: `Bearer ${accessToken}` },
        });
      const first = await send();
      if (first.status !== 401) return first;
      if (!(await refresh())) return first;
      return send();
    },
    /** Starts the session (the first token); true when signed in. */
    restore: () => (state.status === "signed-in" ? Promise.resolve(true) : refresh()),
    async logout() {
      if (timer) clearTimeout(timer);
      timer = null;
      accessToken = null;
      set({ status: "signed-out", reason: "logout" });
    },
  };
}

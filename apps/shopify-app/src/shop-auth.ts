import { Session } from "@shopify/shopify-api";
import type { Logger } from "@varai/runtime";
import { AppError, isAppError } from "@varai/schema";
import { adminGraphql } from "./admin-api.ts";
import { writeStorefrontSettings } from "./app-metafields.ts";
import type { ShopifyAppConfig } from "./config.ts";
import type { InstallsPort } from "./installs-port.ts";
import type { DocumentSessionStorage } from "./session-storage.ts";
import { verifySessionToken } from "./session-token.ts";
import { offlineSessionId, type ShopRecord, type ShopRecords, tokenDigest } from "./shops.ts";
import { exchangeSessionToken, type OfflineToken, refreshOfflineToken } from "./token-exchange.ts";

export interface ShopAuthDeps {
  config: ShopifyAppConfig;
  sessions: DocumentSessionStorage;
  shops: ShopRecords;
  installs: InstallsPort;
  fetch: typeof fetch;
  clock: () => Date;
  logger: Logger;
  /** The VARAi API's public base URL (the widget loader is `${apiBaseUrl}/widget/varai.js`). */
  apiBaseUrl: () => string;
}

/** A request authenticated by a session token, with the shop's offline session and install. */
export interface ShopContext {
  shop: string;
  userId: string | null;
  session: Session;
  record: ShopRecord;
}

/** Shopify's library refreshes within 5 minutes of expiry; so do we. */
export const REFRESH_WITHIN_MS = 5 * 60_000;

/**
 * The app's whole auth path. A session token is verified; the shop's first valid token (or the
 * first after an uninstall) runs the token exchange and the provisioning; an access token close
 * to expiry is refreshed; whenever the token changed, the connection is handed the new one. Calls
 * for one shop run one at a time in this process, so two first loads do not exchange twice and
 * two refreshes never spend the same refresh token.
 */
export function createShopAuth(deps: ShopAuthDeps) {
  const inFlight = new Map<string, Promise<unknown>>();
  const serialized = <T>(shop: string, run: () => Promise<T>): Promise<T> => {
    const previous = inFlight.get(shop) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(run);
    inFlight.set(shop, next);
    void next.finally(() => inFlight.get(shop) === next && inFlight.delete(shop)).catch(() => undefined);
    return next;
  };

  async function authenticate(sessionToken: string): Promise<ShopContext> {
    const verified = await verifySessionToken(sessionToken, {
      apiKey: deps.config.apiKey,
      apiSecret: deps.config.apiSecret,
      now: deps.clock(),
    });
    return serialized(verified.shop, async () => {
      const record = await currentRecord(verified.shop);
      let session = await deps.sessions.loadSession(offlineSessionId(verified.shop));
      if (!session?.accessToken || record?.status !== "active" || refreshExpired(session)) {
        session = await exchange(verified.shop, sessionToken);
      } else if (dueForRefresh(session)) {
        session = await refreshOrExchange(session, sessionToken);
      }
      const current = await handOver(session, record);
      return { shop: verified.shop, userId: verified.userId, session, record: current };
    });
  }

  /** Refreshes the shops whose access token expires within `withinMs` (the connection keeps working unattended). */
  async function refreshDue(withinMs = 2 * REFRESH_WITHIN_MS): Promise<number> {
    const active = await deps.shops.find({ status: "active" }, { limit: 1000 });
    let refreshed = 0;
    for (const { id } of active) {
      await serialized(id, async () => {
        const record = await currentRecord(id);
        if (record?.status !== "active") return;
        const session = await deps.sessions.loadSession(offlineSessionId(record.id));
        if (!session?.refreshToken || !dueForRefresh(session, withinMs)) return;
        try {
          const fresh = await refresh(session);
          await handOver(fresh, record);
          refreshed++;
        } catch (error) {
          deps.logger.warn(
            { shop: record.id, code: isAppError(error) ? error.code : "INTERNAL" },
            "token refresh failed",
          );
        }
      });
    }
    return refreshed;
  }

  /** The app was uninstalled: the shop's tokens are forgotten and its install is closed. Replays are no-ops. */
  async function forgetShop(shop: string): Promise<void> {
    await serialized(shop, async () => {
      await forgetTokens(shop);
      await deps.installs.uninstall(shop).catch(ignoreNotInstalled);
    });
  }

  async function forgetTokens(shop: string): Promise<void> {
    const sessions = await deps.sessions.findSessionsByShop(shop);
    await deps.sessions.deleteSessions(sessions.map((s) => s.id));
    const now = deps.clock().toISOString();
    await deps.shops.updateOne(
      { id: shop, status: "active" },
      { $set: { status: "uninstalled", uninstalledAt: now, updatedAt: now } },
    );
  }

  /**
   * The shop's record, checked against the install: an `app/uninstalled` webhook (through the
   * catalog's intake) marks the connection uninstalled, and the app learns it here, forgets the
   * tokens Shopify revoked, and makes no further call with them.
   */
  async function currentRecord(shop: string): Promise<ShopRecord | null> {
    const record = await deps.shops.findById(shop);
    if (record?.status !== "active") return record;
    const install = await deps.installs.get(shop);
    if (install?.status === "active") return record;
    await forgetTokens(shop);
    return { ...record, status: "uninstalled" };
  }

  const dueForRefresh = (session: Session, withinMs = REFRESH_WITHIN_MS) =>
    Boolean(session.expires && session.expires.getTime() - withinMs <= deps.clock().getTime());
  const refreshExpired = (session: Session) =>
    Boolean(session.refreshTokenExpires && session.refreshTokenExpires.getTime() <= deps.clock().getTime());

  async function exchange(shop: string, sessionToken: string): Promise<Session> {
    const token = await exchangeSessionToken(deps, shop, sessionToken);
    return save(shop, token);
  }

  async function refresh(session: Session): Promise<Session> {
    const token = await refreshOfflineToken(deps, session.shop, session.refreshToken ?? "");
    return save(session.shop, token);
  }

  async function refreshOrExchange(session: Session, sessionToken: string): Promise<Session> {
    try {
      return await refresh(session);
    } catch (error) {
      // A refused refresh (revoked, spent) is recovered from the session token in hand.
      if (isAppError(error) && error.code === "UNAUTHENTICATED") return exchange(session.shop, sessionToken);
      throw error;
    }
  }

  async function save(shop: string, token: OfflineToken): Promise<Session> {
    const session = new Session({
      id: offlineSessionId(shop),
      shop,
      state: "",
      isOnline: false,
      scope: token.scope,
      accessToken: token.accessToken,
      ...(token.expires ? { expires: token.expires } : {}),
      ...(token.refreshToken ? { refreshToken: token.refreshToken } : {}),
      ...(token.refreshTokenExpires ? { refreshTokenExpires: token.refreshTokenExpires } : {}),
    });
    // Stored before the hand-over: a rotated refresh token must never be lost to a later failure.
    await deps.sessions.storeSession(session);
    return session;
  }

  /** Provisions (first time, reinstall) or updates the install when the connection lacks this token. */
  async function handOver(session: Session, record: ShopRecord | null): Promise<ShopRecord> {
    const digest = tokenDigest(session.accessToken ?? "");
    if (record?.status === "active" && record.tokenDigest === digest) return record;
    const info = await shopInfo(session);
    const view = await deps.installs.install(session.shop, {
      ...(info.country ? { country: info.country } : {}),
      connection: {
        platform: "shopify",
        name: info.name,
        shopDomain: session.shop,
        credentials: { accessToken: session.accessToken ?? "" },
        ...(deps.config.adminBaseUrl ? { apiBaseUrl: deps.config.adminBaseUrl } : {}),
      },
    });
    if (!view.publishableKey) throw new AppError("INTERNAL", "The install answered without a publishable key");
    await writeStorefrontSettings(deps, session.shop, session.accessToken ?? "", {
      publishableKey: view.publishableKey,
      loaderUrl: `${deps.apiBaseUrl()}/widget/varai.js`,
    });
    const now = deps.clock().toISOString();
    const next: Omit<ShopRecord, "id"> = {
      tenantId: view.tenantId,
      connectionId: view.connectionId,
      status: "active",
      tokenDigest: digest,
      installedAt: record?.status === "active" ? record.installedAt : now,
      uninstalledAt: null,
      updatedAt: now,
    };
    await deps.shops.updateOne({ id: session.shop }, { $set: next }, { upsert: true });
    if (view.created) deps.logger.info({ shop: session.shop, tenantId: view.tenantId }, "shopify shop provisioned");
    return { id: session.shop, ...next };
  }

  async function shopInfo(session: Session): Promise<{ name: string; country: string | null }> {
    const data = await adminGraphql<{ shop: { name: string; billingAddress?: { countryCodeV2?: string } } }>(
      deps,
      session.shop,
      session.accessToken ?? "",
      "query ShopInfo { shop { name billingAddress { countryCodeV2 } } }",
    );
    return { name: data.shop.name, country: data.shop.billingAddress?.countryCodeV2 ?? null };
  }

  return { authenticate, refreshDue, forgetShop };
}

export type ShopAuth = ReturnType<typeof createShopAuth>;

/** The 401 every invalid session token gets; App Bridge retries once with a fresh token on this header. */
export const RETRY_HEADER = "X-Shopify-Retry-Invalid-Session-Request";

const ignoreNotInstalled = (error: unknown) => {
  if (!(isAppError(error) && error.code === "NOT_FOUND")) throw error;
};

export const isUnauthenticated = (error: unknown): error is AppError =>
  isAppError(error) && error.code === "UNAUTHENTICATED";

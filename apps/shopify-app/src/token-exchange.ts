import { AppError } from "@varai/schema";
import { adminBase, type ShopifyAppConfig } from "./config.ts";

/** An expiring offline access token with its refresh token, as Shopify's token endpoint grants it. */
export interface OfflineToken {
  accessToken: string;
  scope: string;
  /** When the access token expires (1 h after the grant); null for a non-expiring token. */
  expires: Date | null;
  refreshToken: string | null;
  refreshTokenExpires: Date | null;
}

const GRANT = {
  tokenExchange: "urn:ietf:params:oauth:grant-type:token-exchange",
  idToken: "urn:ietf:params:oauth:token-type:id_token",
  offline: "urn:shopify:params:oauth:token-type:offline-access-token",
} as const;

export interface TokenEndpointDeps {
  config: ShopifyAppConfig;
  fetch: typeof fetch;
  clock: () => Date;
}

/**
 * Token exchange (Shopify-managed installation): the session token becomes an expiring offline
 * access token (`expiring: "1"`, mandatory for public apps created since 2026-04-01).
 */
export function exchangeSessionToken(
  deps: TokenEndpointDeps,
  shop: string,
  sessionToken: string,
): Promise<OfflineToken> {
  return callTokenEndpoint(deps, shop, {
    grant_type: GRANT.tokenExchange,
    subject_token: sessionToken,
    subject_token_type: GRANT.idToken,
    requested_token_type: GRANT.offline,
    expiring: "1",
  });
}

/** The refresh grant: a new access token and a new refresh token (the old pair is spent). */
export function refreshOfflineToken(
  deps: TokenEndpointDeps,
  shop: string,
  refreshToken: string,
): Promise<OfflineToken> {
  return callTokenEndpoint(deps, shop, { grant_type: "refresh_token", refresh_token: refreshToken });
}

async function callTokenEndpoint(
  deps: TokenEndpointDeps,
  shop: string,
  grant: Record<string, string>,
): Promise<OfflineToken> {
  const url = `${adminBase(deps.config, shop)}/admin/oauth/access_token`;
  let response: Response;
  try {
    response = await deps.fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json" },
      body: JSON.stringify({ client_id: deps.config.apiKey, client_secret: deps.config.apiSecret, ...grant }),
      signal: AbortSignal.timeout(15_000),
    });
  } catch {
    throw new AppError("UPSTREAM_UNAVAILABLE", "Shopify's token endpoint could not be reached");
  }
  const body = (await response.json().catch(() => null)) as Record<string, unknown> | null;
  if (response.status === 400 || response.status === 401) {
    // A refused grant (revoked install, spent refresh token): the caller starts over from a session token.
    const error = typeof body?.error === "string" ? body.error : "refused";
    throw new AppError("UNAUTHENTICATED", `Shopify refused the token grant (${error})`);
  }
  if (!response.ok || typeof body?.access_token !== "string") {
    throw new AppError("INVALID_RESPONSE", `Shopify's token endpoint answered ${response.status}`);
  }
  const now = deps.clock().getTime();
  const at = (seconds: unknown) => (typeof seconds === "number" ? new Date(now + seconds * 1000) : null);
  return {
    accessToken: body.access_token,
    scope: typeof body.scope === "string" ? body.scope : "",
    expires: at(body.expires_in),
    refreshToken: typeof body.refresh_token === "string" ? body.refresh_token : null,
    refreshTokenExpires: at(body.refresh_token_expires_in),
  };
}

import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";

/**
 * The app-facing side of the simulated Shopify: what an embedded app does besides reading the
 * catalog. App Bridge session tokens (`sessionToken`), the OAuth token endpoint with Shopify's
 * token-exchange and refresh grants (expiring offline tokens: 1 h access tokens, refresh tokens
 * rotated on every use, 90 days), the Billing API (`appSubscriptionCreate`,
 * `currentAppInstallation`) and the main theme's app-embed state. Uninstalling revokes every
 * issued token.
 */
export interface ShopifyAppSimOptions {
  /** The app's client id (SHOPIFY_API_KEY): the session tokens' `aud`. */
  apiKey?: string;
  /** Access-token lifetime of the expiring offline tokens (Shopify: 3600 s). */
  accessTokenLifetimeSeconds?: number;
  /** Scopes granted by the managed installation. */
  scopes?: string;
}

export interface IssuedToken {
  accessToken: string;
  refreshToken: string | null;
  expiresAt: number | null;
  refreshExpiresAt: number | null;
  revoked: boolean;
}

export interface SimSubscription {
  id: string;
  name: string;
  status: "PENDING" | "ACTIVE" | "DECLINED" | "CANCELLED";
  test: boolean;
  amount: string;
  currencyCode: string;
  returnUrl: string;
}

export interface ShopifyAppSim {
  readonly apiKey: string;
  readonly installed: boolean;
  /** Lifetime of the access tokens issued from now on (tests shorten it to reach the refresh window). */
  accessTokenLifetimeSeconds: number;
  readonly tokens: IssuedToken[];
  readonly subscriptions: SimSubscription[];
  readonly appStats: { tokenExchanges: number; refreshes: number; rejectedGrants: number };
  /** App-data metafields written with `metafieldsSet` (`namespace.key` -> value). */
  readonly appMetafields: Map<string, string>;
  /** Whether the app embed is on in the main theme's settings_data.json. */
  appEmbedEnabled: boolean;
  /** An App Bridge session token for this shop as Shopify signs it; options break it on purpose. */
  sessionToken(options?: SessionTokenOptions): string;
  /** The merchant uninstalls the app: every issued token stops working. */
  uninstall(): void;
  /** The merchant installs again (Shopify-managed installation). */
  reinstall(): void;
  /** The merchant approves (or declines) a pending subscription on Shopify's confirmation page. */
  decideSubscription(id: string, approve: boolean): void;
  isValidAccessToken(token: string | null): boolean;
  handleOAuth(request: Request): Promise<Response>;
  /** Whether a GraphQL query is one of the app side's (billing, themes). */
  answers(query: string): boolean;
  /** GraphQL queries of the app side, or null when the query is not one of them. */
  graphql(query: string, vars: Record<string, unknown>): { data: unknown } | null;
}

export interface SessionTokenOptions {
  /** Seconds from now until `exp` (default 60; negative = already expired). */
  expiresIn?: number;
  aud?: string;
  secret?: string;
  dest?: string;
  alg?: "HS256" | "none";
  sub?: string;
}

const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
const TOKEN_EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange";
const ID_TOKEN = "urn:ietf:params:oauth:token-type:id_token";
const REFRESH_LIFETIME_MS = 90 * 86_400_000;

export function createShopifyAppSim(
  shop: { shopDomain: string; apiSecret: string },
  options: ShopifyAppSimOptions = {},
): ShopifyAppSim {
  const apiKey = options.apiKey ?? "shopify-app-key";
  let lifetimeMs = (options.accessTokenLifetimeSeconds ?? 3600) * 1000;
  const scopes = options.scopes ?? "read_products,read_orders,write_app_proxy";
  const tokens: IssuedToken[] = [];
  const subscriptions: SimSubscription[] = [];
  const appMetafields = new Map<string, string>();
  const appStats = { tokenExchanges: 0, refreshes: 0, rejectedGrants: 0 };
  let installed = true;

  const sign = (header: object, payload: object, secret: string) => {
    const input = `${b64url(header)}.${b64url(payload)}`;
    return `${input}.${createHmac("sha256", secret).update(input).digest("base64url")}`;
  };

  /** Shopify checks the subject token exactly as an app must (signature, aud, exp, dest). */
  const subjectTokenValid = (token: string) => {
    const [h, p, s] = token.split(".");
    if (!h || !p || !s) return false;
    const expected = createHmac("sha256", shop.apiSecret).update(`${h}.${p}`).digest();
    const given = Buffer.from(s, "base64url");
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return false;
    const claims = JSON.parse(Buffer.from(p, "base64url").toString()) as Record<string, unknown>;
    return (
      claims.aud === apiKey && Number(claims.exp) * 1000 > Date.now() && claims.dest === `https://${shop.shopDomain}`
    );
  };

  const issue = (expiring: boolean): IssuedToken => {
    const token: IssuedToken = {
      accessToken: `shpat_${randomBytes(12).toString("hex")}`,
      refreshToken: expiring ? `shprt_${randomBytes(12).toString("hex")}` : null,
      expiresAt: expiring ? Date.now() + lifetimeMs : null,
      refreshExpiresAt: expiring ? Date.now() + REFRESH_LIFETIME_MS : null,
      revoked: false,
    };
    tokens.push(token);
    return token;
  };

  const grantResponse = (t: IssuedToken) =>
    Response.json({
      access_token: t.accessToken,
      scope: scopes,
      ...(t.expiresAt
        ? {
            expires_in: Math.round((t.expiresAt - Date.now()) / 1000),
            refresh_token: t.refreshToken,
            refresh_token_expires_in: Math.round(((t.refreshExpiresAt ?? 0) - Date.now()) / 1000),
          }
        : {}),
    });

  const refuse = (error: string, description: string) => {
    appStats.rejectedGrants++;
    return Response.json({ error, error_description: description }, { status: 400 });
  };

  const readBody = async (request: Request): Promise<Record<string, string>> => {
    const text = await request.text();
    if ((request.headers.get("content-type") ?? "").includes("json")) {
      return JSON.parse(text || "{}") as Record<string, string>;
    }
    return Object.fromEntries(new URLSearchParams(text));
  };

  const sim: ShopifyAppSim = {
    apiKey,
    get installed() {
      return installed;
    },
    get accessTokenLifetimeSeconds() {
      return lifetimeMs / 1000;
    },
    set accessTokenLifetimeSeconds(seconds: number) {
      lifetimeMs = seconds * 1000;
    },
    tokens,
    subscriptions,
    appStats,
    appMetafields,
    appEmbedEnabled: false,
    sessionToken(o = {}) {
      const now = Math.floor(Date.now() / 1000);
      const payload = {
        iss: `https://${shop.shopDomain}/admin`,
        dest: o.dest ?? `https://${shop.shopDomain}`,
        aud: o.aud ?? apiKey,
        sub: o.sub ?? "42",
        exp: now + (o.expiresIn ?? 60),
        nbf: now - 5,
        iat: now - 5,
        jti: randomBytes(8).toString("hex"),
        sid: randomBytes(8).toString("hex"),
      };
      if (o.alg === "none") return `${b64url({ alg: "none", typ: "JWT" })}.${b64url(payload)}.`;
      return sign({ alg: "HS256", typ: "JWT" }, payload, o.secret ?? shop.apiSecret);
    },
    uninstall() {
      installed = false;
      for (const t of tokens) t.revoked = true;
      for (const s of subscriptions) if (s.status === "ACTIVE") s.status = "CANCELLED";
    },
    reinstall() {
      installed = true;
    },
    decideSubscription(id, approve) {
      const sub = subscriptions.find((s) => s.id === id);
      if (!sub) throw new Error(`no subscription ${id}`);
      if (sub.status !== "PENDING") throw new Error(`subscription ${id} is not pending`);
      for (const s of subscriptions) if (s.status === "ACTIVE") s.status = "CANCELLED";
      sub.status = approve ? "ACTIVE" : "DECLINED";
    },
    isValidAccessToken(token) {
      const t = tokens.find((x) => x.accessToken === token);
      return Boolean(t && !t.revoked && (t.expiresAt === null || t.expiresAt > Date.now()));
    },
    async handleOAuth(request) {
      if (request.method !== "POST") return Response.json({ errors: "Not Found" }, { status: 404 });
      let body: Record<string, string>;
      try {
        body = await readBody(request);
      } catch {
        return refuse("invalid_request", "malformed body");
      }
      if (body.client_id !== apiKey || body.client_secret !== shop.apiSecret) {
        return refuse("invalid_client", "client authentication failed");
      }
      if (!installed) return refuse("invalid_request", "the app is not installed on this shop");
      if (body.grant_type === TOKEN_EXCHANGE) {
        if (body.subject_token_type !== ID_TOKEN || !subjectTokenValid(String(body.subject_token ?? ""))) {
          return refuse("invalid_subject_token", "the subject token is not a valid session token");
        }
        appStats.tokenExchanges++;
        return grantResponse(issue(body.expiring === "1"));
      }
      if (body.grant_type === "refresh_token") {
        const old = tokens.find((t) => t.refreshToken !== null && t.refreshToken === body.refresh_token);
        if (!old || old.revoked || (old.refreshExpiresAt ?? 0) < Date.now()) {
          return refuse("invalid_grant", "the refresh token is invalid or expired");
        }
        // Refresh tokens rotate: the old pair stops working.
        old.revoked = true;
        appStats.refreshes++;
        return grantResponse(issue(true));
      }
      return refuse("unsupported_grant_type", `grant_type ${String(body.grant_type)} is not supported`);
    },
    answers: (query) => /appSubscriptionCreate|currentAppInstallation|themes\(|metafieldsSet/.test(query),
    graphql(query, vars) {
      if (/appSubscriptionCreate/.test(query)) return { data: createSubscription(vars) };
      if (/metafieldsSet/.test(query)) return { data: setMetafields(vars) };
      if (/currentAppInstallation/.test(query)) {
        const active = subscriptions.filter((s) => s.status === "ACTIVE");
        return {
          data: {
            currentAppInstallation: {
              id: "gid://shopify/AppInstallation/1",
              activeSubscriptions: active.map((s) => ({ id: s.id, name: s.name, status: s.status, test: s.test })),
            },
          },
        };
      }
      if (/themes\(/.test(query)) return { data: { themes: { nodes: [mainTheme()] } } };
      return null;
    },
  };

  const createSubscription = (vars: Record<string, unknown>) => {
    const name = String(vars.name ?? "");
    const price = (
      vars.lineItems as Array<{
        plan?: { appRecurringPricingDetails?: { price?: { amount?: unknown; currencyCode?: string } } };
      }>
    )?.[0]?.plan?.appRecurringPricingDetails?.price;
    if (!name || !price || !vars.returnUrl) {
      return {
        appSubscriptionCreate: {
          appSubscription: null,
          confirmationUrl: null,
          userErrors: [{ field: ["name"], message: "name, returnUrl and a recurring price are required" }],
        },
      };
    }
    const sub: SimSubscription = {
      id: `gid://shopify/AppSubscription/${subscriptions.length + 1}`,
      name,
      status: "PENDING",
      test: vars.test === true,
      amount: String(price.amount),
      currencyCode: price.currencyCode ?? "USD",
      returnUrl: String(vars.returnUrl),
    };
    subscriptions.push(sub);
    const id = sub.id.split("/").pop();
    return {
      appSubscriptionCreate: {
        appSubscription: { id: sub.id, status: sub.status },
        confirmationUrl: `https://${shop.shopDomain}/admin/charges/${id}/confirm_recurring_application_charge`,
        userErrors: [],
      },
    };
  };

  const setMetafields = (vars: Record<string, unknown>) => {
    const fields = (vars.metafields ?? []) as Array<{
      ownerId?: string;
      namespace?: string;
      key?: string;
      value?: string;
    }>;
    const bad = fields.find((f) => f.ownerId !== "gid://shopify/AppInstallation/1" || !f.namespace || !f.key);
    if (bad)
      return {
        metafieldsSet: { metafields: [], userErrors: [{ field: ["ownerId"], message: "invalid owner or key" }] },
      };
    for (const f of fields) appMetafields.set(`${f.namespace}.${f.key}`, String(f.value ?? ""));
    return { metafieldsSet: { metafields: fields.map((f) => ({ key: f.key })), userErrors: [] } };
  };

  const mainTheme = () => ({
    id: "gid://shopify/OnlineStoreTheme/1",
    name: "Dawn",
    role: "MAIN",
    files: {
      nodes: [
        {
          filename: "config/settings_data.json",
          body: {
            content: JSON.stringify({
              current: {
                blocks: {
                  "1234": {
                    type: `shopify://apps/varai/blocks/app-embed/${apiKey}`,
                    disabled: !sim.appEmbedEnabled,
                    settings: {},
                  },
                },
              },
            }),
          },
        },
      ],
    },
  });

  return sim;
}

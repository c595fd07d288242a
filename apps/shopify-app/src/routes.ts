import type { RateLimiter, RateLimitPolicy } from "@varai/runtime";
import { AppError } from "@varai/schema";
import { widgetPreviewRoutes } from "@varai/widgets/preview-page";
import express, { type Request, type Response, Router } from "express";
import { verifyAppProxySignature } from "./app-proxy-signature.ts";
import { type BillingDeps, PLANS, planFeatures, readBillingStatus, subscribe } from "./billing.ts";
import { normalizeShop, type ShopifyAppConfig } from "./config.ts";
import type { ConnectionReader } from "./connection-reader.ts";
import { frameAncestors, renderBouncePage, renderEmbeddedDocument, UI_DIST_DIR } from "./embedded-document.ts";
import type { InstallsPort } from "./installs-port.ts";
import { isUnauthenticated, RETRY_HEADER, type ShopAuth, type ShopContext } from "./shop-auth.ts";
import type { ShopRecords } from "./shops.ts";
import { readAppEmbedEnabled, themeEmbedUrl } from "./theme.ts";

/** Refused session tokens per IP (the gateway's own limiter does not see /shopify/): as auth's failure budget. */
export const SESSION_FAILURE_POLICY: RateLimitPolicy = {
  name: "shopify-session-failure-ip",
  points: 60,
  windowMs: 60_000,
  blockMs: 15 * 60_000,
};

export interface RouteDeps {
  config: ShopifyAppConfig;
  auth: ShopAuth;
  installs: InstallsPort;
  shops: ShopRecords;
  billing: BillingDeps;
  connections: ConnectionReader;
  apiBaseUrl: () => string;
  clock: () => Date;
  rateLimiter: RateLimiter;
  uiDistDir?: string;
}

/** Every path of issue 18's "Fixed paths": the document, the bounce page, the UI's API, the app proxy. */
export function createShopifyRouter(deps: RouteDeps): Router {
  const router = Router();
  router.get("/shopify/auth/session-token", (req, res) => {
    sendHtml(res, renderBouncePage(deps.config.apiKey), normalizeShop(req.query.shop));
  });
  // index.html only ever goes out with the App Bridge tags, through the session check.
  router.get(["/shopify/app", "/shopify/app/index.html"], (req, res) => serveDocument(deps, req, res));
  // The widget settings screen's preview, framed inside the app, which Shopify's admin frames.
  router.use(widgetPreviewRoutes({ path: "/shopify/app/preview", frameAncestors: SHOPIFY_PREVIEW_ANCESTORS }));
  router.use("/shopify/app", express.static(deps.uiDistDir ?? UI_DIST_DIR, { index: false, fallthrough: true }));
  // The UI's screens are paths under the document (`/shopify/app/catalog`): the admin reloads them
  // as they are, so every other path there is the document too (assets were served just above).
  router.get("/shopify/app/{*screen}", (req, res) => serveDocument(deps, req, res));
  router.use("/shopify/api", apiRouter(deps));
  router.get(/^\/shopify\/proxy(\/.*)?$/, (req, res) => serveProxy(deps, req, res));
  return router;
}

function sendHtml(res: Response, html: string, shop: string | null) {
  res.setHeader("Content-Security-Policy", frameAncestors(shop));
  res.setHeader("Cache-Control", "no-store");
  res.type("html").send(html);
}

/** A document load: a valid `id_token` authenticates (and installs on first sight); anything else bounces. */
async function serveDocument(deps: RouteDeps, req: Request, res: Response) {
  const shop = normalizeShop(req.query.shop);
  const idToken = typeof req.query.id_token === "string" ? req.query.id_token : null;
  if (idToken) {
    try {
      const ctx = await deps.auth.authenticate(idToken);
      if (!shop || ctx.shop === shop) {
        sendHtml(res, renderEmbeddedDocument(deps.config.apiKey, deps.uiDistDir), ctx.shop);
        return;
      }
    } catch (error) {
      if (!isUnauthenticated(error)) throw error;
    }
  }
  res.redirect(302, bounceUrl(deps.config, req));
}

/** Shopify's template: `/auth/session-token?…&shopify-reload=<this document without id_token>`. */
function bounceUrl(config: ShopifyAppConfig, req: Request): string {
  const params = new URLSearchParams(req.url.split("?")[1] ?? "");
  params.delete("id_token");
  // Back to the same screen (`/shopify/app/catalog`), not the app's first one.
  const reload = `${config.appUrl}${new URL(req.originalUrl, "http://document").pathname}?${params.toString()}`;
  const bounce = new URLSearchParams(params);
  bounce.set("shopify-reload", reload);
  return `/shopify/auth/session-token?${bounce.toString()}`;
}

/** Who may frame the preview: the app's own page, inside the shop's or Shopify's unified admin. */
const SHOPIFY_PREVIEW_ANCESTORS = "'self' https://admin.shopify.com https://*.myshopify.com";

const shopOf = (res: Response) => res.locals.shopify as ShopContext;

function apiRouter(deps: RouteDeps): Router {
  const api = Router();
  api.use(async (req, res, next) => {
    try {
      const match = /^Bearer (\S+)$/.exec(req.header("authorization") ?? "");
      if (!match?.[1]) throw new AppError("UNAUTHENTICATED", "Authorization must be Bearer <session token>");
      res.locals.shopify = await deps.auth.authenticate(match[1]);
      next();
    } catch (error) {
      if (!isUnauthenticated(error)) return next(error);
      // Each refusal spends the caller's budget; once spent, 429 whatever is presented.
      const decision = await deps.rateLimiter.consume(SESSION_FAILURE_POLICY, req.ip ?? "unknown");
      if (!decision.allowed) {
        return next(
          new AppError("RATE_LIMITED", "Too many invalid session tokens", {
            details: { retryAfterMs: decision.retryAfterMs ?? 60_000 },
          }),
        );
      }
      res.setHeader(RETRY_HEADER, "1");
      next(error);
    }
  });
  api.get("/status", async (_req, res) => {
    const ctx = shopOf(res);
    const [connection, embedEnabled, billing] = await Promise.all([
      deps.connections(ctx.shop, ctx.record.connectionId),
      readAppEmbedEnabled(deps.billing, ctx).catch(() => null),
      ctx.record.plan ? Promise.resolve({ plan: ctx.record.plan }) : readBillingStatus(deps.billing, ctx),
    ]);
    res.json({
      shop: ctx.shop,
      tenantId: ctx.record.tenantId,
      connection: connection ?? {
        id: ctx.record.connectionId,
        status: ctx.record.status,
        health: "unknown",
        lastSyncAt: null,
      },
      plan: billing.plan,
      themeEmbedUrl: themeEmbedUrl(ctx.shop, deps.config.apiKey),
      themeEmbedEnabled: embedEnabled,
    });
  });
  api.post("/session", async (_req, res) => {
    const ctx = shopOf(res);
    const session = await deps.installs.openSession(ctx.shop, ctx.userId ? { userId: ctx.userId } : {});
    res.json({
      accessToken: session.accessToken,
      expiresIn: session.expiresIn,
      tenantId: session.tenantId,
      apiBaseUrl: deps.apiBaseUrl(),
    });
  });
  api.get("/billing", async (_req, res) => {
    const status = await readBillingStatus(deps.billing, shopOf(res));
    res.json({ plan: status.plan, plans: PLANS, status: status.status, features: planFeatures(status.plan) });
  });
  api.post("/billing/subscribe", async (req, res) => {
    const ctx = shopOf(res);
    const store = ctx.shop.replace(/\.myshopify\.com$/, "");
    const returnUrl = `https://admin.shopify.com/store/${store}/apps/${deps.config.apiKey}`;
    res.json(await subscribe(deps.billing, ctx, (req.body as { plan?: unknown } | undefined)?.plan, returnUrl));
  });
  return api;
}

/**
 * The app proxy (`/apps/varai/*` on the storefront): signed by Shopify, never by a shopper.
 * `config` gives the storefront its publishable key and the features its plan allows (the plan
 * is enforced here, not only in the UI).
 */
async function serveProxy(deps: RouteDeps, req: Request, res: Response) {
  const proxy = verifyAppProxySignature(req.url.split("?")[1] ?? "", deps.config.apiSecret, deps.clock());
  const record = await deps.shops.findById(proxy.shop);
  if (record?.status !== "active") throw new AppError("NOT_FOUND", "VARAi is not installed on this shop");
  const path = req.path.replace(/^\/shopify\/proxy/, "") || "/";
  const features = planFeatures(record.plan);
  res.setHeader("Cache-Control", "no-store");
  if (path === "/config") {
    const install = await deps.installs.get(proxy.shop);
    if (!install?.publishableKey) throw new AppError("NOT_FOUND", "VARAi is not installed on this shop");
    res.json({ publishableKey: install.publishableKey, loaderUrl: `${deps.apiBaseUrl()}/widget/varai.js`, features });
    return;
  }
  if (path === "/recommendations") {
    if (!features.includes("recommendations")) {
      throw new AppError("FORBIDDEN", "Recommendations need the VARAi Pro plan", {
        details: { feature: "recommendations" },
      });
    }
    res.json({ enabled: true, apiBaseUrl: deps.apiBaseUrl() });
    return;
  }
  throw new AppError("NOT_FOUND", `No app proxy route ${path}`);
}

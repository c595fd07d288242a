import { hkdfSync } from "node:crypto";
import { createAnalyticsService } from "@varai/analytics";
import {
  type AuthService,
  createAuthService,
  loadOrCreateAppKeys,
  loadOrCreateHashKey,
  loadOrCreateLocalKeys,
} from "@varai/auth";
import { createBigCommerceAppModule } from "@varai/bigcommerce-app";
import { type CatalogService, createCatalogService, type OrderNotification, type PrivacyRequest } from "@varai/catalog";
import { createDemoModule, createSimulatedStores, type DemoModule, demoProductUrl } from "@varai/demo";
import { createInstallsService, type InstallsDeps, type InstallsService } from "@varai/installs";
import { createMlService } from "@varai/ml";
import { createRecommendationsService } from "@varai/recommendations";
import {
  createGuardedFetch,
  createLoggingNotifier,
  createSecretBox,
  createShopperIdentity,
  createWebhookNotifier,
  type GuardedFetch,
  type Logger,
  type PrivacySubject,
  type RuntimeDeps,
  type SecretBox,
  type ServiceModule,
} from "@varai/runtime";
import { createShopifyAppModule, SHOPIFY_API_VERSION, type ShopifyAppModule } from "@varai/shopify-app";
import { createStorageService } from "@varai/storage";
import { createWidgetsModule } from "@varai/widgets";
import type { RequestHandler } from "express";
import type { GatewayEnv, RemoteServiceName } from "./env.ts";
import type { LiveTopic } from "./live/bus.ts";
import { createLiveBus, createLiveModule, type LiveModule } from "./live/module.ts";
import { createRegionalRecommendations } from "./remote/regional-recommendations.ts";
import { remoteService } from "./remote/remote-service.ts";
import { createStudioModule } from "./studio.ts";
import { analyticsTestFaults } from "./test-faults.ts";

export interface GatewayMiddleware {
  /** Sets `res.locals.principal` from a bearer JWT or an `X-VARAi-Key`. */
  authenticate?: RequestHandler;
  /** Per-key / per-IP limits, after authenticate so it can key on the principal. */
  rateLimit?: RequestHandler;
  /** Records every mutating call of users and secret keys in the audit log. */
  auditTrail?: RequestHandler;
}

export interface Composition {
  /** Mount order = array order (first match wins). */
  modules: ServiceModule[];
  middleware: GatewayMiddleware;
  auth: AuthService;
  /** Live updates: main attaches `live.sockets` to the HTTP server's upgrade requests. */
  live: LiveModule;
  /** The demo store; main seeds it at start-up when DEMO is on (its pages are always served). */
  demo: DemoModule;
  /** Platform app installs; the apps the gateway mounts get their port from `installs.forApp`. */
  installs: InstallsService;
  /**
   * Every service as composed in this process, before SERVICE_URL_* replaced any with its
   * remote stand-in: a service process (service-main.ts) serves and starts its own from here.
   */
  local: readonly ServiceModule[];
}

/**
 * Composition: the one place that decides which services the gateway runs, in one process,
 * over one set of ports, and how they reach each other. Each service is created once:
 * several register privacy participants, which must be unique.
 */
export async function composeServices(deps: RuntimeDeps, env: GatewayEnv): Promise<Composition> {
  const { jwtKeys, secretBox, hashKey, shoppers } = await openSecrets(deps, env);
  // The default install's "connect a simulated store": connections made through the catalog's
  // own path (bound below, called only on request) to a local simulator per tenant. Not with a
  // separate catalog process: its workers would sync from simulators in this process, which
  // their upstream guard rightly refuses (the capability then answers 501, as with DEMO off).
  const simulatedStores =
    env.demo && !env.serviceUrls.catalog
      ? simulatedStoresFor(env, deps, (tenantId, body) => catalog.createConnection(tenantId, body))
      : null;
  // One guarded fetch for every URL a tenant or a platform gave us (connections, product images).
  // The simulators' exact origins are trusted; loopback and private addresses stay refused.
  const upstreams = createGuardedFetch({
    allowHttp: env.allowPrivateUpstreams,
    allowPrivateAddresses: env.allowPrivateUpstreams,
    ...(simulatedStores ? { trustedOrigin: simulatedStores.isSimulatorOrigin } : {}),
  });

  const auth = await createAuthService(deps, {
    jwtKeys,
    subjectDigestKey: deriveSubjectDigestKey(hashKey),
    adminEmail: env.admin.email ?? undefined,
    adminPassword: env.admin.password ?? undefined,
    shoppers,
    secretBox,
    notifier: merchantNotifier(env, upstreams, deps.logger),
  });
  const live = createLiveModule(deps, createLiveBus(env, deps.logger));
  const publish = bestEffortPublisher(live, deps.logger);
  const storage = createStorageService(deps);
  const ml = await createMlService(deps, {
    workers: env.mlWorkers ?? undefined,
    landmarker: env.faceLandmarker ?? undefined,
    fetch: upstreams,
    shoppers,
    photoBox: secretBox,
    onAssetStatus: (tenantId, update) => publish(tenantId, "assets", { ...update }),
  });
  const analytics = createAnalyticsService(deps, {
    shoppers,
    processor: {
      ...(env.testAnalyticsFaults ? analyticsTestFaults(env.testAnalyticsFaults) : {}),
      onProcessed: (batch) =>
        publish(batch.tenantId, "analytics", {
          batchId: batch.batchId,
          events: batch.events,
          counted: batch.counted,
          receivedAt: batch.receivedAt,
        }),
    },
  });
  const catalog = createCatalogService(deps, {
    publicBaseUrl: env.publicBaseUrl ?? `http://localhost:${env.port}`,
    secretBox,
    ...(env.shopify ? { shopifyApiSecret: env.shopify.apiSecret } : {}),
    ...(env.bigcommerce ? { bigcommerce: env.bigcommerce } : {}),
    fetch: upstreams,
    shoppers,
    // Paid orders from the platforms' verified webhooks become purchase events.
    onOrder: (order) => analytics.ingestPurchase(toPurchase(order)),
    // Shopify's mandatory compliance topics run the same export / redaction as the admin API.
    onPrivacyRequest: (request) => handlePlatformPrivacy(auth, request),
    onActivity: ({ kind, tenantId, ...data }) => publish(tenantId, kind === "sync" ? "sync" : "webhooks", data),
  });

  const installs = createInstallsService(deps, {
    use: installsUseCases(auth, catalog),
    appKeys: env.appKeys ?? (await loadOrCreateAppKeys({ dir: `${env.dataDir}/keys` })),
    secretBox,
    publicBaseUrl: env.publicBaseUrl ?? `http://localhost:${env.port}`,
  });

  // The BigCommerce app's callbacks and admin UI; provisioning through its installs port.
  const bigcommerceApp = createBigCommerceAppModule(deps, {
    credentials: env.bigcommerce,
    ...env.bigcommerceHosts,
    publicBaseUrl: () => env.publicBaseUrl ?? `http://localhost:${env.port}`,
    installs: installs.forApp("bigcommerce"),
    secretBox,
  });
  const shopifyApp = env.shopifyApp ? shopifyAppFor(env, deps, { installs, catalog, secretBox, upstreams }) : null;

  // In-process by default; with RECS_URL_US / RECS_URL_EU, each tenant's region's ml-datadriven-recos.
  const recommendations = env.recsUrls
    ? createRegionalRecommendations({
        urls: env.recsUrls,
        internalKey: env.internalKey!,
        store: deps.store,
        logger: deps.logger,
        privacy: deps.privacy,
      })
    : createRecommendationsService(deps, {
        shoppers,
        onTraining: (tenantId, update) => publish(tenantId, "training", { ...update }),
      });
  const demo = createDemoModule(deps, { widgetScriptSrc: "/widget/varai.js", simulatedStores });

  // Live last: it stops after the services that publish to it.
  const local: ServiceModule[] = [
    auth,
    storage,
    ml,
    analytics,
    catalog,
    installs,
    bigcommerceApp,
    ...(shopifyApp ? [shopifyApp] : []),
    recommendations,
    createWidgetsModule(deps, { productUrl: demoProductUrl }),
    demo,
    createStudioModule(),
    live,
  ];
  return {
    modules: withRemoteServices(local, env, deps.logger),
    local,
    middleware: { authenticate: auth.authenticate, rateLimit: auth.rateLimit, auditTrail: auth.auditTrail },
    auth,
    live,
    demo,
    installs,
  };
}

/**
 * SERVICE_URL_<NAME>: that service runs as its own process (service-main.ts); its in-process
 * module stays composed here as a library over the shared stores (auth authenticates at the
 * edge, installs provisions through catalog, privacy walks every participant) but is neither
 * mounted nor started: its routes forward to the process, which runs its consumers.
 */
function withRemoteServices(local: ServiceModule[], env: GatewayEnv, logger: Logger): ServiceModule[] {
  return local.map((module) => {
    const baseUrl = env.serviceUrls[module.name as RemoteServiceName];
    if (!baseUrl) return module;
    return remoteService(module, {
      baseUrl,
      internalKey: env.internalKey!,
      logger,
      ...(module.name === "widgets" ? { extraPrefixes: ["/widget/"] } : {}),
    });
  });
}

/** What installs calls in auth and catalog: provisioning is theirs, installs only sequences it. */
function installsUseCases(auth: AuthService, catalog: CatalogService): InstallsDeps {
  return {
    tenants: { provision: (input) => auth.provisionTenant(input), get: (id) => auth.getTenant(id) },
    keys: {
      createPublishable: (input) => auth.createApiKey({ ...input, kind: "publishable" }),
      revoke: (tenantId, keyId) => auth.revokeApiKey(tenantId, keyId),
    },
    connections: {
      create: (tenantId, body, options) => catalog.createConnection(tenantId, body, options),
      get: (tenantId, id) => catalog.installs.get(tenantId, id),
      reinstall: (tenantId, id, input) => catalog.installs.reinstall(tenantId, id, input),
      uninstall: (tenantId, id) => catalog.installs.uninstall(tenantId, id),
    },
    users: { openSession: (u) => auth.openPlatformUserSession(u), remove: (u) => auth.removePlatformUser(u) },
    audit: auth.audit,
  };
}

/**
 * The Shopify app (apps/shopify-app) under /shopify/, when SHOPIFY_API_KEY and SHOPIFY_API_SECRET
 * are set: its provisioning goes through installs, its connection status is read from catalog.
 */
function shopifyAppFor(
  env: GatewayEnv,
  deps: RuntimeDeps,
  parts: { installs: InstallsService; catalog: CatalogService; secretBox: SecretBox; upstreams: GuardedFetch },
): ShopifyAppModule {
  const config = env.shopifyApp!;
  const publicBase = env.publicBaseUrl ?? `http://localhost:${env.port}`;
  const installs = parts.installs.forApp("shopify");
  return createShopifyAppModule(deps, {
    config: { ...config, appUrl: config.appUrl ?? publicBase, apiVersion: SHOPIFY_API_VERSION },
    installs,
    secretBox: parts.secretBox,
    apiBaseUrl: () => publicBase,
    // Admin API and OAuth calls go through the same guard as every platform URL.
    fetch: parts.upstreams,
    testCharges: process.env.NODE_ENV !== "production",
    connections: async (shop, connectionId) => {
      const install = await installs.get(shop);
      const doc = install ? await parts.catalog.installs.get(install.tenantId, connectionId) : null;
      return doc ? { id: doc.id, status: doc.status, health: doc.health, lastSyncAt: doc.lastSyncAt } : null;
    },
  });
}

/** Live updates are best effort on top of durable state: a failed publish is logged, never thrown. */
function bestEffortPublisher(live: LiveModule, logger: Logger) {
  return (tenantId: string, topic: LiveTopic, data: Record<string, unknown>) => {
    live.bus.publish(tenantId, topic, data).catch((error: unknown) => {
      logger.warn({ err: error, topic }, "live update not published");
    });
  };
}

/** The simulated stores of the default install; `connect` is the catalog's own create-connection path. */
function simulatedStoresFor(
  env: GatewayEnv,
  deps: RuntimeDeps,
  connect: Parameters<typeof createSimulatedStores>[0]["connect"],
) {
  return createSimulatedStores({
    connect,
    logger: deps.logger.child({ component: "simulated-stores" }),
    ...(env.shopify ? { shopifyApiSecret: env.shopify.apiSecret } : {}),
    ...(env.bigcommerce ? { bigcommerceClientSecret: env.bigcommerce.clientSecret } : {}),
  });
}

/**
 * The secrets every service shares. Keys come from configuration in production; the default
 * install generates them once under DATA_DIR, so sessions and encrypted credentials survive a
 * restart.
 */
async function openSecrets(deps: RuntimeDeps, env: GatewayEnv) {
  const localKeys =
    env.jwtKeys && env.encryptionKeys ? null : await loadOrCreateLocalKeys({ dir: `${env.dataDir}/keys` });
  const jwtKeys = env.jwtKeys ?? localKeys!.jwtKeys;
  const encryptionKeys = env.encryptionKeys ?? localKeys!.encryptionKeys;
  // One secret box (the configured encryption keys) for everything sealed at rest: platform
  // credentials, shopper photos, stored privacy exports.
  const secretBox = createSecretBox(encryptionKeys);
  // One server secret for keyed hashes of shoppers (never rotated, unlike the encryption keys):
  // the shopper identity's email hashes and, derived from it, the audit log's subject digests.
  const hashKey = env.hashKey ?? (await loadOrCreateHashKey({ dir: `${env.dataDir}/keys` }));
  // One shopper identity for every service that stores or looks up shopper ids.
  const shoppers = createShopperIdentity({
    hashKey,
    store: deps.store,
    clock: deps.clock,
  });
  return { jwtKeys, secretBox, hashKey, shoppers };
}

/** Where merchants are told about privacy exports waiting for them: a configured webhook, else the log. */
function merchantNotifier(env: GatewayEnv, upstreams: GuardedFetch, logger: Logger) {
  return env.notifyWebhook
    ? createWebhookNotifier({
        url: env.notifyWebhook.url,
        fetch: upstreams,
        logger,
        ...(env.notifyWebhook.token ? { token: env.notifyWebhook.token } : {}),
      })
    : createLoggingNotifier(logger);
}

/**
 * The audit log's shopper-digest key, derived (HKDF) from the current encryption key, so a
 * deployment configures no extra secret. Rotating the encryption keys changes the digests of
 * entries written afterwards (older entries keep theirs).
 */
function deriveSubjectDigestKey(hashKey: Uint8Array): Uint8Array {
  return new Uint8Array(hkdfSync("sha256", hashKey, "", "varai audit subject digest v1", 32));
}

function toPurchase(order: OrderNotification) {
  // Catalog keeps money as decimal strings; analytics aggregates revenue as numbers.
  return {
    ...order,
    total: Number(order.total),
    lineItems: order.lineItems.map((line) => ({ ...line, price: Number(line.price) })),
  };
}

async function handlePlatformPrivacy(auth: AuthService, request: PrivacyRequest): Promise<void> {
  const by = { actor: { kind: "platform", id: `${request.platform}:${request.connectionId}` } };
  const subject: PrivacySubject =
    request.kind === "shop-redact"
      ? { kind: "tenant", tenantId: request.tenantId }
      : {
          kind: "shopper",
          tenantId: request.tenantId,
          ...(request.shopperId ? { shopperId: request.shopperId } : {}),
          ...(request.shopperEmail ? { email: request.shopperEmail } : {}),
        };
  if (request.kind === "shopper-export") {
    // Shopify gives no channel to answer through: the merchant downloads it (and is notified).
    await auth.storePlatformExport(subject, by, {
      platform: request.platform,
      connectionId: request.connectionId,
      ...(request.requestId ? { requestId: request.requestId } : {}),
    });
  } else await auth.redactShopper(subject, by);
}

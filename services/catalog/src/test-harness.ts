import { randomBytes } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import {
  cacheKeys,
  createGuardedFetch,
  createPrivacyRegistry,
  createSecretBox,
  type RuntimeDeps,
  withRawRoutes,
} from "@varai/runtime";
import {
  createTestApp,
  createTestRuntime,
  type PlatformSimulator,
  type PlatformSimulatorOptions,
  type SimulatedPlatformName,
  startPlatformSimulator,
  tenantUser,
} from "@varai/testkit";
import {
  type CatalogService,
  type CatalogServiceOptions,
  createCatalogService,
  type OrderNotification,
  type PrivacyRequest,
} from "./service.ts";

/** Loosely typed JSON for test assertions on API responses. */
// biome-ignore lint/suspicious/noExplicitAny: test-only response bodies are asserted, not typed
export type Json = any;

export const TENANT = "ten_catalogtest";
export const secretBox = createSecretBox({ keys: { v1: randomBytes(32).toString("base64") }, current: "v1" });

export interface Harness {
  sim: PlatformSimulator;
  deps: RuntimeDeps & { close(): Promise<void> };
  service: CatalogService;
  url: string;
  orders: OrderNotification[];
  privacy: PrivacyRequest[];
  api(method: string, path: string, body?: unknown): Promise<{ status: number; body: Json }>;
  connect(platform: SimulatedPlatformName, extra?: Record<string, unknown>): Promise<Json>;
  /** Starts a second service over the same ports (a restarted process). */
  restart(): Promise<void>;
  catalogVersion(): Promise<number>;
  close(): Promise<void>;
}

export async function waitFor<T>(fn: () => Promise<T | null | undefined | false>, timeoutMs = 10_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (value) return value;
    if (Date.now() > until) throw new Error("waitFor timed out");
    await new Promise((r) => setTimeout(r, 20));
  }
}

export async function startHarness(
  simOptions: PlatformSimulatorOptions = {},
  serviceOptions: Partial<CatalogServiceOptions> = {},
): Promise<Harness> {
  const sim = await startPlatformSimulator(simOptions);
  const deps = createTestRuntime();
  // The simulator listens on http://127.0.0.1: the tests opt in, as VARAI_ALLOW_PRIVATE_UPSTREAMS does.
  const upstreams = createGuardedFetch({ allowHttp: true, allowPrivateAddresses: true });
  const orders: OrderNotification[] = [];
  const privacy: PrivacyRequest[] = [];
  let server: Server;
  let url = "";
  let service: CatalogService;

  let booted = false;
  const boot = async () => {
    // A restart is a new process: its own privacy registry (the first boot's is `deps.privacy`).
    service = createCatalogService(
      { ...deps, privacy: booted ? createPrivacyRegistry() : deps.privacy },
      {
        publicBaseUrl: "https://varai.example",
        secretBox,
        shopifyApiSecret: sim.shopify.apiSecret,
        bigcommerce: { clientId: "sim-client", clientSecret: sim.bigcommerce.clientSecret },
        onOrder: async (o) => void orders.push(o),
        onPrivacyRequest: async (p) => void privacy.push(p),
        reconcileIntervalMs: 0,
        fetch: upstreams,
        ...serviceOptions,
      },
    );
    const app = createTestApp({ modules: [service], principal: tenantUser(TENANT) });
    server = createServer(withRawRoutes(app, [service]));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    await service.start?.();
    booted = true;
  };
  await boot();

  const h: Harness = {
    sim,
    deps,
    get service() {
      return service;
    },
    get url() {
      return url;
    },
    orders,
    privacy,
    async api(method, path, body) {
      const res = await fetch(`${url}${path}`, {
        method,
        headers: body === undefined ? {} : { "content-type": "application/json" },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await res.text();
      let parsed: unknown = text;
      try {
        parsed = JSON.parse(text);
      } catch {}
      return { status: res.status, body: parsed as Json };
    },
    async connect(platform, extra = {}) {
      const body = simConnectionBody(sim, platform);
      const res = await h.api("POST", "/v1/connections", { ...body, ...extra });
      if (res.status !== 201) throw new Error(`connect failed: ${res.status} ${JSON.stringify(res.body)}`);
      return res.body;
    },
    async restart() {
      await service.stop?.();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await boot();
    },
    async catalogVersion() {
      return Number((await deps.cache.get(cacheKeys.catalogVersion(TENANT))) ?? 0);
    },
    async close() {
      await service.stop?.();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await sim.close();
      await upstreams.close();
      await deps.close();
    },
  };
  return h;
}

/** The `POST /v1/connections` body for a simulated store (the adapters' READMEs: identity and credentials). */
export function simConnectionBody(sim: PlatformSimulator, platform: SimulatedPlatformName): Record<string, unknown> {
  switch (platform) {
    case "shopify":
      return {
        platform,
        name: "Sim Shopify",
        shopDomain: sim.shopify.shopDomain,
        apiBaseUrl: sim.baseUrl("shopify"),
        credentials: { accessToken: sim.shopify.accessToken },
      };
    case "woocommerce":
      return {
        platform,
        name: "Sim Woo",
        storeUrl: "https://store.example",
        apiBaseUrl: sim.baseUrl("woocommerce"),
        credentials: { consumerKey: sim.woocommerce.consumerKey, consumerSecret: sim.woocommerce.consumerSecret },
        webhookSecret: sim.woocommerce.webhookSecret,
      };
    case "magento":
      return {
        platform,
        name: "Sim Magento",
        storeUrl: "https://magento.example",
        storeCode: sim.magento.storeCode,
        apiBaseUrl: sim.baseUrl("magento"),
        // Integration OAuth 1.0a (bearer use of integration tokens is off by default since 2.4.4).
        credentials: {
          consumerKey: sim.magento.consumerKey,
          consumerSecret: sim.magento.consumerSecret,
          accessToken: sim.magento.accessToken,
          accessTokenSecret: sim.magento.accessTokenSecret,
        },
        webhookSecret: sim.magento.webhookSecret,
      };
    case "bigcommerce":
      return {
        platform,
        name: "Sim BigCommerce",
        storeHash: sim.bigcommerce.storeHash,
        apiBaseUrl: sim.baseUrl("bigcommerce"),
        credentials: { accessToken: sim.bigcommerce.accessToken },
      };
  }
}

/** Waits for a sync run to finish and returns it. */
export async function finishedRun(h: Harness, connectionId: string, runId: string) {
  return waitFor(async () => {
    const r = await h.api("GET", `/v1/connections/${connectionId}/sync-runs/${runId}`);
    return r.body.status === "succeeded" || r.body.status === "failed" ? r.body : null;
  }, 20_000);
}

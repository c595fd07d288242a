import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { createHttpApp, createSecretBox, noopLogger, withRawRoutes } from "@varai/runtime";
import { createTestRuntime, type PlatformSimulator, startPlatformSimulator } from "@varai/testkit";
import type { ShopifyAppConfig } from "./config.ts";
import type { InstallInput, InstallsPort, InstallView } from "./installs-port.ts";
import { createShopifyAppModule, type ShopifyAppModule } from "./module.ts";

/**
 * Tests only: the app's module on a port against the platform simulator's Shopify, with
 * SHOPIFY_ADMIN_BASE_URL pointed at it. `clockOffsetMs` moves the app's clock (not the simulator's).
 */
export interface AppHarness {
  sim: PlatformSimulator;
  url: string;
  module: ShopifyAppModule;
  installs: RecordingInstalls;
  config: ShopifyAppConfig;
  runtime: ReturnType<typeof createTestRuntime>;
  clock: { offsetMs: number };
  get(path: string, token?: string): Promise<Response>;
  post(path: string, token: string, body?: unknown): Promise<Response>;
  close(): Promise<void>;
}

/**
 * Until `@varai/installs` is merged: an InstallsPort that records what the app asked for and
 * answers like the contract in /work/notes/installs-api.md.
 */
export interface RecordingInstalls extends InstallsPort {
  calls: Array<{ op: string; storeId: string; input?: InstallInput }>;
  views: Map<string, InstallView>;
}

export function createRecordingInstalls(): RecordingInstalls {
  const views = new Map<string, InstallView>();
  const calls: RecordingInstalls["calls"] = [];
  return {
    calls,
    views,
    async install(_platform, storeId, input) {
      calls.push({ op: "install", storeId, input });
      const existing = views.get(storeId);
      const view: InstallView = existing
        ? { ...existing, status: "active", created: false }
        : {
            tenantId: `ten_${views.size + 1}`,
            connectionId: `con_${views.size + 1}`,
            publishableKey: `pk_test_${views.size + 1}`,
            region: input.country === "DE" ? "eu" : "us",
            status: "active",
            created: true,
          };
      views.set(storeId, view);
      return view;
    },
    async get(_platform, storeId) {
      return views.get(storeId) ?? null;
    },
    async uninstall(_platform, storeId) {
      calls.push({ op: "uninstall", storeId });
      const view = views.get(storeId);
      if (view) views.set(storeId, { ...view, status: "uninstalled" });
    },
    async openSession(_platform, storeId) {
      calls.push({ op: "openSession", storeId });
      const view = views.get(storeId);
      if (!view) throw new Error("not installed");
      return { accessToken: `jwt_for_${view.tenantId}`, expiresIn: 900, tenantId: view.tenantId };
    },
  };
}

export async function startAppHarness(
  options: { uiDistDir?: string; installs?: InstallsPort } = {},
): Promise<AppHarness> {
  const sim = await startPlatformSimulator({ shopify: { products: 6, app: { apiKey: "test-api-key" } } });
  const clock = { offsetMs: 0 };
  const runtime = createTestRuntime({ clock: () => new Date(Date.now() + clock.offsetMs) });
  const config: ShopifyAppConfig = {
    apiKey: "test-api-key",
    apiSecret: sim.shopify.apiSecret,
    appUrl: "https://varai-app.example",
    adminBaseUrl: sim.baseUrl("shopify"),
    apiVersion: "2026-10",
  };
  const installs = (options.installs as RecordingInstalls | undefined) ?? createRecordingInstalls();
  const module = createShopifyAppModule(runtime, {
    config,
    installs,
    secretBox: createSecretBox({ keys: { v1: Buffer.alloc(32, 3).toString("base64") }, current: "v1" }),
    apiBaseUrl: () => "https://api.varai.example",
    connections: async (_shop, id) => ({ id, status: "active", health: "healthy", lastSyncAt: null }),
    refreshEveryMs: 0,
    ...(options.uiDistDir ? { uiDistDir: options.uiDistDir } : {}),
  });
  const outer = createHttpApp({ modules: [], logger: noopLogger });
  const server = createServer(withRawRoutes(outer, [module])).listen(0, "127.0.0.1");
  await new Promise<void>((resolve) => server.once("listening", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const auth = (token?: string): Record<string, string> => (token ? { authorization: `Bearer ${token}` } : {});
  return {
    sim,
    url,
    module,
    installs,
    config,
    runtime,
    clock,
    get: (path, token) => fetch(`${url}${path}`, { headers: auth(token), redirect: "manual" }),
    post: (path, token, body) =>
      fetch(`${url}${path}`, {
        method: "POST",
        headers: { ...auth(token), "content-type": "application/json" },
        body: JSON.stringify(body ?? {}),
      }),
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await sim.close();
      await runtime.close();
    },
  };
}

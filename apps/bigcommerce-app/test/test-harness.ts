import { startTestGateway, stopTestGateway, type TestGateway } from "@varai/gateway/testing";
import { type PlatformSimulator, startPlatformSimulator } from "@varai/testkit";

/** Our public base in these tests: https on 443, as BigCommerce requires of hook destinations. */
export const PUBLIC_BASE = "https://varai.test";

export interface AppHarness {
  sim: PlatformSimulator;
  gateway: TestGateway;
  stop(): Promise<void>;
}

/**
 * The whole gateway in process (every service, the installs port, this app) with BigCommerce's
 * login and API hosts played by the platform simulator (BIGCOMMERCE_LOGIN_BASE_URL /
 * _API_BASE_URL), as an outside test would point them.
 */
export async function startAppHarness(products = 12, latencyMs = 0): Promise<AppHarness> {
  const sim = await startPlatformSimulator({ bigcommerce: { products, latencyMs } });
  const gateway = await startTestGateway({
    PUBLIC_BASE_URL: PUBLIC_BASE,
    BIGCOMMERCE_CLIENT_ID: sim.bigcommerce.clientId,
    BIGCOMMERCE_CLIENT_SECRET: sim.bigcommerce.clientSecret,
    BIGCOMMERCE_LOGIN_BASE_URL: sim.baseUrl("bigcommerce"),
    BIGCOMMERCE_API_BASE_URL: sim.baseUrl("bigcommerce"),
    VARAI_ALLOW_PRIVATE_UPSTREAMS: "true",
  });
  return {
    sim,
    gateway,
    async stop() {
      await stopTestGateway(gateway);
      await sim.close();
    },
  };
}

/** GETs a callback as the control panel's browser (or BigCommerce's server) does. */
export async function callback(h: AppHarness, path: string, query: Record<string, string>) {
  const response = await fetch(`${h.gateway.base}${path}?${new URLSearchParams(query)}`);
  const text = await response.text();
  return { status: response.status, type: response.headers.get("content-type") ?? "", text, headers: response.headers };
}

/** The boot data the app view carries (the admin UI reads it). */
export function bootOf(html: string) {
  const json = /<script type="application\/json" id="varai-bc-boot">(.*?)<\/script>/s.exec(html)?.[1];
  if (!json) throw new Error("no boot data in the app view");
  return JSON.parse(json) as {
    session: { accessToken: string; expiresIn: number; tenantId: string };
    storeHash: string;
    user: { email: string };
    publishableKey: string;
    script: { status: string; message: string | null };
  };
}

export async function until<T>(what: string, probe: () => Promise<T | null | undefined | false>, ms = 20_000) {
  const end = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

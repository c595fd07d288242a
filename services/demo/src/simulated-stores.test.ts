import { noopLogger } from "@varai/runtime";
import { isAppError } from "@varai/schema";
import { afterEach, describe, expect, it } from "vitest";
import { createSimulatedStores, type SimulatedStores } from "./simulated-stores.ts";

type Body = { platform: string; apiBaseUrl: string; credentials: Record<string, string>; storeHash?: string };

const opened: SimulatedStores[] = [];
afterEach(async () => {
  for (const stores of opened.splice(0)) await stores.close();
});

/** Simulated stores whose `connect` records the body the catalog would receive. */
function harness(options: Partial<Parameters<typeof createSimulatedStores>[0]> = {}) {
  const bodies: Array<{ tenantId: string; body: Body }> = [];
  const stores = createSimulatedStores({
    connect: async (tenantId, body) => {
      bodies.push({ tenantId, body: body as Body });
      return { id: `con_${bodies.length}` };
    },
    logger: noopLogger,
    activityIntervalMs: 0,
    latencyMs: 0,
    ...options,
  });
  opened.push(stores);
  return { stores, bodies };
}

const errorCode = (promise: Promise<unknown>) =>
  promise.then(
    () => "resolved",
    (error: unknown) => (isAppError(error) ? error.code : String(error)),
  );

describe("createSimulatedStores", () => {
  it("offers Shopify and BigCommerce only with the secrets that verify their webhooks", () => {
    expect(harness().stores.platforms).toEqual(["woocommerce", "magento"]);
    expect(harness({ shopifyApiSecret: "s", bigcommerceClientSecret: "b" }).stores.platforms).toEqual([
      "shopify",
      "woocommerce",
      "magento",
      "bigcommerce",
    ]);
  });

  it("gives each tenant its own simulator and credentials, and trusts exactly their origins", async () => {
    const { stores, bodies } = harness({ bigcommerceClientSecret: "b" });
    await stores.connect("ten_a", "woocommerce");
    await stores.connect("ten_b", "woocommerce");
    await stores.connect("ten_b", "bigcommerce");
    const [a, b, c] = bodies.map(({ body }) => body);
    const originA = new URL(a!.apiBaseUrl).origin;
    const originB = new URL(b!.apiBaseUrl).origin;
    expect(originA).not.toBe(originB);
    expect(new URL(c!.apiBaseUrl).origin).toBe(originB);
    expect(a!.credentials.consumerKey).not.toBe(b!.credentials.consumerKey);
    expect(stores.isSimulatorOrigin(originA)).toBe(true);
    expect(stores.isSimulatorOrigin(originB)).toBe(true);
    const port = Number(new URL(originA).port);
    expect(stores.isSimulatorOrigin(`http://127.0.0.1:${port + 1}`)).toBe(false);
    expect(stores.isSimulatorOrigin(`http://localhost:${port}`)).toBe(false);
    // The credentials the catalog was given are the simulator's: its API answers them.
    const res = await fetch(`${a!.apiBaseUrl}/wp-json/wc/v3/products?per_page=5`, {
      headers: {
        authorization: `Basic ${Buffer.from(`${a!.credentials.consumerKey}:${a!.credentials.consumerSecret}`).toString("base64")}`,
      },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("x-wp-total")).toBe("36");
  });

  it("refuses a second store of one platform per tenant, an unoffered platform, and too many tenants", async () => {
    const { stores } = harness({ maxTenants: 1 });
    await stores.connect("ten_a", "woocommerce");
    expect(await errorCode(stores.connect("ten_a", "woocommerce"))).toBe("CONFLICT");
    expect(await errorCode(stores.connect("ten_a", "shopify"))).toBe("UNSUPPORTED");
    expect(await errorCode(stores.connect("ten_b", "woocommerce"))).toBe("RATE_LIMITED");
  });

  it("lets a platform be connected again when the catalog refused the first attempt", async () => {
    let fail = true;
    const stores = createSimulatedStores({
      connect: async () => {
        if (fail) throw new Error("catalog said no");
        return { id: "con_1" };
      },
      logger: noopLogger,
      activityIntervalMs: 0,
    });
    opened.push(stores);
    expect(await errorCode(stores.connect("ten_a", "magento"))).toBe("Error: catalog said no");
    fail = false;
    await expect(stores.connect("ten_a", "magento")).resolves.toEqual({ id: "con_1" });
  });

  it("stops every simulator on close: their origins are no longer trusted or served", async () => {
    const { stores, bodies } = harness();
    await stores.connect("ten_a", "woocommerce");
    const origin = new URL(bodies[0]!.body.apiBaseUrl).origin;
    await stores.close();
    expect(stores.isSimulatorOrigin(origin)).toBe(false);
    await expect(fetch(`${origin}/woocommerce/wp-json/wc/v3/products`)).rejects.toThrow();
    expect(await errorCode(stores.connect("ten_a", "magento"))).toBe("UPSTREAM_UNAVAILABLE");
  });
});

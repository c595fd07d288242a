import { createMagentoAdapter } from "@varai/adapter-magento";
import { noopLogger } from "@varai/commerce";
import { createMagentoSim, magentoHandlers } from "@varai/testkit";
import { setupServer } from "msw/node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { requirePhpTools, runInModule } from "./php.ts";

/**
 * Shared vectors: events built, stored and signed by the module's PHP (run by php-cli through
 * Test/Cli/run-module.php) verify in the TypeScript adapter and map to the fetch the engine
 * makes, against the Magento simulator.
 */

const BASE = "https://magento.example";
const sim = createMagentoSim({ products: 6, webhookSecret: "vector-secret-ü" });
const server = setupServer(...magentoHandlers(sim, BASE));
beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
afterAll(() => server.close());

interface PhpRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
}

/** The module's requests for a scenario, recorded instead of sent. */
function phpRequests(actions: unknown[], secret = sim.webhookSecret): PhpRequest[] {
  requirePhpTools(["php"]);
  const scenario = { apiUrl: "https://varai.test/", connectionId: "con_m", secret, actions, transport: "record" };
  const run = runInModule("php", ["Test/Cli/run-module.php"], JSON.stringify(scenario));
  expect(run.stderr).toBe("");
  expect(run.status).toBe(0);
  return (JSON.parse(run.stdout) as { requests: PhpRequest[] }).requests;
}

const adapter = createMagentoAdapter(
  {
    connectionId: "con_m",
    storeUrl: BASE,
    credentials: {
      consumerKey: sim.consumerKey,
      consumerSecret: sim.consumerSecret,
      accessToken: sim.accessToken,
      accessTokenSecret: sim.accessTokenSecret,
    },
    webhookSecret: sim.webhookSecret,
  },
  // Late-bound: msw patches globalThis.fetch in beforeAll.
  { fetch: (input, init) => fetch(input, init), logger: noopLogger, clock: () => new Date() },
);

/** As the gateway's intake hands it over: lower-cased headers, the raw bytes. */
const parse = (r: PhpRequest) =>
  adapter.parseWebhook({
    rawBody: Buffer.from(r.body, "utf8"),
    headers: Object.fromEntries(Object.entries(r.headers).map(([k, v]) => [k.toLowerCase(), v])),
    method: "POST",
    pathParams: { connectionId: "con_m" },
  });

describe("PHP-signed events in the TypeScript adapter", () => {
  it("a saved product verifies, maps to a thin upsert fetched by SKU, and the fetch finds the product", async () => {
    const p = sim.restProduct(3) as { id: number; sku: string; name: string; updated_at: string };
    const [request] = phpRequests([{ do: "save", id: p.id, sku: p.sku, updated_at: p.updated_at }]);
    expect(request!.url).toBe("https://varai.test/webhooks/magento/con_m");
    const event = parse(request!);
    expect(event).toEqual({
      ok: true,
      value: {
        kind: "product.upsert",
        topic: "product.updated",
        dedupeKey: `event:${request!.headers["X-Varai-Event-Id"]}`,
        occurredAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z$/),
        externalId: "2003",
        updatedAt: `${p.updated_at.replace(" ", "T")}.000Z`,
        product: null,
        fetchId: "sku:VR-3/B",
      },
    });
    const fetched = await adapter.getProduct("sku:VR-3/B");
    if (!fetched.ok) throw fetched.error;
    expect(fetched.value.product).toMatchObject({
      source: { externalId: "2003" },
      title: sim.store.products.get(3)!.title,
    });
    expect(sim.store.requestLog.some((l) => l.startsWith("magento GET /products/VR-3%2FB"))).toBe(true);
  });

  it("new, deleted and ordered products map to created, a tombstone and a purchase", () => {
    const requests = phpRequests([
      { do: "save", id: 2001, sku: "VR-1-0", new: true },
      { do: "delete", id: 2002, sku: "VR-2-0" },
      {
        do: "order",
        order: {
          id: 77,
          increment_id: "000000077",
          order_currency_code: "USD",
          grand_total: "258.0000",
          created_at: "2026-01-05 10:00:00",
          varai_session_id: "ses_k2x9",
          items: [{ product_id: 2003, sku: "VR-3/B", qty_ordered: "2.0000", price: "129.0000" }],
        },
      },
    ]);
    const events = requests.map((r) => parse(r));
    expect(events.map((e) => e.ok && e.value.kind)).toEqual(["product.upsert", "product.delete", "order"]);
    expect(events[0]).toMatchObject({ ok: true, value: { topic: "product.created", fetchId: "sku:VR-1-0" } });
    expect(events[1]).toMatchObject({ ok: true, value: { externalId: "2002" } });
    expect(events[2]).toMatchObject({
      ok: true,
      value: {
        orderId: "77",
        currency: "USD",
        total: "258.00",
        occurredAt: "2026-01-05T10:00:00.000Z",
        lineItems: [{ productExternalId: "2003", quantity: 2, price: "129.00" }],
        varaiSessionId: "ses_k2x9",
      },
    });
  });

  it("a connection test is a ping, and an event signed with another secret is refused", () => {
    const [test] = phpRequests([{ do: "test" }]);
    expect(parse(test!)).toEqual({ ok: true, value: { kind: "ping" } });
    const [forged] = phpRequests([{ do: "save", id: 2001, sku: "VR-1-0" }], "not-the-secret");
    expect(parse(forged!)).toMatchObject({ ok: false, error: { reason: "bad-signature", status: 401 } });
  });
});

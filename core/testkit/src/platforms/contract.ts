import type { CommerceAdapter, WebhookRequest } from "@varai/commerce";
import { isAppError, ProductDraftSchema } from "@varai/schema";
import type { SimStore, SimWebhook } from "@varai/simulator";
import type { RequestHandler } from "msw";
import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";

/** The platform-neutral handle on a simulated store that the contract drives. */
export interface ContractSim {
  store: SimStore;
  externalId(index: number): string;
  handlers: RequestHandler[];
  webhook(
    kind: "product-update" | "product-delete" | "ignored",
    options: { index: number; signature: "valid" | "bad" | "none"; body?: string },
  ): SimWebhook;
  /** Makes the next API call rate-limited the platform's way (429, or a drained cost bucket). */
  rateLimitNextCall(): void;
}

export interface CommerceAdapterContractOptions {
  name: string;
  /** A fresh simulated store with `products` products, and an adapter bound to it through `fetch`. */
  setup(options: { products: number; fetch: typeof globalThis.fetch }): { adapter: CommerceAdapter; sim: ContractSim };
  /** An index whose external id must survive exactly (Shopify: 0 -> 788032119674292922). */
  exactId?: { index: number; externalId: string };
}

const toRequest = (w: SimWebhook, method = "POST"): WebhookRequest => ({
  rawBody: w.body,
  headers: Object.fromEntries(Object.entries(w.headers).map(([k, v]) => [k.toLowerCase(), v])),
  method,
});

/**
 * The suite every CommerceAdapter runs (Shopify's `batteryOfTests` idea): webhook verification
 * and parsing, pagination to completion through a serialised cursor, per-item failures, error
 * and rate-limit mapping, 404 as null, and exact 64-bit ids. Outbound HTTP goes to the platform
 * simulator through msw with `onUnhandledRequest: "error"`.
 */
export function describeCommerceAdapterContract(options: CommerceAdapterContractOptions): void {
  describe(`CommerceAdapter contract: ${options.name}`, () => {
    const server = setupServer();
    beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
    afterEach(() => server.resetHandlers());
    afterAll(() => server.close());

    const setup = (products = 7) => {
      const created = options.setup({ products, fetch: (...args) => globalThis.fetch(...args) });
      server.use(...created.sim.handlers);
      return created;
    };

    it("parses a correctly signed product update into an upsert with the platform's updated time", () => {
      const { adapter, sim } = setup();
      const result = adapter.parseWebhook(toRequest(sim.webhook("product-update", { index: 1, signature: "valid" })));
      expect(result.ok).toBe(true);
      if (!result.ok || result.value.kind !== "product.upsert") throw new Error("expected an upsert");
      expect(result.value.externalId).toBe(sim.externalId(1));
      expect(result.value.updatedAt).toBe(
        new Date(sim.store.products.get(1)!.updatedAt).toISOString().replace(/\.\d{3}Z$/, ".000Z"),
      );
      expect(result.value.dedupeKey.length).toBeGreaterThan(0);
      if (result.value.product) expect(ProductDraftSchema.safeParse(result.value.product).success).toBe(true);
    });

    it("rejects a delivery signed with the wrong secret as bad-signature (401)", () => {
      const { adapter, sim } = setup();
      const result = adapter.parseWebhook(toRequest(sim.webhook("product-update", { index: 1, signature: "bad" })));
      expect(result).toMatchObject({ ok: false, error: { reason: "bad-signature", status: 401 } });
    });

    it("rejects an unsigned delivery as unauthenticated (401) and a non-POST one (405)", () => {
      const { adapter, sim } = setup();
      const unsigned = adapter.parseWebhook(toRequest(sim.webhook("product-update", { index: 1, signature: "none" })));
      expect(unsigned).toMatchObject({ ok: false, error: { reason: "unauthenticated", status: 401 } });
      const get = adapter.parseWebhook(
        toRequest(sim.webhook("product-update", { index: 1, signature: "valid" }), "GET"),
      );
      expect(get).toMatchObject({ ok: false, error: { reason: "method-not-allowed", status: 405 } });
    });

    it("reports a validly signed body that is not JSON as malformed (400)", () => {
      const { adapter, sim } = setup();
      const webhook = sim.webhook("product-update", { index: 1, signature: "valid", body: '{"id": 1, "title": ' });
      expect(adapter.parseWebhook(toRequest(webhook))).toMatchObject({ ok: false, error: { reason: "malformed" } });
    });

    it("maps a delete to a delete event and an unknown topic to ignored", () => {
      const { adapter, sim } = setup();
      const del = adapter.parseWebhook(toRequest(sim.webhook("product-delete", { index: 2, signature: "valid" })));
      expect(del).toMatchObject({ ok: true, value: { kind: "product.delete", externalId: sim.externalId(2) } });
      const ignored = adapter.parseWebhook(toRequest(sim.webhook("ignored", { index: 2, signature: "valid" })));
      expect(ignored).toMatchObject({ ok: true, value: { kind: "ignored" } });
    });

    it("accepts at the door and interprets in the worker exactly as parseWebhook does, when it splits the two", () => {
      const { adapter, sim } = setup();
      if (!adapter.acceptWebhook) {
        // The two steps come as a pair or not at all.
        expect(adapter.interpretWebhook).toBeUndefined();
        return;
      }
      expect(adapter.interpretWebhook).toBeTypeOf("function");
      const requests = [
        toRequest(sim.webhook("product-update", { index: 1, signature: "valid" })),
        toRequest(sim.webhook("product-delete", { index: 2, signature: "valid" })),
        toRequest(sim.webhook("ignored", { index: 2, signature: "valid" })),
        toRequest(sim.webhook("product-update", { index: 1, signature: "bad" })),
        toRequest(sim.webhook("product-update", { index: 1, signature: "none" })),
        toRequest(sim.webhook("product-update", { index: 1, signature: "valid" }), "GET"),
        toRequest(sim.webhook("product-update", { index: 1, signature: "valid", body: '{"id": 1, "title": ' })),
        // Well-formed JSON that is not a product: refused by the worker's step, not at the door.
        toRequest(sim.webhook("product-update", { index: 1, signature: "valid", body: '{"unexpected": true}' })),
      ];
      // A signed body that is not JSON is still refused at the door (400), as the intake must answer it.
      expect(adapter.acceptWebhook(requests[6]!)).toMatchObject({
        ok: false,
        error: { reason: "malformed", status: 400 },
      });
      for (const request of requests) {
        const accepted = adapter.acceptWebhook(request);
        const twoSteps =
          accepted.ok && accepted.value.kind === "accepted" ? adapter.interpretWebhook!(accepted.value) : accepted;
        expect(twoSteps).toEqual(adapter.parseWebhook(request));
      }
      // A pair that defers nothing is parseWebhook under another name: at least the update is deferred.
      expect(adapter.acceptWebhook(requests[0]!)).toMatchObject({ ok: true, value: { kind: "accepted" } });
    });

    it("pages to completion through a serialised cursor, every item a valid draft with an exact string id", async () => {
      const { adapter, sim } = setup(23);
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        // The engine persists cursors as JSON: round-trip it the same way.
        const page = await adapter.listProducts({ cursor: JSON.parse(JSON.stringify(cursor)), pageSize: 5 });
        if (!page.ok) throw page.error;
        for (const item of page.value.items) {
          expect(item.ok).toBe(true);
          if (!item.ok) continue;
          expect(ProductDraftSchema.safeParse(item.value).success).toBe(true);
          seen.push(item.value.source.externalId);
        }
        cursor = page.value.nextCursor;
        pages++;
      } while (cursor !== null && pages < 50);
      expect(pages).toBe(5);
      expect(seen).toEqual([...sim.store.products.keys()].map((i) => sim.externalId(i)));
      if (options.exactId) expect(seen).toContain(options.exactId.externalId);
    });

    it("returns a malformed product as an Err item while the page succeeds", async () => {
      const { adapter, sim } = setup(4);
      sim.store.products.get(2)!.corrupt = true;
      const page = await adapter.listProducts({ pageSize: 10 });
      if (!page.ok) throw page.error;
      expect(page.value.items.map((i) => i.ok)).toEqual([true, true, false, true]);
      const bad = page.value.items[2]!;
      if (!bad.ok) expect(bad.error.externalId).toBe(sim.externalId(2));
    });

    it("filters by updatedSince", async () => {
      const { adapter, sim } = setup(6);
      const updated = sim.store.updateProduct(4, { updatedAt: "2030-01-01T00:00:00.000Z" });
      const page = await adapter.listProducts({ updatedSince: "2029-12-31T23:59:00.000Z" });
      if (!page.ok) throw page.error;
      const ids = page.value.items.flatMap((i) => (i.ok ? [i.value.source.externalId] : []));
      expect(ids).toEqual([sim.externalId(updated.index)]);
    });

    it("maps a rate limit to RATE_LIMITED with retryAfterMs", async () => {
      const { adapter, sim } = setup();
      sim.rateLimitNextCall();
      const page = await adapter.listProducts({ pageSize: 5 });
      expect(page.ok).toBe(false);
      if (page.ok) return;
      expect(isAppError(page.error) && page.error.code).toBe("RATE_LIMITED");
      expect(Number(page.error.details?.retryAfterMs)).toBeGreaterThan(0);
    });

    it("maps a 5xx to UPSTREAM_UNAVAILABLE and a revoked key to UNAUTHENTICATED", async () => {
      const { adapter, sim } = setup();
      sim.store.failNext(503);
      const outage = await adapter.listProducts({});
      expect(outage).toMatchObject({ ok: false, error: { code: "UPSTREAM_UNAVAILABLE" } });
      sim.store.failNext(401);
      const revoked = await adapter.getProduct(sim.externalId(0));
      expect(revoked).toMatchObject({ ok: false, error: { code: "UNAUTHENTICATED" } });
    });

    it("gets one product by id, and null for a product that is gone", async () => {
      const { adapter, sim } = setup();
      const found = await adapter.getProduct(sim.externalId(3));
      if (!found.ok) throw found.error;
      expect(found.value.product?.source.externalId).toBe(sim.externalId(3));
      sim.store.deleteProduct(3);
      const gone = await adapter.getProduct(sim.externalId(3));
      expect(gone).toMatchObject({ ok: true, value: { product: null } });
    });

    it("keeps a 64-bit id exact through webhooks, lists and single reads", async () => {
      if (!options.exactId) return;
      const { index, externalId } = options.exactId;
      const { adapter, sim } = setup();
      const parsed = adapter.parseWebhook(toRequest(sim.webhook("product-update", { index, signature: "valid" })));
      expect(parsed).toMatchObject({ ok: true, value: { externalId } });
      const one = await adapter.getProduct(externalId);
      expect(one.ok && one.value.product?.source.externalId).toBe(externalId);
    });

    it("registers webhooks idempotently", async () => {
      const { adapter } = setup();
      if (!adapter.capabilities.webhookRegistration) return;
      const first = await adapter.registerWebhooks("https://varai.example/webhooks/x");
      if (!first.ok) throw first.error;
      expect(first.value.created.length).toBeGreaterThan(0);
      const second = await adapter.registerWebhooks("https://varai.example/webhooks/x");
      expect(second).toMatchObject({ ok: true, value: { created: [], alreadyPresent: first.value.created.length } });
      const listed = await adapter.listWebhooks();
      expect(listed.ok && listed.value.length).toBe(first.value.created.length);
    });
  });
}

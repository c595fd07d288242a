import { createShopperIdentity } from "@varai/runtime";
import { createTestRuntime } from "@varai/testkit";
import { afterEach, describe, expect, it } from "vitest";
import { CATALOG_QUEUES } from "./collections.ts";
import { createDeadLetterPrivacy } from "./dead-letter-privacy.ts";
import type { EventJob } from "./webhook-intake.ts";

const CUSTOMER = "820982911946154508";
const EMAIL = "Jane.Doe@example.com";

/** `body` is the raw delivery, as a platform sends it (64-bit ids exact, unlike JSON.stringify of a number). */
function accepted(tenantId: string, deliveryId: string, topic: string, body: string): EventJob {
  return {
    tenantId,
    connectionId: `con_${tenantId}`,
    receivedAt: "2026-12-03T09:00:00.000Z",
    deliveryId,
    event: { kind: "accepted", topic, dedupeKey: deliveryId, body } as EventJob["event"],
  };
}

const runtimes: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  for (const r of runtimes.splice(0)) await r.close();
});

/** Three webhook events that failed every attempt: the shopper's order, a product update, another tenant's order. */
async function setup() {
  const deps = createTestRuntime();
  runtimes.push(deps);
  const shoppers = createShopperIdentity({ hashKey: new Uint8Array(32).fill(7), store: deps.store });
  const jobs = [
    accepted("ten_a", "dlv_order", "orders/paid", `{"id":5001,"customer":{"id":${CUSTOMER},"email":"${EMAIL}"}}`),
    accepted("ten_a", "dlv_product", "products/update", `{"id":9820982911946,"title":"Aviator ${CUSTOMER}x"}`),
    accepted("ten_b", "dlv_other", "orders/paid", `{"id":5002,"customer":{"id":${CUSTOMER},"email":"${EMAIL}"}}`),
  ];
  const consumer = deps.queue.consume<EventJob>(
    CATALOG_QUEUES.events,
    async () => {
      throw new Error("platform down");
    },
    { maxAttempts: 1, backoffMs: 1 },
  );
  for (const job of jobs) await deps.queue.enqueue(CATALOG_QUEUES.events, job);
  for (let i = 0; i < 200 && (await deps.queue.deadLetters(CATALOG_QUEUES.events)).length < 3; i++)
    await new Promise((r) => setTimeout(r, 10));
  await consumer.stop();
  const remaining = async () =>
    (await deps.queue.deadLetters<EventJob>(CATALOG_QUEUES.events)).map((l) => l.job.payload.deliveryId).sort();
  expect(await remaining()).toEqual(["dlv_order", "dlv_other", "dlv_product"]);
  return { deps, shoppers, remaining };
}

describe("catalog dead letters and privacy", () => {
  it("exports and erases the shopper's dead-lettered order by the email alone, through the linked id", async () => {
    const { deps, shoppers, remaining } = await setup();
    await shoppers.link("ten_a", CUSTOMER, EMAIL);
    const participant = createDeadLetterPrivacy(deps.queue, shoppers);
    const subject = { kind: "shopper", tenantId: "ten_a", email: "jane.doe@EXAMPLE.com" } as const;

    expect(await participant.export(subject)).toEqual([
      {
        kind: "catalog_event_not_processed",
        connectionId: "con_ten_a",
        deliveryId: "dlv_order",
        receivedAt: "2026-12-03T09:00:00.000Z",
        topic: "orders/paid",
      },
    ]);
    expect(await participant.erase(subject)).toBe(1);
    // The product update (whose numbers only contain the customer id) and the other tenant's order stay.
    expect(await remaining()).toEqual(["dlv_other", "dlv_product"]);
    expect(await participant.export(subject)).toEqual([]);
  });

  it("finds the order by the platform's customer id in its GraphQL form", async () => {
    const { deps, shoppers, remaining } = await setup();
    const participant = createDeadLetterPrivacy(deps.queue, shoppers);
    const subject = { kind: "shopper", tenantId: "ten_a", shopperId: `gid://shopify/Customer/${CUSTOMER}` } as const;
    expect(await participant.erase(subject)).toBe(1);
    expect(await remaining()).toEqual(["dlv_other", "dlv_product"]);
  });

  it("drops every dead letter of a redacted shop, and only that shop's", async () => {
    const { deps, shoppers, remaining } = await setup();
    const participant = createDeadLetterPrivacy(deps.queue, shoppers);
    expect((await participant.export({ kind: "tenant", tenantId: "ten_a" })).map((e) => e.deliveryId)).toEqual([
      "dlv_order",
      "dlv_product",
    ]);
    expect(await participant.erase({ kind: "tenant", tenantId: "ten_a" })).toBe(2);
    expect(await remaining()).toEqual(["dlv_other"]);
  });
});

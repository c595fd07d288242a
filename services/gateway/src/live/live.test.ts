import { type PlatformSimulator, startPlatformSimulator } from "@varai/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closePorts } from "../ports.ts";
import { startTestGateway, type TestGateway } from "../test-helpers.ts";
import { type OpenedLive, openLive } from "./live-client.test-helper.ts";

/** `/v1/live` on the whole in-process gateway: tickets, tenant isolation, resume. */

const ADMIN = { email: "root@varai.test", password: "root-password-for-tests-0001" };
let gateway: TestGateway;
let sim: PlatformSimulator;
const tenants: Record<"A" | "B", { id: string; token: string; pk: string }> = {} as never;
const sockets: OpenedLive[] = [];

const call: TestGateway["call"] = (...args) => gateway.call(...args);

async function ticketFor(token: string): Promise<string> {
  const issued = await call("POST", "/v1/live/tickets", token);
  expect(issued.status).toBe(201);
  return issued.body.ticket;
}

async function connect(token: string, query: Record<string, string> = {}): Promise<OpenedLive> {
  const result = await openLive(gateway.base, { ticket: await ticketFor(token), ...query });
  if (!("opened" in result)) throw new Error(`refused ${result.refused}`);
  sockets.push(result.opened);
  await result.opened.next((m) => m.type === "ready");
  return result.opened;
}

beforeAll(async () => {
  gateway = await startTestGateway({
    VARAI_ADMIN_EMAIL: ADMIN.email,
    VARAI_ADMIN_PASSWORD: ADMIN.password,
    VARAI_ALLOW_PRIVATE_UPSTREAMS: "true",
  });
  sim = await startPlatformSimulator({ woocommerce: { products: 30 } });
  const root = (await call("POST", "/v1/auth/login", undefined, ADMIN)).body.accessToken;
  for (const name of ["A", "B"] as const) {
    const tenant = await call("POST", "/v1/tenants", root, { name: `Live ${name}`, region: "us" });
    const email = `admin@live-${name.toLowerCase()}.test`;
    const password = `pw-live-${name}-long-enough-0001`;
    await call("POST", `/v1/tenants/${tenant.body.id}/users`, root, { email, role: "tenant_admin", password });
    const token = (await call("POST", "/v1/auth/login", undefined, { email, password })).body.accessToken;
    const key = await call("POST", "/v1/api-keys", token, { kind: "publishable", allowedOrigins: ["https://x.test"] });
    tenants[name] = { id: tenant.body.id, token, pk: key.body.key };
  }
}, 60_000);

afterAll(async () => {
  for (const s of sockets) s.ws.terminate();
  await gateway.live.sockets.close();
  for (const m of gateway.modules) await m.stop?.();
  await new Promise((r) => gateway.server.close(r));
  await closePorts(gateway.deps);
  await sim?.close();
  await gateway.remove();
});

describe("GET /v1/live", () => {
  it("answers 401 on the upgrade itself without a ticket, or with a made-up one", async () => {
    const none = await openLive(gateway.base, {});
    expect(none).toMatchObject({ refused: 401 });
    expect(JSON.parse((none as { body: string }).body)).toMatchObject({ code: "UNAUTHENTICATED" });
    expect(await openLive(gateway.base, { ticket: `lt_${"x".repeat(43)}` })).toMatchObject({ refused: 401 });
    // An access token is not a ticket.
    expect(await openLive(gateway.base, { ticket: tenants.A.token })).toMatchObject({ refused: 401 });
  });

  it("refuses tickets to anyone not signed in, and unknown topics before the upgrade", async () => {
    expect((await call("POST", "/v1/live/tickets")).status).toBe(401);
    const bad = await openLive(gateway.base, { ticket: await ticketFor(tenants.A.token), topics: "sync,secrets" });
    expect(bad).toMatchObject({ refused: 400 });
  });

  it("accepts a ticket once: a second upgrade with it is refused", async () => {
    const ticket = await ticketFor(tenants.A.token);
    const first = await openLive(gateway.base, { ticket });
    expect("opened" in first).toBe(true);
    if ("opened" in first) sockets.push(first.opened);
    expect(await openLive(gateway.base, { ticket })).toMatchObject({ refused: 401 });
  });

  it("streams a tenant's sync progress and analytics to that tenant only", async () => {
    const a = await connect(tenants.A.token);
    const b = await connect(tenants.B.token);
    const connection = await call("POST", "/v1/connections", tenants.B.token, {
      platform: "woocommerce",
      name: "B's Woo",
      storeUrl: "https://shop-b.test",
      apiBaseUrl: sim.baseUrl("woocommerce"),
      credentials: { consumerKey: sim.woocommerce.consumerKey, consumerSecret: sim.woocommerce.consumerSecret },
      webhookSecret: sim.woocommerce.webhookSecret,
    });
    expect(connection.status).toBe(201);
    const done = await b.next((m) => m.topic === "sync" && m.data?.status === "succeeded", 30_000);
    expect(done.data).toMatchObject({ connectionId: connection.body.id, counts: { fetched: 30 } });
    const progress = b.messages.filter((m) => m.topic === "sync").map((m) => m.data?.status);
    expect(progress[0]).toBe("queued");
    expect(progress).toContain("running");
    // The synced frames' try-on assets are prepared in the background; each outcome is an event.
    const asset = await b.next((m) => m.topic === "assets", 30_000);
    expect(asset.data).toMatchObject({ productId: expect.stringMatching(/^prd_/) });
    expect(["ready", "failed"]).toContain(asset.data?.assetStatus);

    const sent = await fetch(`${gateway.base}/v1/events`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-varai-key": tenants.A.pk, origin: "https://x.test" },
      body: JSON.stringify({
        events: [
          {
            id: crypto.randomUUID(),
            type: "widget_shown",
            sessionId: "s-live-1",
            occurredAt: new Date().toISOString(),
          },
        ],
      }),
    });
    expect(sent.status).toBe(202);
    const counted = await a.next((m) => m.topic === "analytics", 15_000);
    expect(counted.data).toMatchObject({ events: 1 });

    // Give stray cross-tenant messages time to arrive before asserting there are none.
    await new Promise((r) => setTimeout(r, 300));
    expect(a.messages.filter((m) => m.topic === "sync" || m.topic === "assets")).toEqual([]);
    expect(b.messages.filter((m) => m.topic === "analytics")).toEqual([]);
    // Every event id on B's socket increases.
    const ids = b.messages.filter((m) => m.type === "event").map((m) => m.id!);
    expect([...ids].sort((x, y) => Number(x.split("-")[1]) - Number(y.split("-")[1]))).toEqual(ids);
  }, 60_000);

  it("streams a tenant's model training, from start to result, to that tenant only", async () => {
    const a = await connect(tenants.A.token, { topics: "training" });
    const b = await connect(tenants.B.token);
    const trained = await call("POST", "/v1/recommendations/model/train", tenants.A.token);
    expect(trained.status).toBe(200);
    const end = await a.next((m) => m.topic === "training" && m.data?.status !== "running", 15_000);
    expect(end.data).toMatchObject({ status: trained.body.status, version: trained.body.version });
    const updates = a.messages.filter((m) => m.topic === "training").map((m) => m.data);
    expect(updates[0]).toMatchObject({ status: "running", phase: "loading" });
    await new Promise((r) => setTimeout(r, 300));
    expect(b.messages.filter((m) => m.topic === "training")).toEqual([]);
  }, 30_000);

  it("resumes after a reconnect from the last event id, without losing or repeating updates", async () => {
    const { bus } = gateway.live;
    const first = await connect(tenants.A.token, { topics: "webhooks" });
    await bus.publish(tenants.A.id, "webhooks", { n: 1 });
    const seen = await first.next((m) => m.data?.n === 1);
    first.ws.close();
    // Missed while disconnected (and one for B, and one on another topic, that must not appear).
    await bus.publish(tenants.A.id, "webhooks", { n: 2 });
    await bus.publish(tenants.B.id, "webhooks", { n: 99 });
    await bus.publish(tenants.A.id, "sync", { n: 98 });
    await bus.publish(tenants.A.id, "webhooks", { n: 3 });
    const again = await connect(tenants.A.token, { topics: "webhooks", lastEventId: seen.id! });
    expect(again.messages.find((m) => m.type === "ready")).toMatchObject({ resumed: true });
    await bus.publish(tenants.A.id, "webhooks", { n: 4 });
    await again.next((m) => m.data?.n === 4);
    expect(again.messages.filter((m) => m.type === "event").map((m) => m.data?.n)).toEqual([2, 3, 4]);
  });

  it("is documented in /openapi.json, the socket's messages under x-varai-websocket", async () => {
    const doc = (await call("GET", "/openapi.json")).body;
    expect(doc.paths["/v1/live/tickets"].post.responses["201"]).toBeDefined();
    const live = doc.paths["/v1/live"].get;
    expect(live.responses["401"]).toBeDefined();
    expect(Object.keys(live["x-varai-websocket"].topics)).toEqual([
      "sync",
      "webhooks",
      "analytics",
      "training",
      "assets",
    ]);
    expect(doc.paths["/v1/widget-settings"].put.responses["409"]).toBeDefined();
  });

  it("tells a client resuming from an unknown id to reload (resync)", async () => {
    const socket = await connect(tenants.A.token, { lastEventId: "1-1" });
    expect(socket.messages.map((m) => m.type)).toEqual(["resync", "ready"]);
  });
});

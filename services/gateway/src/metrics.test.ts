import { readFile } from "node:fs/promises";
import path from "node:path";
import { type PlatformSimulator, startPlatformSimulator } from "@varai/testkit";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { startTestGateway, stopTestGateway, type TestGateway } from "./test-helpers.ts";

/**
 * `/metrics` (Prometheus text format) after real traffic through the whole gateway: a synced
 * store, webhooks (one forged), an event batch through the queue, a face analysis, a try-on and
 * a recommendation. Each metric the alert rules and the dashboard use has samples.
 */

const ADMIN = { email: "root@varai.test", password: "root-password-for-tests-0001" };
const ORIGIN = "https://shop-metrics.test";
const PHOTO = path.resolve(import.meta.dirname, "../../../test-artifacts/photos/astronaut.png");

let gateway: TestGateway;
let sim: PlatformSimulator;
let token = "";
let pk = "";
let connectionId = "";

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** The text exposition's samples (comments skipped). */
function parseExposition(text: string): Sample[] {
  return text
    .split("\n")
    .filter((line) => line && !line.startsWith("#"))
    .map((line) => {
      const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
      if (!match) throw new Error(`not a sample line: ${line}`);
      const labels = Object.fromEntries(
        [...(match[2] ?? "").matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1], m[2]]),
      );
      return { name: match[1]!, labels: labels as Record<string, string>, value: Number(match[3]) };
    });
}

async function scrape(): Promise<Sample[]> {
  const res = await fetch(`${gateway.base}/metrics`);
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toContain("text/plain");
  return parseExposition(await res.text());
}

const sum = (samples: Sample[], name: string, labels: Record<string, string> = {}) =>
  samples
    .filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))
    .reduce((total, s) => total + s.value, 0);

async function photoForm(fields: Record<string, string>): Promise<FormData> {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  form.append("photo", new Blob([await readFile(PHOTO)], { type: "image/png" }), "astronaut.png");
  return form;
}

const storefront = { "x-varai-key": "", origin: ORIGIN };

beforeAll(async () => {
  gateway = await startTestGateway({
    VARAI_ADMIN_EMAIL: ADMIN.email,
    VARAI_ADMIN_PASSWORD: ADMIN.password,
    VARAI_ALLOW_PRIVATE_UPSTREAMS: "true",
  });
  sim = await startPlatformSimulator({ woocommerce: { products: 3 } });
  const root = (await gateway.call("POST", "/v1/auth/login", undefined, ADMIN)).body.accessToken;
  const tenant = await gateway.call("POST", "/v1/tenants", root, { name: "Metrics shop", region: "us" });
  const credentials = { email: "admin@metrics.test", password: "pw-admin-long-enough-0001" };
  await gateway.call("POST", `/v1/tenants/${tenant.body.id}/users`, root, { ...credentials, role: "tenant_admin" });
  token = (await gateway.call("POST", "/v1/auth/login", undefined, credentials)).body.accessToken;
  pk = (await gateway.call("POST", "/v1/api-keys", token, { kind: "publishable", allowedOrigins: [ORIGIN] })).body.key;
  storefront["x-varai-key"] = pk;
  const connection = await gateway.call("POST", "/v1/connections", token, {
    platform: "woocommerce",
    name: "Metrics Woo",
    storeUrl: "https://shop-metrics.test",
    apiBaseUrl: sim.baseUrl("woocommerce"),
    credentials: { consumerKey: sim.woocommerce.consumerKey, consumerSecret: sim.woocommerce.consumerSecret },
    webhookSecret: sim.woocommerce.webhookSecret,
  });
  expect(connection.status).toBe(201);
  connectionId = connection.body.id;
  await vi.waitFor(async () => expect((await gateway.call("GET", "/v1/products", token)).body.items).toHaveLength(3), {
    timeout: 20_000,
    interval: 200,
  });
}, 120_000);

afterAll(async () => {
  await sim?.close();
  if (gateway) await stopTestGateway(gateway);
});

describe("/metrics", () => {
  it("counts requests per route template, never per raw path, and needs no credentials", async () => {
    await gateway.call("GET", "/v1/products/prod_does_not_exist", token);
    await gateway.call("GET", "/no/such/path/abc123");
    const samples = await scrape();
    expect(sum(samples, "varai_http_requests_total", { route: "/v1/products/:id", status: "404" })).toBe(1);
    expect(sum(samples, "varai_http_requests_total", { route: "unmatched", status: "404" })).toBeGreaterThanOrEqual(1);
    expect(samples.some((s) => Object.values(s.labels).some((v) => v.includes("prod_does_not_exist")))).toBe(false);
    expect(sum(samples, "varai_http_request_duration_seconds_count", { route: "/v1/products" })).toBeGreaterThan(0);
    // The process's own metrics come along (prom-client defaults).
    expect(sum(samples, "process_cpu_seconds_total")).toBeGreaterThan(0);
  });

  it("counts webhook acks and rejected signatures, and times the ack on the raw route", async () => {
    const url = `${gateway.base}/webhooks/woocommerce/${connectionId}`;
    const [good] = await sim.send(url, sim.woocommerce.webhooksFor("product.updated", { index: 1 }));
    const [forged] = await sim.send(url, sim.woocommerce.webhooksFor("product.updated", { signature: "bad" }));
    expect(good).toBe(200);
    expect(forged).toBe(401);
    const samples = await scrape();
    expect(sum(samples, "varai_webhook_deliveries_total", { outcome: "accepted" })).toBe(1);
    expect(sum(samples, "varai_webhook_deliveries_total", { outcome: "rejected_signature" })).toBe(1);
    expect(sum(samples, "varai_http_request_duration_seconds_count", { route: "/webhooks/*", status: "200" })).toBe(1);
  });

  it("reports sync runs and each connection's last successful sync", async () => {
    const samples = await scrape();
    expect(sum(samples, "varai_sync_runs_total", { status: "succeeded" })).toBeGreaterThanOrEqual(1);
    const last = sum(samples, "varai_sync_last_success_timestamp_seconds", { connection: connectionId });
    expect(Date.now() / 1000 - last).toBeLessThan(120);
  });

  it("reports queue jobs, lag, depth and dead letters of the analytics queue", async () => {
    const batch = await gateway.call(
      "POST",
      "/v1/events",
      undefined,
      {
        events: [
          {
            id: "evt_metrics_0001",
            type: "widget_shown",
            sessionId: "sess_metrics_1",
            occurredAt: new Date().toISOString(),
          },
        ],
      },
      storefront,
    );
    expect(batch.status).toBe(202);
    expect(batch.body.accepted).toBe(1);
    await vi.waitFor(
      async () =>
        expect(sum(await scrape(), "varai_queue_jobs_total", { queue: "analytics-events", outcome: "done" })).toBe(1),
      { timeout: 10_000, interval: 100 },
    );
    const samples = await scrape();
    expect(sum(samples, "varai_queue_jobs_total", { queue: "analytics-events", outcome: "enqueued" })).toBe(1);
    expect(sum(samples, "varai_queue_lag_seconds_count", { queue: "analytics-events" })).toBe(1);
    expect(samples.some((s) => s.name === "varai_queue_depth" && s.labels.queue === "analytics-events")).toBe(true);
    expect(samples.some((s) => s.name === "varai_queue_dead_letters" && s.labels.queue === "analytics-events")).toBe(
      true,
    );
  });

  it("times the face model and the ranking, and counts try-ons by outcome", async () => {
    const analysis = await fetch(`${gateway.base}/v1/face-analysis`, {
      method: "POST",
      headers: storefront,
      body: await photoForm({}),
    });
    expect(analysis.status).toBe(200);
    const productId = (await gateway.call("GET", "/v1/products", token)).body.items[0].id;
    const tryOn = await fetch(`${gateway.base}/v1/try-on`, {
      method: "POST",
      headers: { ...storefront, accept: "application/json" },
      body: await photoForm({ productId }),
    });
    const recs = await gateway.call(
      "POST",
      "/v1/recommendations",
      undefined,
      { faceShape: "oval", limit: 3 },
      storefront,
    );
    expect(recs.status).toBe(200);
    const samples = await scrape();
    expect(sum(samples, "varai_model_latency_seconds_count", { model: "face-landmarks" })).toBeGreaterThanOrEqual(1);
    expect(sum(samples, "varai_model_latency_seconds_count", { model: "ranking-rules" })).toBe(1);
    const outcome = tryOn.status === 200 ? "ok" : ((await tryOn.json()) as { code: string }).code;
    expect(sum(samples, "varai_tryons_total", { outcome, output: "json" })).toBe(1);
  });
});

import { randomBytes } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { InMemorySpanExporter, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-node";
import { startTracing } from "@varai/runtime";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { freePort, startTestGateway, stopTestGateway, type TestGateway } from "./test-helpers.ts";
import { type ServiceProcess, startServiceProcess } from "./test-service-process.ts";

/**
 * One trace from the caller through the gateway, into a service process over HTTP, and into a
 * queue job's worker (W3C trace context all the way). The gateway's spans are read from an
 * in-memory exporter; the recommendation process (its own process) exports over OTLP/HTTP to a
 * collector this test runs on loopback.
 */

const ADMIN = { email: "root@varai.test", password: "root-password-for-tests-0001" };
const ORIGIN = "https://shop-traces.test";
const INTERNAL_KEY = randomBytes(32).toString("base64");
const TRACE_ID = randomBytes(16).toString("hex");
const CALLER_SPAN = randomBytes(8).toString("hex");
const traceparent = `00-${TRACE_ID}-${CALLER_SPAN}-01`;

const exporter = new InMemorySpanExporter();
let gateway: TestGateway;
let recs: ServiceProcess;
let collector: http.Server;
let pk = "";
/** Spans the recommendation process exported (OTLP JSON). */
const exported: Array<{ traceId: string; spanId: string; parentSpanId?: string; name: string; kind: number }> = [];

beforeAll(async () => {
  startTracing({ serviceName: "varai-gateway-test", spanProcessors: [new SimpleSpanProcessor(exporter)] });
  collector = http.createServer((req, res) => {
    let body = "";
    req.on("data", (chunk: Buffer) => (body += chunk.toString()));
    req.on("end", () => {
      const json = JSON.parse(body) as { resourceSpans: Array<{ scopeSpans: Array<{ spans: typeof exported }> }> };
      for (const rs of json.resourceSpans) for (const ss of rs.scopeSpans) exported.push(...ss.spans);
      res.writeHead(200, { "content-type": "application/json" }).end("{}");
    });
  });
  await new Promise<void>((resolve) => collector.listen(0, "127.0.0.1", resolve));
  const recsPort = await freePort();
  gateway = await startTestGateway({
    VARAI_ADMIN_EMAIL: ADMIN.email,
    VARAI_ADMIN_PASSWORD: ADMIN.password,
    VARAI_INTERNAL_KEY: INTERNAL_KEY,
    RECS_URL_US: `http://127.0.0.1:${recsPort}`,
  });
  recs = await startServiceProcess("recommendations", {
    PORT: String(recsPort),
    VARAI_REGION: "us",
    VARAI_INTERNAL_KEY: INTERNAL_KEY,
    DATA_DIR: gateway.dataDir,
    OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${(collector.address() as AddressInfo).port}`,
  });
  const root = (await gateway.call("POST", "/v1/auth/login", undefined, ADMIN)).body.accessToken;
  const tenant = await gateway.call("POST", "/v1/tenants", root, { name: "Traces shop", region: "us" });
  const owner = { email: "owner@traces.test", password: "pw-owner-traces-long-enough-01" };
  await gateway.call("POST", `/v1/tenants/${tenant.body.id}/users`, root, { ...owner, role: "tenant_admin" });
  const token = (await gateway.call("POST", "/v1/auth/login", undefined, owner)).body.accessToken;
  pk = (await gateway.call("POST", "/v1/api-keys", token, { kind: "publishable", allowedOrigins: [ORIGIN] })).body.key;
}, 120_000);

afterAll(async () => {
  await recs?.stop();
  if (gateway) await stopTestGateway(gateway);
  await new Promise((resolve) => collector?.close(resolve));
});

const spansOfTrace = () => exporter.getFinishedSpans().filter((s) => s.spanContext().traceId === TRACE_ID);
const parentOf = (span: { parentSpanContext?: { spanId: string } }) => span.parentSpanContext?.spanId;

describe("traces", () => {
  it("span the gateway, the enqueue and the queue job's worker in one trace", async () => {
    const res = await fetch(`${gateway.base}/v1/events`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-varai-key": pk, origin: ORIGIN, traceparent },
      body: JSON.stringify({
        events: [
          { id: "evt_traced_0001", type: "widget_shown", sessionId: "sess_t", occurredAt: new Date().toISOString() },
        ],
      }),
    });
    expect(res.status).toBe(202);
    await vi.waitFor(() => expect(spansOfTrace().some((s) => s.name === "queue analytics-events process")).toBe(true), {
      timeout: 10_000,
    });
    const spans = spansOfTrace();
    const server = spans.find((s) => s.name === "POST /v1/events")!;
    const send = spans.find((s) => s.name === "queue analytics-events send")!;
    const worker = spans.find((s) => s.name === "queue analytics-events process")!;
    expect(parentOf(server)).toBe(CALLER_SPAN);
    expect(parentOf(send)).toBe(server.spanContext().spanId);
    expect(parentOf(worker)).toBe(send.spanContext().spanId);
    expect(server.attributes["http.route"]).toBe("/v1/events");
  });

  it("continue in the recommendation process: its server span is a child of the gateway's client span", async () => {
    const res = await fetch(`${gateway.base}/v1/recommendations`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-varai-key": pk, origin: ORIGIN, traceparent },
      body: JSON.stringify({ faceShape: "oval", limit: 2 }),
    });
    expect(res.status).toBe(200);
    const client = spansOfTrace().find((s) => s.name === "POST recommendations (us)")!;
    expect(parentOf(client)).toBe(
      spansOfTrace()
        .find((s) => s.name === "POST /v1/recommendations")!
        .spanContext().spanId,
    );
    // Stopping the process flushes its batched spans to the collector.
    await recs.stop();
    const remote = exported.find((s) => s.traceId === TRACE_ID && s.name.includes("predict"));
    expect(remote, JSON.stringify(exported.map((s) => s.name))).toBeDefined();
    expect(remote!.parentSpanId).toBe(client.spanContext().spanId);
    expect(remote!.kind).toBe(2); // SPAN_KIND_SERVER
  });
});

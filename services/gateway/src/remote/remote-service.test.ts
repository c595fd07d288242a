import { createHash, randomBytes } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { createLogger, getPrincipal, type ServiceModule } from "@varai/runtime";
import { createTestRuntime, tenantAdmin } from "@varai/testkit";
import { Router } from "express";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createGatewayApp } from "../app.ts";
import { createServiceProcessApp } from "../service-process.ts";
import { freePort } from "../test-helpers.ts";
import { remoteService } from "./remote-service.ts";

/**
 * The gateway forwarding one service's routes to its process (SERVICE_URL_<NAME>): the service
 * side is the real service-process app (internal authentication), the gateway the real gateway
 * app with a test authenticator in place of auth's.
 */

const KEY = randomBytes(32);
const logger = createLogger({ level: "silent" });
const deps = createTestRuntime();

/** A small service: echoes what it received, streams a body back, sets cookies and an audit target. */
function echoService(): ServiceModule {
  const router = Router();
  router.all("/v1/echo/{*rest}", (req, res) => {
    res.locals.audit = { target: { type: "echo", id: "e1" } };
    res.setHeader("set-cookie", ["a=1; Path=/", "b=2; Path=/"]);
    res.setHeader("x-service", "echo");
    res.status(201).json({
      principal: getPrincipal(res) ?? null,
      body: req.body ?? null,
      path: req.originalUrl,
      requestId: res.locals.requestId,
      forwardedFor: req.headers["x-forwarded-for"] ?? null,
      contentType: req.headers["content-type"] ?? null,
    });
  });
  router.post("/v1/upload", (req, res) => {
    const hash = createHash("sha256");
    req.on("data", (chunk: Buffer) => hash.update(chunk));
    req.on("end", () => res.json({ sha256: hash.digest("hex") }));
  });
  return {
    name: "echo",
    router,
    rawRoutes: [
      {
        prefix: "/webhooks/echo",
        handle(req, res, requestId) {
          const hash = createHash("sha256");
          req.on("data", (chunk: Buffer) => hash.update(chunk));
          req.on("end", () => {
            res.writeHead(200, { "content-type": "application/json" });
            res.end(JSON.stringify({ sha256: hash.digest("hex"), requestId, signature: req.headers["x-echo-hmac"] }));
          });
        },
      },
    ],
    openapi: { paths: { "/v1/echo/{a}/{b}": {}, "/v1/upload": {} } },
  };
}

/** The edge's authenticator in this test: `x-test-tenant` makes the caller that tenant's admin. */
const testAuthenticate: Parameters<typeof createGatewayApp>[0]["authenticate"] = (req, res, next) => {
  const tenant = req.headers["x-test-tenant"];
  if (typeof tenant === "string") res.locals.principal = tenantAdmin(tenant);
  next();
};

let service: http.Server;
let gateway: http.Server;
let down: http.Server;
let base = "";
let downBase = "";

async function listen(listener: http.RequestListener): Promise<{ server: http.Server; base: string }> {
  const server = http.createServer(listener);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

beforeAll(async () => {
  const local = echoService();
  const served = await listen(
    createServiceProcessApp({
      role: "storage",
      served: [local],
      running: [],
      deps,
      internalKey: KEY,
      startup: async () => {},
    }),
  );
  service = served.server;
  const remote = remoteService(local, { baseUrl: served.base, internalKey: KEY, logger });
  ({ server: gateway, base } = await listen(
    createGatewayApp({ deps, modules: [remote], publicBaseUrl: () => base, authenticate: testAuthenticate }),
  ));
  // A gateway whose service is not listening.
  const unreachable = remoteService(echoService(), {
    baseUrl: `http://127.0.0.1:${await freePort()}`,
    internalKey: KEY,
    logger,
  });
  ({ server: down, base: downBase } = await listen(
    createGatewayApp({ deps, modules: [unreachable], publicBaseUrl: () => downBase, authenticate: testAuthenticate }),
  ));
});

afterAll(async () => {
  for (const server of [gateway, service, down]) await new Promise((resolve) => server.close(resolve));
  await deps.close();
});

describe("remoteService", () => {
  it("forwards a JSON call with the signed principal, the request id and the query; relays status, headers and cookies", async () => {
    const response = await fetch(`${base}/v1/echo/x/y?limit=3`, {
      method: "PATCH",
      headers: { "content-type": "application/json", "x-test-tenant": "ten_a", "x-request-id": "req-remote-1" },
      body: JSON.stringify({ name: "Aviator", sizes: [50, 52] }),
    });
    expect(response.status).toBe(201);
    expect(response.headers.get("x-service")).toBe("echo");
    expect(response.headers.get("x-request-id")).toBe("req-remote-1");
    expect(response.headers.getSetCookie()).toEqual(["a=1; Path=/", "b=2; Path=/"]);
    // Internal: read by the edge's audit trail, never relayed.
    expect(response.headers.get("x-varai-audit-context")).toBeNull();
    const body = await response.json();
    expect(body).toMatchObject({
      principal: { kind: "user", tenantId: "ten_a" },
      body: { name: "Aviator", sizes: [50, 52] },
      path: "/v1/echo/x/y?limit=3",
      requestId: "req-remote-1",
      contentType: "application/json",
    });
    expect(body.forwardedFor).toMatch(/127\.0\.0\.1/);
  });

  it("drops a principal the caller sent itself: the service sees none", async () => {
    const response = await fetch(`${base}/v1/echo/x/y`, {
      headers: {
        "x-varai-principal": Buffer.from(JSON.stringify({ principal: tenantAdmin("ten_victim") })).toString(
          "base64url",
        ),
        "x-varai-internal-signature": `t=${Date.now()},v1=${"a".repeat(64)}`,
      },
    });
    expect(response.status).toBe(201);
    expect((await response.json()).principal).toBeNull();
  });

  it("streams a binary upload and a raw webhook body through byte for byte", async () => {
    const bytes = randomBytes(3 * 1024 * 1024 + 17);
    const digest = createHash("sha256").update(bytes).digest("hex");
    const upload = await fetch(`${base}/v1/upload`, {
      method: "POST",
      headers: { "content-type": "application/octet-stream", "x-test-tenant": "ten_a" },
      body: bytes,
    });
    expect(upload.status).toBe(200);
    expect((await upload.json()).sha256).toBe(digest);

    const webhook = await fetch(`${base}/webhooks/echo`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-echo-hmac": "sig-1", "x-request-id": "req-hook-1" },
      body: '{"id": 1,  "spaces": "kept"}',
    });
    expect(webhook.status).toBe(200);
    expect(await webhook.json()).toEqual({
      sha256: createHash("sha256").update('{"id": 1,  "spaces": "kept"}').digest("hex"),
      requestId: "req-hook-1",
      signature: "sig-1",
    });
  });

  it("serves only the service's own paths: anything else is the gateway's 404", async () => {
    const response = await fetch(`${base}/v1/echo`, { headers: { "x-test-tenant": "ten_a" } });
    expect(response.status).toBe(404);
    expect((await response.json()).code).toBe("NOT_FOUND");
  });

  it("answers 503 UPSTREAM_UNAVAILABLE naming the service when it cannot be reached, on routes and raw routes", async () => {
    const routed = await fetch(`${downBase}/v1/echo/x/y`, { headers: { "x-test-tenant": "ten_a" } });
    expect(routed.status).toBe(503);
    expect(await routed.json()).toMatchObject({ code: "UPSTREAM_UNAVAILABLE", detail: "echo is unavailable" });
    const raw = await fetch(`${downBase}/webhooks/echo`, { method: "POST", body: "{}" });
    expect(raw.status).toBe(503);
    expect((await raw.json()).code).toBe("UPSTREAM_UNAVAILABLE");
    // ...and the gateway is not ready while it is down.
    const ready = await fetch(`${downBase}/readyz`);
    expect(ready.status).toBe(503);
    expect(JSON.stringify(await ready.json())).toContain("service:echo");
  });
});

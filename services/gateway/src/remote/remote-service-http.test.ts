import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { type AddressInfo, connect } from "node:net";
import { INTERNAL_HEADERS, noopLogger, type ServiceModule, setPrincipal, verifyInternalCall } from "@varai/runtime";
import express, { Router } from "express";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { remoteService } from "./remote-service.ts";

/**
 * The forwarding itself, between two real HTTP servers on loopback: an edge that mounts the
 * remote module as the gateway does (raw routes ahead of express, the router after the edge's
 * authentication), and a service process that records what it received.
 */

const KEY = randomBytes(32);
const PRINCIPAL = { kind: "storefront", tenantId: "ten_remote", keyId: "key_1", origin: null } as const;

interface Received {
  method: string;
  url: string;
  headers: IncomingMessage["headers"];
  body: Buffer;
  socket: unknown;
}

let received: Received[] = [];
let answer: (req: IncomingMessage, res: ServerResponse, body: Buffer) => void;
let service: Server;
let edge: Server;
let edgeBase = "";

const listen = (server: Server) =>
  new Promise<string>((resolve) =>
    server.listen(0, "127.0.0.1", () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)),
  );
const close = (server: Server) =>
  new Promise<void>((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });

function startEdge(baseUrl: string, timeoutMs?: number): ServiceModule {
  const local: ServiceModule = {
    name: "catalog",
    router: Router(),
    rawRoutes: [{ prefix: "/webhooks/", handle: () => {} }],
    openapi: { paths: { "/v1/things/{id}": {}, "/v1/photos": {} } },
  };
  return remoteService(local, { baseUrl, internalKey: KEY, logger: noopLogger, ...(timeoutMs ? { timeoutMs } : {}) });
}

async function serveEdge(module: ServiceModule): Promise<void> {
  const app = express();
  app.use((_req, res, next) => {
    res.locals.requestId = "req-edge-1";
    setPrincipal(res, PRINCIPAL);
    next();
  });
  app.use(express.json());
  app.use(module.router);
  app.use((error: Error & { status?: number; code?: string }, _req: unknown, res: express.Response, _n: unknown) => {
    res.status(error.code === "UPSTREAM_UNAVAILABLE" ? 503 : 500).json({ code: error.code, detail: error.message });
  });
  edge = createServer((req, res) => {
    const raw = module.rawRoutes?.find((r) => req.url?.startsWith(r.prefix));
    if (raw) raw.handle(req, res, "req-raw-1");
    else app(req, res);
  });
  edgeBase = await listen(edge);
}

beforeAll(async () => {
  service = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      received.push({ method: req.method!, url: req.url!, headers: req.headers, body, socket: req.socket });
      answer(req, res, body);
    });
  });
  await serveEdge(startEdge(await listen(service)));
});

afterEach(() => {
  received = [];
});

afterAll(async () => {
  await close(edge);
  await close(service);
});

describe("remoteService forwarding", () => {
  it("passes a raw webhook on byte for byte, with its length, and relays the answer as the service set it", async () => {
    answer = (_req, res) => {
      res.setHeader("set-cookie", ["a=1; Path=/", "b=2; Path=/"]);
      res.setHeader("x-service", "catalog");
      res.statusCode = 202;
      res.setHeader("content-type", "application/json");
      // With its length (node sets it on end), as express's res.json answers.
      res.end('{"accepted":true}');
    };
    // Bytes a re-encoding would change: the HMAC covers them exactly.
    const body = Buffer.concat([Buffer.from('{"id": 1,  "title":"caf\u00e9"}\n'), Buffer.from([0xff, 0x00])]);
    const res = await fetch(`${edgeBase}/webhooks/shopify`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "x-shopify-hmac-sha256": "c2lnbmF0dXJl",
        // From outside: never passed on.
        [INTERNAL_HEADERS.principal]: "e30",
        [INTERNAL_HEADERS.signature]: "t=1,v1=00",
        "x-request-id": "forged",
        "x-forwarded-for": "203.0.113.9",
      },
      body,
    });
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ accepted: true });
    expect(res.headers.get("x-service")).toBe("catalog");
    expect(res.headers.getSetCookie()).toEqual(["a=1; Path=/", "b=2; Path=/"]);
    expect(res.headers.get("content-length")).toBe("17");
    const [got] = received;
    expect(got).toMatchObject({ method: "POST", url: "/webhooks/shopify" });
    expect(got!.body.equals(body)).toBe(true);
    expect(got!.headers["content-length"]).toBe(String(body.length));
    expect(got!.headers["x-shopify-hmac-sha256"]).toBe("c2lnbmF0dXJl");
    expect(got!.headers["x-request-id"]).toBe("req-raw-1");
    expect(got!.headers["x-forwarded-for"]).toBe("203.0.113.9, 127.0.0.1");
    expect(got!.headers[INTERNAL_HEADERS.principal]).toBeUndefined();
    expect(got!.headers[INTERNAL_HEADERS.signature]).toBeUndefined();
  });

  it("signs the edge's principal over the method, path and request id, and re-sends a parsed JSON body", async () => {
    answer = (_req, res) => res.writeHead(200, { "content-type": "application/json" }).end("{}");
    const res = await fetch(`${edgeBase}/v1/things/th_1?x=1`, {
      method: "PATCH",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name: "é" }),
    });
    expect(res.status).toBe(200);
    const [got] = received;
    expect(JSON.parse(got!.body.toString("utf8"))).toEqual({ name: "é" });
    expect(got!.headers["content-length"]).toBe(String(got!.body.length));
    const identity = verifyInternalCall(KEY, {
      method: "PATCH",
      path: "/v1/things/th_1?x=1",
      requestId: "req-edge-1",
      headers: got!.headers,
    });
    expect(identity.principal).toEqual(PRINCIPAL);
  });

  it("streams a multipart upload without its length (chunked) and an answer of a megabyte back", async () => {
    const big = randomBytes(1 << 20);
    answer = (_req, res) => {
      res.writeHead(200, { "content-type": "image/jpeg" });
      // In pieces, as a render streams out.
      for (let i = 0; i < 4; i++) res.write(big.subarray(i << 18, (i + 1) << 18));
      res.end();
    };
    const form = new FormData();
    form.append("photo", new Blob([new Uint8Array(big)], { type: "image/jpeg" }), "p.jpg");
    const res = await fetch(`${edgeBase}/v1/photos`, { method: "POST", body: form });
    expect(res.status).toBe(200);
    expect(Buffer.from(await res.arrayBuffer()).equals(big)).toBe(true);
    const [got] = received;
    expect(got!.body.includes(big)).toBe(true);
    expect(String(got!.headers["content-type"])).toMatch(/^multipart\/form-data; boundary=/);
  });

  it("reuses one connection to the service for calls one after the other (keep-alive)", async () => {
    answer = (_req, res) => res.writeHead(204).end();
    for (let i = 0; i < 3; i++) expect((await fetch(`${edgeBase}/v1/things/th_${i}`)).status).toBe(204);
    expect(received).toHaveLength(3);
    expect(new Set(received.map((r) => r.socket)).size).toBe(1);
  });

  it("answers 503 UPSTREAM_UNAVAILABLE naming the service when it cannot be reached, on both paths", async () => {
    const gone = createServer();
    const goneBase = await listen(gone);
    await close(gone);
    const module = startEdge(goneBase);
    const previous = edge;
    await serveEdge(module);
    try {
      const routed = await fetch(`${edgeBase}/v1/things/th_1`, { method: "POST", body: "{}" });
      expect(routed.status).toBe(503);
      expect(await routed.json()).toMatchObject({ code: "UPSTREAM_UNAVAILABLE", detail: "catalog is unavailable" });
      const raw = await fetch(`${edgeBase}/webhooks/shopify`, { method: "POST", body: "x".repeat(64 * 1024) });
      expect(raw.status).toBe(503);
      expect(await raw.text()).toContain("UPSTREAM_UNAVAILABLE");
    } finally {
      await close(edge);
      edge = previous;
      edgeBase = `http://127.0.0.1:${(previous.address() as AddressInfo).port}`;
    }
  });

  it("drops the call to the service when the caller goes away mid-body", async () => {
    const cut = new Promise<boolean>((resolve) =>
      service.once("request", (req: IncomingMessage) => req.once("close", () => resolve(req.complete))),
    );
    const socket = connect((edge.address() as AddressInfo).port, "127.0.0.1");
    await new Promise((resolve) => socket.once("connect", resolve));
    socket.write("POST /webhooks/shopify HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n0123456789");
    await new Promise((resolve) => setTimeout(resolve, 100));
    socket.destroy();
    // Well within the 30 s call timeout: the service saw the call end incomplete.
    expect(await cut).toBe(false);
  });

  it("cuts off a service that does not answer in time", async () => {
    answer = () => {}; // never answers
    const module = startEdge(`http://127.0.0.1:${(service.address() as AddressInfo).port}`, 300);
    const previous = edge;
    await serveEdge(module);
    try {
      const started = Date.now();
      const res = await fetch(`${edgeBase}/v1/things/th_1`);
      expect(res.status).toBe(503);
      expect(Date.now() - started).toBeLessThan(5000);
    } finally {
      await close(edge);
      edge = previous;
      edgeBase = `http://127.0.0.1:${(previous.address() as AddressInfo).port}`;
    }
  });
});

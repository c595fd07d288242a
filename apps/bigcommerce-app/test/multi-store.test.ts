import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { startTestGateway, stopTestGateway, type TestGateway } from "@varai/gateway/testing";
import { type PlatformSimulator, startPlatformSimulator } from "@varai/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bootOf, PUBLIC_BASE } from "./test-harness.ts";

/**
 * Two stores on one BigCommerce: a small front (one login host, one API host, as BigCommerce
 * has) routes each call to its store's simulator, by the token request's `context` or the
 * `/stores/{hash}` path. One tenant per store, shared by its users.
 */
let a: PlatformSimulator;
let b: PlatformSimulator;
let front: Server;
let frontUrl = "";
let gateway: TestGateway;

async function forward(sim: PlatformSimulator, method: string, path: string, headers: Headers, body: Buffer | null) {
  return fetch(`${sim.baseUrl("bigcommerce")}${path}`, {
    method,
    headers,
    ...(body && method !== "GET" ? { body: new Uint8Array(body) } : {}),
  });
}

beforeAll(async () => {
  const shared = { clientId: "bc-client-id", clientSecret: "bc-client-secret", products: 3 };
  a = await startPlatformSimulator({ bigcommerce: { ...shared, storeHash: "storea1" } });
  b = await startPlatformSimulator({
    bigcommerce: { ...shared, storeHash: "storeb2", owner: { id: 7001, email: "owner@b.example" } },
  });
  front = createServer((req, res) => {
    void (async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const body = Buffer.concat(chunks);
      const path = req.url ?? "/";
      const hash =
        path === "/oauth2/token"
          ? /stores\/(\w+)/.exec(String((JSON.parse(body.toString() || "{}") as { context?: string }).context))?.[1]
          : /^\/stores\/(\w+)\//.exec(path)?.[1];
      const sim = hash === "storeb2" ? b : a;
      const headers = new Headers();
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string" && k !== "host") headers.set(k, v);
      const r = await forward(sim, req.method ?? "GET", path, headers, body);
      res.writeHead(r.status, { "content-type": r.headers.get("content-type") ?? "application/json" });
      res.end(Buffer.from(await r.arrayBuffer()));
    })();
  });
  await new Promise<void>((resolve) => front.listen(0, "127.0.0.1", resolve));
  frontUrl = `http://127.0.0.1:${(front.address() as AddressInfo).port}`;
  gateway = await startTestGateway({
    PUBLIC_BASE_URL: PUBLIC_BASE,
    BIGCOMMERCE_CLIENT_ID: shared.clientId,
    BIGCOMMERCE_CLIENT_SECRET: shared.clientSecret,
    BIGCOMMERCE_LOGIN_BASE_URL: frontUrl,
    BIGCOMMERCE_API_BASE_URL: frontUrl,
    VARAI_ALLOW_PRIVATE_UPSTREAMS: "true",
  });
});
afterAll(async () => {
  if (gateway) await stopTestGateway(gateway);
  await new Promise((resolve) => front?.close(resolve));
  await a?.close();
  await b?.close();
});

const get = async (path: string, query: Record<string, string>) => {
  const r = await fetch(`${gateway.base}${path}?${new URLSearchParams(query)}`);
  return { status: r.status, text: await r.text() };
};

describe("several stores, several users", () => {
  it("each store gets its own tenant, key and script; a store's users share its tenant; uninstalling one leaves the other", async () => {
    const viewA = bootOf((await get("/bigcommerce/auth", a.bigcommerce.app.authorize())).text);
    const viewB = bootOf((await get("/bigcommerce/auth", b.bigcommerce.app.authorize())).text);
    expect(viewA.session.tenantId).not.toBe(viewB.session.tenantId);
    expect(viewA.publishableKey).not.toBe(viewB.publishableKey);
    expect(a.bigcommerce.app.scripts).toHaveLength(1);
    expect(b.bigcommerce.app.scripts).toHaveLength(1);
    // Store A's owner and a second user of A share A's tenant.
    const staff = { id: 31, email: "staff@a.example" };
    const loadA = bootOf(
      (await get("/bigcommerce/load", { signed_payload_jwt: a.bigcommerce.app.signedPayload({ user: staff }) })).text,
    );
    expect(loadA.session.tenantId).toBe(viewA.session.tenantId);
    const meA = await gateway.call("GET", "/v1/connections", loadA.session.accessToken);
    expect(meA.body.items.map((c: { storeHash?: string }) => c.storeHash)).toEqual(["storea1"]);
    // B's session sees only B's store.
    const meB = await gateway.call("GET", "/v1/connections", viewB.session.accessToken);
    expect(meB.body.items.map((c: { storeHash?: string }) => c.storeHash)).toEqual(["storeb2"]);
    // Uninstalling B leaves A untouched.
    const un = await get("/bigcommerce/uninstall", { signed_payload_jwt: b.bigcommerce.app.signedPayload() });
    expect(un.status).toBe(200);
    expect((await get("/bigcommerce/load", { signed_payload_jwt: a.bigcommerce.app.signedPayload() })).status).toBe(
      200,
    );
    expect((await get("/bigcommerce/load", { signed_payload_jwt: b.bigcommerce.app.signedPayload() })).status).toBe(
      403,
    );
  });
});

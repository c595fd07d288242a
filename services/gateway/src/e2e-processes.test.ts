import { rawRequest, sendRaw } from "@varai/testkit";
import { describe, expect, it } from "vitest";
import { openLive } from "./live/live-client.test-helper.ts";
import { describeGatewayE2e, e2eTenants } from "./test-end-to-end.ts";
import { createMerchant, ORIGIN } from "./test-process.ts";
import { type SplitDeployment, startSplitDeployment } from "./test-split-deployment.ts";

/**
 * The end-to-end suite on the gateway and the services as separate processes (auth, catalog's
 * intake and workers apart, ml, analytics, storage, installs, widgets), each as its package's
 * `pnpm start` runs it, on one Redis and one shared store: the same calls, the same answers.
 */

let deployment: SplitDeployment;
let admin = { email: "", password: "" };

/** A process's own count of `varai_<metric>` samples whose labels contain every `needle`. */
async function metric(base: string, name: string, ...needles: string[]): Promise<number> {
  const text = await (await fetch(`${base}/metrics`)).text();
  return text
    .split("\n")
    .filter((line) => line.startsWith(`varai_${name}{`) && needles.every((n) => line.includes(n)))
    .reduce((sum, line) => sum + Number(line.split(" ").at(-1)), 0);
}

// Registered first: runs after the suite's set-up (sign-ins, two stores synced, a face analysed),
// before its last test stops the processes.
describe("separate processes", () => {
  it("served each call in its service's own process, not in the gateway", async () => {
    const { services } = deployment;
    const login = 'route="/v1/auth/login"';
    expect(await metric(services["auth:start"]!.base, "http_requests_total", login, 'status="200"')).toBeGreaterThan(0);
    const connections = 'route="/v1/connections"';
    expect(await metric(services["catalog:start:intake"]!.base, "http_requests_total", connections)).toBe(2);
    const analysis = 'route="/v1/face-analysis"';
    expect(await metric(services["ml:start"]!.base, "http_requests_total", analysis, 'status="200"')).toBe(1);
    // The intake process enqueued each store's backfill, the workers process ran it.
    const sync = ['queue="catalog-sync"', 'outcome="done"'];
    const intake = services["catalog:start:intake"]!.base;
    expect(await metric(intake, "queue_jobs_total", 'queue="catalog-sync"', 'outcome="enqueued"')).toBe(2);
    expect(await metric(intake, "queue_jobs_total", ...sync)).toBe(0);
    expect(await metric(services["catalog:start:workers"]!.base, "queue_jobs_total", ...sync)).toBeGreaterThan(0);
    // The gateway forwarded them (same route labels), and ran no job itself.
    expect(await metric(deployment.base, "http_requests_total", connections)).toBe(2);
    expect(await metric(deployment.base, "queue_jobs_total", 'outcome="done"')).toBe(0);
  });

  it("brings a sync run in the workers process to a live socket on the gateway (one Redis bus)", async () => {
    const { B } = e2eTenants();
    const issued = await fetch(`${deployment.base}/v1/live/tickets`, {
      method: "POST",
      headers: { authorization: `Bearer ${B.token}` },
    });
    expect(issued.status).toBe(201);
    const live = await openLive(deployment.base, { ticket: (await issued.json()).ticket, topics: "sync" });
    if (!("opened" in live)) throw new Error(`live refused: ${live.refused} ${live.body}`);
    await live.opened.next((m) => m.type === "ready");
    const run = await fetch(`${deployment.base}/v1/connections/${B.connectionId}/sync`, {
      method: "POST",
      headers: { authorization: `Bearer ${B.token}`, "content-type": "application/json" },
      body: JSON.stringify({ mode: "incremental" }),
    });
    expect(run.status).toBe(202);
    const done = await live.opened.next(
      (m) => m.topic === "sync" && m.data?.connectionId === B.connectionId && m.data?.status === "succeeded",
      20_000,
    );
    expect(done.data).toMatchObject({ mode: "incremental" });
    live.opened.ws.close();
  });

  it("refuses a forged principal sent to a service process directly", async () => {
    const response = await fetch(`${deployment.services["catalog:start:intake"]!.base}/v1/products`, {
      headers: { "x-varai-principal": "e30", "x-varai-internal-signature": `t=${Date.now()},v1=${"0".repeat(64)}` },
    });
    expect(response.status).toBe(401);
    const unsigned = await fetch(`${deployment.services["catalog:start:intake"]!.base}/v1/products`);
    expect(unsigned.status).toBe(401);
  });

  it("answers malformed uploads, bodies and webhooks with 4xx problems through the gateway, and every process keeps serving", async () => {
    const merchant = await createMerchant(deployment.base, {
      admin,
      owner: { email: "owner@split-malformed.test", password: "owner-password-split-0001" },
      name: "Split Malformed",
    });
    const storefront = { "x-varai-key": merchant.publishableKey, origin: ORIGIN };
    const form =
      '--x\r\nContent-Disposition: form-data; name="photo"; filename="a.jpg"\r\nContent-Type: image/jpeg\r\n\r\nabc';
    const multipart = { ...storefront, "content-type": "multipart/form-data; boundary=x" };
    for (const path of ["/v1/face-analysis", "/v1/try-on"]) {
      // A form that ends inside the photo, then one whose Content-Length stops inside it.
      const cut = await sendRaw(deployment.base, rawRequest({ path, headers: multipart, body: Buffer.from(form) }));
      expect(cut.status).toBe(400);
      expect(JSON.parse(cut.body.toString())).toMatchObject({ code: "INVALID_INPUT", reason: "BAD_MULTIPART" });
      const short = await sendRaw(
        deployment.base,
        rawRequest({
          path,
          headers: { ...multipart, "content-length": String(form.length - 2) },
          body: Buffer.from(`${form}\r\n--x--\r\n`),
        }),
      );
      expect(short.socketError).toBeNull();
      expect(short.status).toBe(400);
    }
    const json = { ...storefront, "content-type": "application/json" };
    const broken = await fetch(`${deployment.base}/v1/events`, { method: "POST", headers: json, body: '{"events": [' });
    expect(broken.status).toBe(400);
    const huge = await fetch(`${deployment.base}/v1/events`, {
      method: "POST",
      headers: json,
      body: JSON.stringify({ events: [], pad: "x".repeat(2 * 1024 * 1024) }),
    });
    expect(huge.status).toBe(413);
    const forged = await fetch(`${deployment.base}/webhooks/shopify`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "x-shopify-hmac-sha256": "bm9wZQ==",
        "x-shopify-topic": "products/update",
      },
      body: "{not json",
    });
    expect(forged.status).toBeGreaterThanOrEqual(400);
    expect(forged.status).toBeLessThan(500);

    await new Promise((resolve) => setTimeout(resolve, 300));
    for (const [name, service] of Object.entries(deployment.services)) {
      expect(service.child.exitCode, name).toBeNull();
      expect(service.output(), name).not.toMatch(/uncaught|unhandled/i);
      expect((await fetch(`${service.base}/healthz`)).status, name).toBe(200);
    }
    expect(deployment.gateway.child.exitCode).toBeNull();
  });
});

describeGatewayE2e(async (env) => {
  admin = { email: env.VARAI_ADMIN_EMAIL!, password: env.VARAI_ADMIN_PASSWORD! };
  deployment = await startSplitDeployment(env);
  return { base: deployment.base, dataDir: deployment.dataDir, stop: deployment.stop, remove: deployment.remove };
});

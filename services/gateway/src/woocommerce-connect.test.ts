import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { newAppKey } from "@varai/auth";
import { type PlatformSimulator, startPlatformSimulator } from "@varai/testkit";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { freePort, startTestGateway, stopTestGateway, type TestGateway } from "./test-helpers.ts";

/**
 * The WooCommerce plugin's Connect, VARAi's side, through the real gateway against the simulated
 * WooCommerce store. Both shared vectors run their PHP side with php-cli: the keys body
 * WooCommerce's WC_Auth posts, and a delivery signed as WC_Webhook signs it.
 */
const VECTORS = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  "../../../apps/woocommerce-plugin/tests/vectors",
);
const hasPhp = spawnSync("sh", ["-c", "command -v php"]).status === 0;
if (!hasPhp && process.env.CI === "true") throw new Error("php-cli missing: run bash scripts/setup.sh test");

interface PhpRequest {
  headers: Record<string, string>;
  body: string;
}
function php(script: string, input: unknown): PhpRequest {
  const r = spawnSync("php", [path.join(VECTORS, script)], { input: JSON.stringify(input), encoding: "utf8" });
  if (r.status !== 0) throw new Error(`php ${script}: ${r.stderr}${r.stdout}`);
  return JSON.parse(r.stdout) as PhpRequest;
}

const WOO_KEY = newAppKey("woocommerce");
const hex = () => randomBytes(20).toString("hex");
const CONSUMER = { key: `ck_${hex()}`, secret: `cs_${hex()}` };
const WEBHOOK_SECRET = "Plugin1Generated2Secret3Letters4";
let gateway: TestGateway;
let sim: PlatformSimulator;

beforeAll(async () => {
  const port = await freePort();
  gateway = await startTestGateway({
    PORT: String(port),
    PUBLIC_BASE_URL: `http://127.0.0.1:${port}`,
    VARAI_APP_KEYS: `woocommerce=${WOO_KEY}`,
    VARAI_ALLOW_PRIVATE_UPSTREAMS: "true",
  });
  sim = await startPlatformSimulator({
    woocommerce: {
      products: 3,
      consumerKey: CONSUMER.key,
      consumerSecret: CONSUMER.secret,
      webhookSecret: WEBHOOK_SECRET,
    },
  });
}, 60_000);

afterAll(async () => {
  await sim?.close();
  if (gateway) await stopTestGateway(gateway);
});

const start = (extra: Record<string, unknown> = {}) =>
  gateway.call("POST", "/woocommerce/auth/start", undefined, {
    storeUrl: sim.baseUrl("woocommerce"),
    storeName: "Example Optics",
    country: "DE",
    webhookSecret: WEBHOOK_SECRET,
    ...extra,
  });

async function postRaw(url: string, request: PhpRequest) {
  const response = await fetch(`${gateway.base}${url}`, {
    method: "POST",
    headers: request.headers,
    body: request.body,
  });
  const text = await response.text();
  const json = response.headers.get("content-type")?.includes("json");
  return { status: response.status, body: json && text ? JSON.parse(text) : text };
}

describe.skipIf(!hasPhp)("WooCommerce Connect (the plugin's callback_url on VARAi)", () => {
  let connection: {
    connectionId: string;
    publishableKey: string;
    siteToken: string;
    deliveryUrl: string;
    keyId: number;
  };
  const storeId = () => new URL(sim.baseUrl("woocommerce")).host;

  it("start validates its input and gives a state, a claim token and the callback URL", async () => {
    const bad = await start({ webhookSecret: "has&amp;;" });
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe("INVALID_INPUT");
    const ok = await start();
    expect(ok.status).toBe(201);
    expect(ok.body.state).toMatch(/^wcs_/);
    expect(ok.body.claimToken).toMatch(/^wcc_/);
    expect(ok.body.callbackUrl).toBe(`${gateway.base}/woocommerce/auth/callback`);
  });

  it("accepts the keys body WooCommerce posts (built by PHP), installs the store, then hands the connection over once", async () => {
    const { body: started } = await start();
    const early = await gateway.call("POST", "/woocommerce/auth/complete", undefined, {
      state: started.state,
      claimToken: started.claimToken,
    });
    expect(early.status).toBe(409);

    const forged = php("woocommerce-keys.php", { state: "wcs_forged_state_value", scope: "read_write" });
    expect((await postRaw("/woocommerce/auth/callback", forged)).status).toBe(401);

    const keys = php("woocommerce-keys.php", {
      state: started.state,
      scope: "read_write",
      consumerKey: CONSUMER.key,
      consumerSecret: CONSUMER.secret,
    });
    const callback = await postRaw("/woocommerce/auth/callback", keys);
    // Exactly 200, or WooCommerce deletes the key.
    expect(callback.status, JSON.stringify(callback.body)).toBe(200);
    expect((await postRaw("/woocommerce/auth/callback", keys)).status).toBe(409);

    const wrongClaim = await gateway.call("POST", "/woocommerce/auth/complete", undefined, {
      state: started.state,
      claimToken: `wcc_${hex()}`,
    });
    expect(wrongClaim.status).toBe(401);
    const done = await gateway.call("POST", "/woocommerce/auth/complete", undefined, {
      state: started.state,
      claimToken: started.claimToken,
    });
    expect(done.status).toBe(200);
    connection = done.body;
    expect(connection.publishableKey).toMatch(/^pk_/);
    expect(connection.siteToken).toMatch(/^wst_/);
    expect(connection.keyId).toBe(JSON.parse(keys.body).key_id);
    expect(connection.deliveryUrl).toBe(`${gateway.base}/webhooks/woocommerce/${connection.connectionId}`);
    const again = await gateway.call("POST", "/woocommerce/auth/complete", undefined, {
      state: started.state,
      claimToken: started.claimToken,
    });
    expect(again.status).toBe(401);

    // The connection is the tenant's, in the store's region, and the catalog synced in.
    const install = await gateway.call("GET", `/v1/installs/woocommerce/${storeId()}`, undefined, undefined, {
      "x-varai-app-key": WOO_KEY,
    });
    expect(install.body).toMatchObject({ connectionId: connection.connectionId, region: "eu", status: "active" });
    const session = await gateway.call(
      "POST",
      `/v1/installs/woocommerce/${storeId()}/sessions`,
      undefined,
      {},
      {
        "x-varai-app-key": WOO_KEY,
      },
    );
    const connections = await gateway.call("GET", "/v1/connections", session.body.accessToken);
    expect(connections.body.items.map((c: { id: string }) => c.id)).toEqual([connection.connectionId]);
    await vi.waitFor(
      async () => {
        const products = await gateway.call("GET", "/v1/products", session.body.accessToken);
        expect(products.body.items?.length).toBe(3);
      },
      { timeout: 20_000, interval: 200 },
    );
  });

  it("a delivery signed by PHP as WooCommerce signs it is accepted; a tampered one is refused", async () => {
    const delivery = php("woocommerce-delivery.php", {
      secret: WEBHOOK_SECRET,
      topic: "order.created",
      payload: {
        id: 501,
        currency: "EUR",
        total: "240.00",
        date_created_gmt: "2026-12-03T12:00:00",
        line_items: [{ product_id: 100, quantity: 2, price: 120 }],
        meta_data: [{ id: 9, key: "_varai_session", value: "ses_abc123" }],
      },
    });
    const url = `/webhooks/woocommerce/${connection.connectionId}`;
    expect((await postRaw(url, delivery)).status).toBe(200);
    const tampered = { ...delivery, body: delivery.body.replace("240.00", "1.00") };
    expect((await postRaw(url, tampered)).status).toBe(401);
  });

  it("the site token reads the status and disconnects; after that it is worth nothing", async () => {
    const headers = { "x-varai-site-token": connection.siteToken };
    expect((await gateway.call("GET", "/woocommerce/site", undefined, undefined, {})).status).toBe(401);
    const status = await gateway.call("GET", "/woocommerce/site", undefined, undefined, headers);
    expect(status.body).toMatchObject({ status: "active", connectionId: connection.connectionId });
    const gone = await gateway.call("DELETE", "/woocommerce/site", undefined, undefined, headers);
    expect(gone.body).toEqual({ status: "uninstalled" });
    expect((await gateway.call("GET", "/woocommerce/site", undefined, undefined, headers)).status).toBe(401);
    const install = await gateway.call("GET", `/v1/installs/woocommerce/${storeId()}`, undefined, undefined, {
      "x-varai-app-key": WOO_KEY,
    });
    expect(install.body.status).toBe("uninstalled");
  });
});

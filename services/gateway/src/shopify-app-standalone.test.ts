import { type ChildProcess, spawn } from "node:child_process";
import path from "node:path";
import { newAppKey } from "@varai/auth";
import { type PlatformSimulator, startPlatformSimulator } from "@varai/testkit";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { freePort, startTestGateway, stopTestGateway, type TestGateway } from "./test-helpers.ts";
import { PACKAGE_DIR } from "./test-process.ts";

/**
 * The Shopify app running alone (its own process, `node src/main.ts` as its start script) beside a
 * gateway that does not mount it: provisioning goes over HTTP with the app key.
 */
const APP_KEY = newAppKey("shopify");
let gateway: TestGateway;
let sim: PlatformSimulator;
let child: ChildProcess;
let appBase: string;

beforeAll(async () => {
  sim = await startPlatformSimulator({ shopify: { products: 2, app: { apiKey: "standalone-key" } } });
  gateway = await startTestGateway({
    VARAI_APP_KEYS: `shopify=${APP_KEY}`,
    SHOPIFY_API_SECRET: sim.shopify.apiSecret,
    VARAI_ALLOW_PRIVATE_UPSTREAMS: "true",
  });
  const port = await freePort();
  appBase = `http://127.0.0.1:${port}`;
  child = spawn(process.execPath, ["src/main.ts"], {
    cwd: path.resolve(PACKAGE_DIR, "../../apps/shopify-app"),
    env: {
      PATH: process.env.PATH ?? "",
      PORT: String(port),
      HOST: "127.0.0.1",
      DATA_DIR: path.join(gateway.dataDir, "standalone-app"),
      SHOPIFY_API_KEY: "standalone-key",
      SHOPIFY_API_SECRET: sim.shopify.apiSecret,
      SHOPIFY_ADMIN_BASE_URL: sim.baseUrl("shopify"),
      VARAI_API_URL: gateway.base,
      VARAI_APP_KEY: APP_KEY,
      VARAI_ENCRYPTION_KEYS: `v1:${Buffer.alloc(32, 9).toString("base64")}`,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  await vi.waitFor(() => expect(output).toContain("shopify app listening"), { timeout: 30_000, interval: 100 });
}, 60_000);

afterAll(async () => {
  child?.kill("SIGTERM");
  await new Promise((resolve) => (child?.exitCode !== null ? resolve(null) : child.once("exit", resolve)));
  if (gateway) await stopTestGateway(gateway);
  await sim?.close();
});

describe("the Shopify app alone", () => {
  it("installs through the installs API with its app key, and serves the UI's API", async () => {
    const token = sim.shopify.app.sessionToken();
    const status = await fetch(`${appBase}/shopify/api/status`, { headers: { authorization: `Bearer ${token}` } });
    expect(status.status).toBe(200);
    const body = await status.json();
    expect(body).toMatchObject({ shop: sim.shopify.shopDomain, connection: { status: "active" }, plan: "free" });
    const session = await fetch(`${appBase}/shopify/api/session`, {
      method: "POST",
      headers: { authorization: `Bearer ${sim.shopify.app.sessionToken()}` },
    });
    const { accessToken, tenantId } = await session.json();
    expect(tenantId).toBe(body.tenantId);
    await vi.waitFor(
      async () => {
        const products = await gateway.call("GET", "/v1/products", accessToken);
        expect(products.body.items?.length).toBe(2);
      },
      { timeout: 20_000, interval: 200 },
    );
    const refused = await fetch(`${appBase}/shopify/api/status`, {
      headers: { authorization: `Bearer ${sim.shopify.app.sessionToken({ secret: "x" })}` },
    });
    expect(refused.status).toBe(401);
    expect(refused.headers.get("x-shopify-retry-invalid-session-request")).toBe("1");
  });
});

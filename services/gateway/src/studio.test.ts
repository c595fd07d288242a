import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createGatewayApp } from "./app.ts";
import { createStudioModule } from "./studio.ts";
import { createTempPorts } from "./test-helpers.ts";

let runtime: Awaited<ReturnType<typeof createTempPorts>>;
let dist: string;

beforeAll(async () => {
  runtime = await createTempPorts();
  dist = await mkdtemp(path.join(tmpdir(), "varai-studio-"));
  await mkdir(path.join(dist, "assets"));
  await writeFile(path.join(dist, "index.html"), "<!doctype html><title>Studio</title>");
  await writeFile(path.join(dist, "assets", "index-abc.js"), "console.log(1)");
});
afterAll(async () => {
  await runtime.close();
  await runtime.remove();
  await rm(dist, { recursive: true, force: true });
});

const app = (studioDist: string) =>
  createGatewayApp({
    deps: runtime.deps,
    modules: [createStudioModule({ dist: studioDist })],
    publicBaseUrl: () => "",
  });

describe("/studio", () => {
  it("serves the app for every client-side route, with a strict CSP", async () => {
    for (const url of ["/studio/", "/studio/catalog", "/studio/widget-settings"]) {
      const res = await request(app(dist)).get(url);
      expect(res.status).toBe(200);
      expect(res.text).toContain("<title>Studio</title>");
      expect(res.headers["content-security-policy"]).toContain("script-src 'self'");
      expect(res.headers["content-security-policy"]).toContain("frame-ancestors 'none'");
      // The widget settings screen frames the preview page, and nothing else.
      expect(res.headers["content-security-policy"]).toContain("frame-src 'self'");
      expect(res.headers["cache-control"]).toBe("no-cache");
    }
    expect((await request(app(dist)).get("/studio")).headers.location).toBe("/studio/");
  });

  it("caches hashed assets for a year, and a missing asset is a 404 problem, not index.html", async () => {
    const asset = await request(app(dist)).get("/studio/assets/index-abc.js");
    expect(asset.status).toBe(200);
    expect(asset.headers["cache-control"]).toContain("immutable");
    const missing = await request(app(dist)).get("/studio/assets/nope.js");
    expect(missing.status).toBe(404);
    expect(missing.headers["content-type"]).toMatch(/problem\+json/);
  });

  it("serves the widget preview page, frameable by Studio only, loading the real widgets", async () => {
    for (const url of ["/studio/preview", "/studio/preview.js"]) {
      const res = await request(app(dist)).get(url);
      expect(res.status).toBe(200);
      const csp = res.headers["content-security-policy"];
      expect(csp).toContain("script-src 'self';");
      expect(csp).toMatch(/frame-ancestors 'self'$/);
    }
    const script = (await request(app(dist)).get("/studio/preview.js")).text;
    expect(script).toContain("/widget/varai.js");
    // The draft is taken only from the parent window on Studio's origin.
    expect(script).toContain("event.source !== parent || event.origin !== admin");
  });

  it("says how to build it when there is no build", async () => {
    const res = await request(app(path.join(dist, "absent"))).get("/studio/");
    expect(res.status).toBe(503);
    expect(res.body.detail).toContain("pnpm --filter @varai/commerce-studio build");
  });
});

/**
 * pnpm bench:studio — Commerce Studio and live-update figures, printed as JSON:
 * - initial JavaScript of the login route, gzipped (target <= 250 KB): the entry script and
 *   every module it preloads, as index.html asks for them;
 * - login -> first screen usable (connections loaded) in headless Chromium on the local gateway
 *   (target <= 1.5 s; median of runs);
 * - live update latency: an event batch accepted by the gateway (POST /v1/events answered) ->
 *   the number changed on the analytics screen (target p95 <= 500 ms), and bus.publish -> message
 *   on a socket (the socket path alone);
 * - 500 concurrent sockets on one gateway: RSS and heap before and after, and fan-out time of
 *   one event to all of them.
 * The gateway runs in this process (every service, embedded defaults), like the browser tests.
 */
import { readFile } from "node:fs/promises";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { startTestGateway, stopTestGateway } from "@varai/gateway/testing";
import { chromium } from "playwright-core";
import { build } from "vite";

const APP = path.resolve(import.meta.dirname, "..");
const ADMIN = { email: "root@varai.test", password: "root-password-for-bench-0001" };
const OWNER = { email: "owner@bench.test", password: "pw-owner-bench-long-0001" };
const ORIGIN = "https://bench-shop.test";
const SOCKETS = 500;

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? Math.round(s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]! * 10) / 10 : null;
};
const mb = (bytes: number) => Math.round(bytes / 1e5) / 10;

async function loginRouteJs(): Promise<{ files: string[]; gzipKB: number }> {
  await build({ root: APP, logLevel: "error" });
  const html = await readFile(path.join(APP, "dist/index.html"), "utf8");
  const files = [...html.matchAll(/(?:src|href)="\/studio\/(assets\/[^"]+\.js)"/g)].map((m) => m[1]!);
  let total = 0;
  for (const file of files) total += gzipSync(await readFile(path.join(APP, "dist", file))).length;
  return { files, gzipKB: Math.round(total / 102.4) / 10 };
}

async function main() {
  const results: Record<string, unknown> = { loginRouteJs: await loginRouteJs() };
  const gateway = await startTestGateway({ VARAI_ADMIN_EMAIL: ADMIN.email, VARAI_ADMIN_PASSWORD: ADMIN.password });
  const call = gateway.call;
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium" });
  try {
    const root = (await call("POST", "/v1/auth/login", undefined, ADMIN)).body.accessToken;
    const tenant = (await call("POST", "/v1/tenants", root, { name: "Bench shop", region: "us" })).body;
    await call("POST", `/v1/tenants/${tenant.id}/users`, root, { ...OWNER, role: "tenant_admin" });
    const owner = (await call("POST", "/v1/auth/login", undefined, OWNER)).body.accessToken;
    const pk = (await call("POST", "/v1/api-keys", owner, { kind: "publishable", allowedOrigins: [ORIGIN] })).body.key;

    // Login -> first screen usable.
    const firstScreen: number[] = [];
    for (let run = 0; run < 5; run++) {
      const context = await browser.newContext();
      const page = await context.newPage();
      await page.goto(`${gateway.base}/studio/`);
      await page.getByLabel("Email").fill(OWNER.email);
      await page.getByLabel("Password").fill(OWNER.password);
      const t0 = performance.now();
      await page.getByRole("button", { name: "Sign in" }).click();
      await page.getByText("No store is connected yet.").waitFor();
      firstScreen.push(performance.now() - t0);
      await context.close();
    }
    results.loginToFirstScreenMs = {
      median: pct(firstScreen, 50),
      max: pct(firstScreen, 100),
      runs: firstScreen.length,
    };

    // Event accepted -> analytics number changed on screen.
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${gateway.base}/studio/analytics`);
    await page.getByLabel("Email").fill(OWNER.email);
    await page.getByLabel("Password").fill(OWNER.password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("link", { name: "Analytics" }).click();
    const shown = page.locator('[data-metric="widgetShown"] .metric-value');
    await shown.waitFor();
    await page
      .getByRole("status")
      .filter({ hasText: /^Live$/ })
      .waitFor();
    const toScreen: number[] = [];
    for (let i = 1; i <= 20; i++) {
      const event = {
        id: `bench-${i}-${Date.now()}`,
        type: "widget_shown",
        sessionId: `s${i}`,
        occurredAt: new Date().toISOString(),
      };
      const sent = await call(
        "POST",
        "/v1/events",
        undefined,
        { events: [event] },
        { "x-varai-key": pk, origin: ORIGIN },
      );
      const accepted = performance.now();
      if (sent.status !== 202) throw new Error(`events answered ${sent.status}`);
      await page.waitForFunction(
        (n) => document.querySelector('[data-metric="widgetShown"] .metric-value')?.textContent === String(n),
        i,
        { polling: 5 },
      );
      toScreen.push(performance.now() - accepted);
    }
    results.eventAcceptedToScreenMs = {
      p50: pct(toScreen, 50),
      p95: pct(toScreen, 95),
      max: pct(toScreen, 100),
      n: toScreen.length,
    };
    await context.close();

    // Many sockets: memory, fan-out, and bus -> socket latency.
    global.gc?.();
    const before = process.memoryUsage();
    const sockets: WebSocket[] = [];
    const received: number[] = [];
    let publishedAt = 0;
    const wsBase = gateway.base.replace(/^http/, "ws");
    for (let i = 0; i < SOCKETS; i++) {
      // Tickets straight from the module: 500 HTTP ticket calls would spend the user's rate budget.
      const ticket = await gateway.live.tickets.issue({ tenantId: tenant.id, userId: "usr_bench", role: "viewer" });
      const ws = new WebSocket(`${wsBase}/v1/live?ticket=${ticket}&topics=webhooks`);
      await new Promise<void>((resolve, reject) => {
        ws.onmessage = (m) => {
          const data = JSON.parse(String(m.data));
          if (data.type === "ready") resolve();
          if (data.type === "event") received.push(performance.now() - publishedAt);
        };
        ws.onerror = () => reject(new Error("socket failed"));
      });
      sockets.push(ws);
    }
    global.gc?.();
    const after = process.memoryUsage();
    const fanOut: number[] = [];
    const single: number[] = [];
    for (let round = 0; round < 20; round++) {
      received.length = 0;
      publishedAt = performance.now();
      await gateway.live.bus.publish(tenant.id, "webhooks", { round });
      while (received.length < SOCKETS) await new Promise((r) => setTimeout(r, 1));
      fanOut.push(Math.max(...received));
      single.push(Math.min(...received));
    }
    results.sockets = {
      count: gateway.live.sockets.connections,
      rssMB: {
        before: mb(before.rss),
        after: mb(after.rss),
        perSocketKB: Math.round((after.rss - before.rss) / SOCKETS / 102.4) / 10,
      },
      heapUsedMB: { before: mb(before.heapUsed), after: mb(after.heapUsed) },
      note: "server and the 500 clients share this process, so the memory includes both ends",
      busToFirstSocketMs: { p50: pct(single, 50), p95: pct(single, 95) },
      busToAllSocketsMs: { p50: pct(fanOut, 50), p95: pct(fanOut, 95) },
    };
    for (const ws of sockets) ws.close();
  } finally {
    await browser.close();
    await stopTestGateway(gateway);
  }
  console.log(JSON.stringify(results, null, 2));
}

await main();

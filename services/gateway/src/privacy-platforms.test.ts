import { existsSync, readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import {
  createShopifySim,
  type Needles,
  type RedisTestServer,
  scanDirForBytes,
  scanRedisForBytes,
  startRedisServer,
} from "@varai/testkit";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call, createMerchant, killServer, ORIGIN, type Server, startServer } from "./test-process.ts";

/**
 * Shoppers known across the platforms' forms of one customer, tried as an outside tester would,
 * on the real server (the spawned start script on the embedded default): a
 * shopper's face analysis (photo with EXIF GPS and artist), events and recommendations are
 * stored under one form of their Shopify customer id, then exported and redacted by another
 * form, by the email alone, and through Shopify's signed `customers/data_request`,
 * `customers/redact` and `shop/redact`. After each, every byte under DATA_DIR is scanned for the
 * shopper's ids, email, photo bytes and landmark values (and every Redis key and value, on the
 * Redis-backed run). Scans run on the server's files at rest
 * (after a graceful stop, which checkpoints SQLite's WAL; the server then starts again on the
 * same DATA_DIR): whether the bytes are gone before the call returns is privacy.test.ts's check.
 */

const PHOTO = path.resolve(import.meta.dirname, "../../../test-artifacts/photos/astronaut.png");
function photoAvailable(): boolean {
  if (!existsSync(PHOTO) && process.env.CI) throw new Error(`${PHOTO} missing: run bash scripts/fetch-test-photos.sh`);
  return existsSync(PHOTO);
}

const ADMIN = { email: "privacy@varai.test", password: "privacy-test-password-01" };
const OWNER = { email: "owner@privacy-shop.test", password: "owner-password-long-0001" };
// The Shopify simulator's compliance payloads name this customer.
const JOHN = { id: "191167", email: "john@example.com" };

async function poll(what: string, check: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

function describePrivacy(
  backendName: string,
  backend: () => Promise<{ env: Record<string, string>; redisUrl?: string }>,
) {
  describe.skipIf(!photoAvailable())(
    `privacy across the platforms' forms of a shopper (real server, ${backendName})`,
    () => {
      const sim = createShopifySim({ products: 2 });
      let redisUrl: string | undefined;
      let dataDir: string;
      let env: Record<string, string>;
      let server: Server;
      let token = "";
      let publishableKey = "";
      let photo: Buffer;

      const login = async () => {
        token = (await call(server.base, "POST", "/v1/auth/login", { body: OWNER })).body.accessToken;
      };

      beforeAll(async () => {
        dataDir = await mkdtemp(path.join(tmpdir(), "varai-privacy-platforms-"));
        env = {
          DATA_DIR: dataDir,
          DEMO: "false",
          LOG_LEVEL: "info",
          ML_WORKERS: "1",
          VARAI_ADMIN_EMAIL: ADMIN.email,
          VARAI_ADMIN_PASSWORD: ADMIN.password,
          SHOPIFY_API_SECRET: sim.apiSecret,
          VARAI_ALLOW_PRIVATE_UPSTREAMS: "true",
        };
        const chosen = await backend();
        Object.assign(env, chosen.env);
        redisUrl = chosen.redisUrl;
        server = await startServer(env);
        ({ token, publishableKey } = await createMerchant(server.base, {
          admin: ADMIN,
          owner: OWNER,
          name: "Privacy Shop",
        }));
        // The Admin API is unreachable on purpose: products come from webhooks only.
        const connection = await call(server.base, "POST", "/v1/connections", {
          token,
          body: {
            platform: "shopify",
            name: "privacy",
            shopDomain: sim.shopDomain,
            apiBaseUrl: "http://127.0.0.1:9",
            credentials: { accessToken: sim.accessToken },
          },
        });
        expect(connection.status).toBe(201);
        // A photo as a phone takes it: EXIF with the artist and a GPS position.
        photo = await sharp(readFileSync(PHOTO))
          .withExif({
            IFD0: { Artist: "Artist-John-Shopper", Copyright: "John 2026" },
            IFD3: {
              GPSLatitudeRef: "N",
              GPSLatitude: "48/1 51/1 2964/100",
              GPSLongitudeRef: "E",
              GPSLongitude: "2/1 17/1 4020/100",
            },
          })
          .jpeg({ quality: 90 })
          .toBuffer();
      }, 180_000);

      afterAll(async () => {
        await killServer(server);
        await rm(dataDir, { recursive: true, force: true });
      });

      let visits = 0;
      /**
       * What the storefront widget sends for one shopper: a consented analysis, events, a
       * recommendation. Each shopper's photo is framed differently, so their landmarks are theirs.
       */
      async function shopperVisits(shopperId: string, email?: string) {
        const pad = 8 * ++visits;
        const own = await sharp(photo, { autoOrient: false })
          .extend({ left: pad, top: pad, background: "#808080" })
          .withExif({ IFD0: { Artist: "Artist-John-Shopper" } })
          .jpeg({ quality: 90 })
          .toBuffer();
        const form = new FormData();
        form.append("photo", new Blob([new Uint8Array(own)], { type: "image/jpeg" }), "me.jpg");
        form.append("consent", "true");
        form.append("shopperId", shopperId);
        if (email) form.append("shopperEmail", email);
        const analysed = await fetch(`${server.base}/v1/face-analysis`, {
          method: "POST",
          headers: { "x-varai-key": publishableKey, origin: ORIGIN },
          body: form,
        });
        const analysis = (await analysed.json()) as { id: string; landmarks: number[][] };
        expect(analysed.status, JSON.stringify(analysis)).toBe(200);
        expect(analysis.id).toMatch(/^fa_/);
        const sessionId = `ses_${shopperId.replace(/\W/g, "")}_visit`;
        const events = await call(server.base, "POST", "/v1/events", {
          key: publishableKey,
          body: {
            events: [
              {
                id: `evt_${sessionId}_1`,
                type: "widget_shown",
                sessionId,
                shopperId,
                occurredAt: new Date().toISOString(),
              },
            ],
            // The storefront reported the shopper's consent (a shopper id is refused without it).
            consent: true,
          },
        });
        expect(events.status).toBe(202);
        const recs = await call(server.base, "POST", "/v1/recommendations", {
          key: publishableKey,
          body: { shopperId, faceAnalysisId: analysis.id, consent: true },
        });
        expect(recs.status).toBe(200);
        return {
          analysisId: analysis.id,
          // A landmark coordinate long enough to be unmistakable in a byte scan (not "262.9").
          landmark: (analysis.landmarks as number[][])
            .slice(200)
            .map((p) => String(p[0]))
            .find((x) => x.length >= 6) as string,
          photoBytes: own.subarray(own.length - 3000, own.length - 2000),
        };
      }

      const exportOf = async (body: object) => {
        const res = await call(server.base, "POST", "/v1/privacy/export", { token, body });
        expect(res.status).toBe(200);
        return res.body.data as Record<string, unknown[]>;
      };
      const rowsOf = (data: Record<string, unknown[]>) => Object.values(data).reduce((n, rows) => n + rows.length, 0);

      /** Stops the server gracefully (its files at rest), scans DATA_DIR (and Redis), starts it again. */
      async function scanAtRest(needles: Needles) {
        server.child.kill("SIGTERM");
        await server.exited;
        const hits = await scanDirForBytes(dataDir, needles);
        if (redisUrl) hits.push(...(await scanRedisForBytes(redisUrl, needles)));
        server = await startServer(env);
        await login();
        return hits;
      }

      const needlesFor = (
        ids: string[],
        visit: { landmark: string; photoBytes: Buffer },
        extra: Needles = {},
      ): Needles => ({
        ...Object.fromEntries(ids.map((id, i) => [`id${i}:${id}`, id])),
        landmark: visit.landmark,
        photoBytes: visit.photoBytes,
        exifArtist: "Artist-John-Shopper",
        ...extra,
      });

      let first: { landmark: string; photoBytes: Buffer };
      it("stores one form of the id, never the email or the photo's bytes in clear", async () => {
        const stored = await shopperVisits("gid://shopify/Customer/700001", "ann@example.test");
        first = stored;
        await poll("the events to land", async () => rowsOf(await exportOf({ shopperId: "700001" })) >= 4);
        const data = await exportOf({ shopperId: "700001" });
        expect(JSON.stringify(data)).not.toContain("gid://shopify/Customer/700001");
        const hits = await scanAtRest({
          plainId: "700001",
          landmark: stored.landmark,
          gid: "gid://shopify/Customer/700001",
          email: "ann@example.test",
          photoBytes: stored.photoBytes,
          exifArtist: "Artist-John-Shopper",
        });
        // The scan can see what is there: the id and the landmarks are stored (until redaction).
        expect(hits.map((h) => h.needle)).toEqual(expect.arrayContaining(["plainId", "landmark"]));
        expect(hits.filter((h) => !["plainId", "landmark"].includes(h.needle))).toEqual([]);
      }, 120_000);

      let other: { landmark: string; photoBytes: Buffer };
      it("redacts by the plain id what was stored under the gid, and by the gid what was stored under the plain id", async () => {
        other = await shopperVisits("700099");
        const b = await shopperVisits("700002");
        for (const [stored, by] of [
          ["700001", { shopperId: "700001" }],
          ["700002", { shopperId: "gid://shopify/Customer/700002" }],
        ] as const) {
          const res = await call(server.base, "POST", "/v1/privacy/redact", { token, body: by });
          expect(res.status).toBe(200);
          expect(res.body.erased["ml.face-measurements"]).toBe(1);
          expect(rowsOf(await exportOf({ shopperId: stored }))).toBe(0);
        }
        const hits = await scanAtRest({
          ...needlesFor(["700001", "700002", "gid://shopify/Customer/700001"], b, { email: "ann@example.test" }),
          firstLandmark: first.landmark,
          firstPhoto: first.photoBytes,
        });
        expect(hits).toEqual([]);
        // Another shopper is untouched.
        expect(rowsOf(await exportOf({ shopperId: "700099" }))).toBeGreaterThanOrEqual(3);
      }, 180_000);

      it("redacts by the email alone (POST /v1/privacy/redact {email}) what was stored under the linked id", async () => {
        const c = await shopperVisits("700003", "cleo@example.test");
        await poll("the events to land", async () => rowsOf(await exportOf({ email: "cleo@example.test" })) >= 4);
        const res = await call(server.base, "POST", "/v1/privacy/redact", {
          token,
          body: { email: "Cleo@Example.test" },
        });
        expect(res.status).toBe(200);
        expect(res.body.erased).toMatchObject({ "ml.face-measurements": 1, "runtime.shopper-links": 1 });
        expect(rowsOf(await exportOf({ shopperId: "700003" }))).toBe(0);
        const hits = await scanAtRest(needlesFor(["700003"], c, { email: "cleo@example.test" }));
        expect(hits).toEqual([]);
      }, 180_000);

      it("answers customers/data_request with an export stored for the merchant, then customers/redact erases it all", async () => {
        // John visits under the gid (as Liquid's customer.id in a GraphQL theme may give it).
        const john = await shopperVisits(`gid://shopify/Customer/${JOHN.id}`, JOHN.email);
        await poll("the events to land", async () => rowsOf(await exportOf({ shopperId: JOHN.id })) >= 4);
        const request = sim.webhook("customers/data_request");
        expect(
          (await call(server.base, "POST", "/webhooks/shopify", { headers: request.headers, raw: request.body }))
            .status,
        ).toBe(200);
        let items: Array<{ id: string; status: string; source: Record<string, string>; downloadPath: string }> = [];
        await poll("the stored export", async () => {
          items = (await call(server.base, "GET", "/v1/privacy/exports", { token })).body.items;
          return items.length === 1;
        });
        expect(items[0]).toMatchObject({ status: "ready", source: { platform: "shopify", requestId: "9999" } });
        const download = await call(server.base, "GET", items[0]!.downloadPath, { token });
        expect(download.status).toBe(200);
        expect(download.body.data["ml.face-measurements"]).toHaveLength(1);
        expect(download.body.data["analytics.events"].length).toBeGreaterThanOrEqual(1);
        const audit = (await call(server.base, "GET", "/v1/audit?limit=50", { token })).body.items.map(
          (e: { action: string }) => e.action,
        );
        expect(audit).toEqual(expect.arrayContaining(["privacy.export.stored", "privacy.export.download"]));

        const redact = sim.webhook("customers/redact");
        expect(
          (await call(server.base, "POST", "/webhooks/shopify", { headers: redact.headers, raw: redact.body })).status,
        ).toBe(200);
        await poll("the redaction", async () => rowsOf(await exportOf({ shopperId: JOHN.id })) === 0);
        await poll("the stored export to go with it", async () => {
          return (await call(server.base, "GET", "/v1/privacy/exports", { token })).body.items.length === 0;
        });
        const hits = await scanAtRest(
          needlesFor([JOHN.id, `gid://shopify/Customer/${JOHN.id}`], john, { email: JOHN.email }),
        );
        expect(hits).toEqual([]);
      }, 180_000);

      it("shop/redact removes the shop: connection and its secrets, products, deliveries, every shopper", async () => {
        const product = sim.webhook("products/update", { index: 0 });
        expect(
          (await call(server.base, "POST", "/webhooks/shopify", { headers: product.headers, raw: product.body }))
            .status,
        ).toBe(200);
        const title = String(sim.restProduct(0).title);
        await poll(
          "the product",
          async () => (await call(server.base, "GET", "/v1/products", { token })).body.items.length === 1,
        );
        const before = await scanAtRest({
          shopDomain: sim.shopDomain,
          title,
          otherShopper: "700099",
          otherLandmark: other.landmark,
        });
        expect(before.map((h) => h.needle)).toEqual(
          expect.arrayContaining(["shopDomain", "title", "otherShopper", "otherLandmark"]),
        );

        const redact = sim.webhook("shop/redact");
        expect(
          (await call(server.base, "POST", "/webhooks/shopify", { headers: redact.headers, raw: redact.body })).status,
        ).toBe(200);
        await poll("the shop's erasure", async () => {
          const connections = await call(server.base, "GET", "/v1/connections", { token });
          return connections.status === 200 && connections.body.items.length === 0;
        });
        expect((await call(server.base, "GET", "/v1/products", { token })).body.items).toEqual([]);
        expect(rowsOf(await exportOf({ shopperId: "700099" }))).toBe(0);
        // What stays: the audit record of the redaction (who asked, when, the outcome; no shopper id).
        const audit = (await call(server.base, "GET", "/v1/audit?limit=100", { token })).body.items;
        expect(
          audit.some(
            (e: { action: string; target?: { type: string } }) =>
              e.action === "privacy.redact" && e.target?.type === "tenant",
          ),
        ).toBe(true);
        const hits = await scanAtRest({
          shopDomain: sim.shopDomain,
          title,
          accessToken: sim.accessToken,
          otherShopper: "700099",
          otherLandmark: other.landmark,
          otherPhoto: other.photoBytes,
        });
        expect(hits).toEqual([]);
        // The store is unknown now: a late delivery finds no shop.
        const late = sim.webhook("products/update", { index: 1 });
        expect(
          (await call(server.base, "POST", "/webhooks/shopify", { headers: late.headers, raw: late.body })).status,
        ).toBe(404);
      }, 180_000);
    },
  );
}

describePrivacy("embedded SQLite", async () => ({ env: {} }));

let redis: RedisTestServer | undefined;
describePrivacy("Redis queues and cache", async () => {
  redis = await startRedisServer({ url: null });
  return { env: { REDIS_URL: redis.url, REDIS_KEY_PREFIX: "privacy" }, redisUrl: redis.url };
});
afterAll(async () => {
  await redis?.stop();
});

import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import {
  type ByteHit,
  type Needles,
  type RedisTestServer,
  scanDirForBytes,
  scanRedisForBytes,
  startRedisServer,
} from "@varai/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call, createMerchant, killServer, ORIGIN, type Server, startServer } from "./test-process.ts";

/**
 * Privacy on the real server, checked the way an outside tester would: a spawned gateway on a
 * fresh DATA_DIR, driven only through its HTTP API, and after each step a scan of every byte
 * under DATA_DIR (and of every Redis key when it runs on Redis) for the shopper's ids, the
 * photo's bytes and landmark values. Steps: consent off, consent on + export, redaction by
 * shopper id, and expiry with the clock moved 91 days (a restart with
 * VARAI_TEST_CLOCK_OFFSET_MS, which the server honours only with NODE_ENV=test).
 */

const PHOTO = path.resolve(import.meta.dirname, "../../../test-artifacts/photos/astronaut.png");
const ADMIN = { email: "privacy@varai.test", password: "privacy-test-password-0001" };
const OWNER = { email: "owner@privacy-shop.test", password: "owner-password-long-0001" };
const DAY_MS = 86_400_000;
/** Sessions named `<FAULTS>fail…` dead-letter, `<FAULTS>hold…` wait before processing (test-faults.ts). */
const FAULTS = "qfault_";

function photoAvailable(): boolean {
  if (!existsSync(PHOTO) && process.env.CI) throw new Error(`${PHOTO} missing: run bash scripts/fetch-test-photos.sh`);
  return existsSync(PHOTO);
}

async function poll(what: string, check: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

function describePrivacy(name: string, backend: () => Promise<{ env: Record<string, string>; redisUrl?: string }>) {
  describe.skipIf(!photoAvailable())(`privacy on the real server (${name})`, () => {
    let dataDir: string;
    let env: Record<string, string>;
    let redisUrl: string | undefined;
    let server: Server;
    let token = "";
    let key = "";
    let photo: Buffer;
    /** Bytes from inside the PNG's compressed image data: only a stored copy of the photo holds them. */
    let photoBytes: Uint8Array;

    const login = async () => {
      const res = await call(server.base, "POST", "/v1/auth/login", { body: OWNER });
      expect(res.status).toBe(200);
      token = res.body.accessToken;
    };

    /** Every hit of the needles under DATA_DIR and, on Redis, in its keys and values. */
    async function scan(needles: Needles): Promise<ByteHit[]> {
      const hits = await scanDirForBytes(dataDir, needles);
      if (redisUrl) hits.push(...(await scanRedisForBytes(redisUrl, needles)));
      return hits;
    }

    async function analyse(fields: Record<string, string>) {
      const form = new FormData();
      for (const [k, v] of Object.entries(fields)) form.append(k, v);
      form.append("photo", new Blob([new Uint8Array(photo)], { type: "image/png" }), "astronaut.png");
      const res = await fetch(`${server.base}/v1/face-analysis`, {
        method: "POST",
        headers: { "x-varai-key": key, origin: ORIGIN },
        body: form,
      });
      expect(res.status).toBe(200);
      return (await res.json()) as { id: string | null; landmarks: Array<[number, number, number]> };
    }

    /** Landmarks as stored (JSON `[x,y,z]` triples): unmistakable in a byte scan. */
    const landmarkNeedles = (landmarks: Array<[number, number, number]>): Needles => {
      expect(landmarks.length).toBeGreaterThan(300);
      return Object.fromEntries([5, 150, 300].map((i, n) => [`landmark ${n}`, JSON.stringify(landmarks[i])]));
    };

    const sendEvents = (events: object[], consent?: boolean) =>
      call(server.base, "POST", "/v1/events", {
        key,
        body: { events, ...(consent === undefined ? {} : { consent }) },
      });
    const event = (id: string, type: string, sessionId: string, extra: object = {}) => ({
      id,
      type,
      sessionId,
      occurredAt: new Date().toISOString(),
      ...extra,
    });
    const exportShopper = async (shopperId: string) => {
      const res = await call(server.base, "POST", "/v1/privacy/export", { token, body: { shopperId } });
      expect(res.status).toBe(200);
      return res.body.data as Record<string, Array<Record<string, unknown>>>;
    };

    beforeAll(async () => {
      photo = await readFile(PHOTO);
      photoBytes = new Uint8Array(photo.subarray(Math.floor(photo.length / 2), Math.floor(photo.length / 2) + 48));
      dataDir = await mkdtemp(path.join(tmpdir(), "varai-privacy-"));
      const chosen = await backend();
      redisUrl = chosen.redisUrl;
      env = {
        DATA_DIR: dataDir,
        DEMO: "false",
        LOG_LEVEL: "info",
        ML_WORKERS: "1",
        NODE_ENV: "test",
        VARAI_ADMIN_EMAIL: ADMIN.email,
        VARAI_ADMIN_PASSWORD: ADMIN.password,
        VARAI_TEST_ANALYTICS_FAULTS: FAULTS,
        ...chosen.env,
      };
      server = await startServer(env);
      ({ token, publishableKey: key } = await createMerchant(server.base, {
        admin: ADMIN,
        owner: OWNER,
        name: "Privacy Shop",
      }));
    }, 120_000);

    afterAll(async () => {
      await killServer(server);
      await rm(dataDir, { recursive: true, force: true });
    });

    it("keeps nothing of a shopper who did not consent", async () => {
      const shopper = "shp_noconsent_5d1";
      const analysis = await analyse({ shopperId: shopper });
      expect(analysis.id).toBeNull();
      const events = await sendEvents([
        event("evt_nc_0000001", "widget_shown", "ses_noconsent_5d1"),
        event("evt_nc_0000002", "product_viewed", "ses_noconsent_5d1", { shopperId: shopper }),
      ]);
      expect(events.status).toBe(202);
      expect(events.body.rejected).toEqual([expect.objectContaining({ index: 1, reason: "consent_required" })]);
      const recs = await call(server.base, "POST", "/v1/recommendations", {
        key,
        body: { faceShape: "oval", shopperId: shopper },
      });
      expect(recs.status).toBe(400);
      expect(JSON.parse(recs.body).reason).toBe("CONSENT_REQUIRED");

      await poll("the anonymous event to be stored", async () => {
        const day = new Date().toISOString().slice(0, 10);
        const summary = await call(server.base, "GET", `/v1/analytics/summary?from=${day}&to=${day}`, { token });
        return summary.body?.totals?.widgetShown === 1;
      });
      expect(await scan({ shopper, photo: photoBytes, ...landmarkNeedles(analysis.landmarks) })).toEqual([]);
    }, 120_000);

    it("exports and then redacts by shopper id everything derived from a consented analysis, leaving no byte behind", async () => {
      const shopper = "shp_redact_8e2";
      const session = "ses_redact_8e2";
      const control = "shp_control_3a9";
      const analysis = await analyse({ consent: "true", shopperId: shopper });
      expect(analysis.id).toMatch(/^fa_/);
      // Before the shopper is identified, the session's events carry no shopper id (no consent needed).
      expect(
        (await sendEvents([event("evt_rd_0000001", "widget_shown", session, { productId: "prd_seen_1" })])).body
          .accepted,
      ).toBe(1);
      expect(
        (
          await sendEvents(
            [
              event("evt_rd_0000002", "try_on_started", session, { shopperId: shopper }),
              event("evt_rd_0000003", "widget_shown", "ses_control_3a9", { shopperId: control }),
            ],
            true,
          )
        ).body.accepted,
      ).toBe(2);
      // A recommendation from the analysis alone (no shopperId): linked to the analysis's shopper.
      const recs = await call(server.base, "POST", "/v1/recommendations", {
        key,
        body: { faceAnalysisId: analysis.id },
      });
      expect(recs.status).toBe(200);
      const needles: Needles = {
        shopper,
        session,
        analysisId: analysis.id!,
        photo: photoBytes,
        ...landmarkNeedles(analysis.landmarks),
      };

      await poll("the events to be stored", async () => {
        const data = await exportShopper(shopper);
        return (data["analytics.events"] ?? []).length >= 3;
      });
      const data = await exportShopper(shopper);
      expect(data["ml.face-measurements"]).toEqual([expect.objectContaining({ id: analysis.id, shopperId: shopper })]);
      expect(data["storage.shopper-blobs"]).toEqual([expect.objectContaining({ shopperId: shopper, kind: "photo" })]);
      expect(data["recommendations.history"]).toEqual([
        expect.objectContaining({ id: recs.body.id, faceAnalysisId: analysis.id, shopperId: shopper }),
      ]);
      // The anonymous event of the shopper's session and the session record are exported too.
      const analytics = data["analytics.events"] ?? [];
      expect(analytics.map((item) => [item.kind, item.type ?? null]).sort()).toEqual([
        ["analytics_event", "try_on_started"],
        ["analytics_event", "widget_shown"],
        ["analytics_session_day", null],
      ]);
      expect(JSON.stringify(data)).not.toContain(control);
      // The scan can fail: before the redaction the shopper's data is on disk. (Never the photo's
      // bytes in clear: a kept photo is re-encoded and sealed; it stays a needle for the scans.)
      const before = (await scan(needles)).map((hit) => hit.needle);
      expect(before).toEqual(expect.arrayContaining(["shopper", "landmark 0"]));
      expect(before).not.toContain("photo");

      const redacted = await call(server.base, "POST", "/v1/privacy/redact", { token, body: { shopperId: shopper } });
      expect(redacted.status).toBe(200);
      // When the call returns, no file under DATA_DIR holds any of it (no close, no compaction needed).
      expect(await scan(needles)).toEqual([]);
      expect(Object.values(await exportShopper(shopper)).flat()).toEqual([]);
      // Another shopper is untouched.
      expect((await scan({ control })).length).toBeGreaterThan(0);
      // The audit log names the subject by a keyed digest, never the id.
      const audit = await call(server.base, "GET", "/v1/audit?limit=20", { token });
      expect(JSON.stringify(audit.body)).not.toContain(shopper);
    }, 120_000);

    it("redacts events the store never got: a batch in the dead letters and one accepted but not processed", async () => {
      const shopper = "shp_queued_4b7";
      const control = "shp_qcontrol_2d8";
      const failed = `${FAULTS}fail_4b7`;
      const held = `${FAULTS}hold_4b7`;
      // A batch that fails every attempt: the shopper's event, an anonymous one of their session, another shopper's.
      const first = await sendEvents(
        [
          event("evt_ql_0000001", "try_on_started", failed, { shopperId: shopper }),
          event("evt_ql_0000002", "widget_shown", failed),
          event("evt_ql_0000003", "widget_shown", `${FAULTS}fail_ctl`, { shopperId: control }),
        ],
        true,
      );
      expect(first.body.accepted).toBe(3);
      await poll("the batch to be dead-lettered", async () => {
        const data = await exportShopper(shopper);
        return (data["analytics.events"] ?? []).length >= 2;
      });
      const exported = (await exportShopper(shopper))["analytics.events"] ?? [];
      expect(exported.map((item) => [item.kind, item.id]).sort()).toEqual([
        ["analytics_event_not_stored", "evt_ql_0000001"],
        ["analytics_event_not_stored", "evt_ql_0000002"],
      ]);
      const needles: Needles = { shopper, failed, held };
      // The scan can fail: the dead letter holds the shopper's id.
      expect((await scan(needles)).map((hit) => hit.needle)).toEqual(expect.arrayContaining(["shopper", "failed"]));

      // Accepted, and held by the processor while the redaction runs.
      const second = await sendEvents(
        [
          event("evt_ql_0000004", "add_to_cart", held, { shopperId: shopper }),
          event("evt_ql_0000005", "add_to_cart", "ses_qcontrol_2d8"),
        ],
        true,
      );
      expect(second.body.accepted).toBe(2);
      const redacted = await call(server.base, "POST", "/v1/privacy/redact", { token, body: { shopperId: shopper } });
      expect(redacted.status).toBe(200);
      // The dead letter is scrubbed when the call returns; the held batch is still a queue job.
      expect((await scan(needles)).map((hit) => hit.needle)).not.toContain("failed");

      // The held batch is processed after the redaction: the other event of it counts, the shopper's is dropped.
      const day = new Date().toISOString().slice(0, 10);
      await poll("the held batch to be processed", async () => {
        const summary = await call(server.base, "GET", `/v1/analytics/summary?from=${day}&to=${day}`, { token });
        return summary.body?.totals?.addToCart >= 1;
      });
      const summary = await call(server.base, "GET", `/v1/analytics/summary?from=${day}&to=${day}`, { token });
      expect(summary.body.totals.addToCart).toBe(1);
      // Its job held the shopper's events until acknowledged; a checkpoint right after takes them off disk.
      await poll("the processed job to leave the disk", async () => (await scan(needles)).length === 0, 5000);
      expect(Object.values(await exportShopper(shopper)).flat()).toEqual([]);
      // The other shopper's event stays in the dead letter.
      expect((await scan({ control })).length).toBeGreaterThan(0);
    }, 120_000);

    it("deletes expired face data, history, events and session records from disk, at start-up after 91 days", async () => {
      const shopper = "shp_expiry_6c4";
      const session = "ses_expiry_6c4";
      const retention = await call(server.base, "PUT", "/v1/privacy/retention", { token, body: { faceDataDays: 1 } });
      expect(retention.status).toBe(200);
      expect(retention.body).toMatchObject({ faceDataDays: 1, eventDays: 90, historyDays: 90 });
      expect(
        (await call(server.base, "PUT", "/v1/privacy/retention", { token, body: { faceDataDays: 31 } })).status,
      ).toBe(400);

      const analysis = await analyse({ consent: "true", shopperId: shopper });
      expect(analysis.id).toMatch(/^fa_/);
      expect(
        (
          await call(server.base, "POST", "/v1/recommendations", {
            key,
            body: { faceAnalysisId: analysis.id, shopperId: shopper, consent: true },
          })
        ).status,
      ).toBe(200);
      expect(
        (await sendEvents([event("evt_ex_0000001", "try_on_started", session, { shopperId: shopper })], true)).body
          .accepted,
      ).toBe(1);
      await poll("the event to be stored", async () => {
        const data = await exportShopper(shopper);
        return (data["analytics.events"] ?? []).length >= 2;
      });
      const needles: Needles = {
        shopper,
        session,
        analysisId: analysis.id!,
        photo: photoBytes,
        ...landmarkNeedles(analysis.landmarks),
      };
      const before = (await scan(needles)).map((hit) => hit.needle);
      expect(before).toEqual(expect.arrayContaining(["shopper", "landmark 0"]));
      expect(before).not.toContain("photo"); // sealed at rest, never in clear

      // 91 days later: the server restarts with its clock moved; the start-up sweep runs
      // before it reports listening.
      server.child.kill("SIGTERM");
      await server.exited;
      server = await startServer({ ...env, VARAI_TEST_CLOCK_OFFSET_MS: String(91 * DAY_MS) });
      expect(await scan(needles)).toEqual([]);
      // The earlier control shopper's events (90 days) are gone too.
      expect(await scan({ control: "shp_control_3a9" })).toEqual([]);
      await login();
      expect(Object.values(await exportShopper(shopper)).flat()).toEqual([]);
    }, 180_000);
  });
}

describePrivacy("embedded SQLite", async () => ({ env: {} }));

let redis: RedisTestServer | undefined;
describePrivacy("Redis", async () => {
  redis = await startRedisServer({ url: null });
  return { env: { REDIS_URL: redis.url }, redisUrl: redis.url };
});
afterAll(async () => {
  await redis?.stop();
});

import { Session } from "@shopify/shopify-api";
import { createSecretBox } from "@varai/runtime";
import { createTestRuntime } from "@varai/testkit";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DocumentSessionStorage, SHOPIFY_SESSIONS_COLLECTION } from "./session-storage.ts";

/**
 * Our own port of the cases of Shopify's session-storage battery
 * (`@shopify/shopify-app-session-storage-test-utils`, private, not on npm), run against the real
 * embedded DocumentStore.
 */
const box = createSecretBox({ keys: { v1: Buffer.alloc(32, 7).toString("base64") }, current: "v1" });
let runtime: ReturnType<typeof createTestRuntime>;
let storage: DocumentSessionStorage;

beforeEach(() => {
  runtime = createTestRuntime();
  storage = new DocumentSessionStorage(runtime.store, box);
});
afterEach(() => runtime.close());

const inAnHour = () => {
  const date = new Date(Date.now() + 3_600_000);
  date.setMilliseconds(0);
  return date;
};

const offline = (id: string, shop: string, extra: Record<string, unknown> = {}) =>
  new Session({ id, shop, state: "state", isOnline: false, scope: "test_scope", accessToken: "shpat_abc", ...extra });

describe("DocumentSessionStorage (the session-storage battery's cases)", () => {
  for (const [label, expires] of [
    ["unset", "unset"],
    ["a Date one hour ahead", inAnHour()],
    ["null", null],
    ["undefined", undefined],
  ] as const) {
    it(`stores, loads and deletes an offline session with expires ${label}`, async () => {
      const session = offline("offline_a.myshopify.com", "a.myshopify.com", expires === "unset" ? {} : { expires });
      await expect(storage.storeSession(session)).resolves.toBe(true);
      const loaded = await storage.loadSession(session.id);
      expect(session.equals(loaded)).toBe(true);
      expect(loaded?.isActive(["test_scope"])).toBe(true);
      await expect(storage.deleteSession(session.id)).resolves.toBe(true);
      await expect(storage.deleteSession(session.id)).resolves.toBe(true);
      await expect(storage.loadSession(session.id)).resolves.toBeUndefined();
    });
  }

  it("round-trips a session with an extra unknown property", async () => {
    const session = offline("offline_b.myshopify.com", "b.myshopify.com", { someOtherParam: "hello" });
    await storage.storeSession(session);
    expect(session.equals(await storage.loadSession(session.id))).toBe(true);
  });

  it("round-trips an online session with its associated user", async () => {
    const session = new Session({
      id: "online_c_1",
      shop: "c.myshopify.com",
      state: "state",
      isOnline: true,
      scope: "test_scope",
      accessToken: "shpua_online",
      expires: inAnHour(),
      onlineAccessInfo: {
        associated_user: {
          id: 123,
          first_name: "Ada",
          last_name: "Lovelace",
          email: "ada@example.com",
          account_owner: true,
          locale: "en",
          collaborator: false,
          email_verified: true,
        },
      } as Session["onlineAccessInfo"],
    });
    await storage.storeSession(session);
    const loaded = await storage.loadSession(session.id);
    expect(session.equals(loaded)).toBe(true);
    expect(loaded?.onlineAccessInfo?.associated_user.email).toBe("ada@example.com");
  });

  it("loads an unknown id as undefined", async () => {
    await expect(storage.loadSession("not_a_session")).resolves.toBeUndefined();
  });

  it("finds exactly the sessions of one shop, and deleteSessions removes them", async () => {
    const sessions = [
      offline("s1", "one.myshopify.com"),
      offline("s2", "two.myshopify.com"),
      offline("s3", "one.myshopify.com"),
      offline("s4", "three.myshopify.com"),
    ];
    for (const s of sessions) await storage.storeSession(s);
    const found = await storage.findSessionsByShop("one.myshopify.com");
    expect(found.map((s) => s.id).sort()).toEqual(["s1", "s3"]);
    for (const s of found) expect(s.equals(sessions.find((x) => x.id === s.id))).toBe(true);
    await expect(storage.deleteSessions(["s1", "s3"])).resolves.toBe(true);
    await expect(storage.findSessionsByShop("one.myshopify.com")).resolves.toEqual([]);
    await expect(storage.findSessionsByShop("two.myshopify.com")).resolves.toHaveLength(1);
  });

  it("round-trips a scope string longer than 255 characters", async () => {
    const scope = Array.from({ length: 40 }, (_, i) => `write_scope_number_${i}`).join(",");
    expect(scope.length).toBeGreaterThan(255);
    const session = offline("long", "d.myshopify.com", { scope });
    await storage.storeSession(session);
    expect((await storage.loadSession("long"))?.scope).toBe(scope);
  });

  it("round-trips the refresh token, first without and then with its expiry", async () => {
    const session = offline("refresh", "e.myshopify.com", { expires: inAnHour(), refreshToken: "shprt_1" });
    await storage.storeSession(session);
    expect(session.equals(await storage.loadSession("refresh"))).toBe(true);
    const in30Days = new Date(Date.now() + 30 * 86_400_000);
    in30Days.setMilliseconds(0);
    session.refreshToken = "shprt_2";
    session.refreshTokenExpires = in30Days;
    await storage.storeSession(session);
    const loaded = await storage.loadSession("refresh");
    expect(session.equals(loaded)).toBe(true);
    expect(loaded?.refreshToken).toBe("shprt_2");
    expect(loaded?.refreshTokenExpires?.getTime()).toBe(in30Days.getTime());
  });

  it("stores both tokens sealed, never in clear", async () => {
    await storage.storeSession(offline("sealed", "f.myshopify.com", { refreshToken: "shprt_secret_refresh" }));
    const raw = await runtime.store.globalCollection(SHOPIFY_SESSIONS_COLLECTION).findById("sealed");
    const text = JSON.stringify(raw);
    expect(text).not.toContain("shpat_abc");
    expect(text).not.toContain("shprt_secret_refresh");
    expect(text).toContain("accessTokenCipher");
  });
});

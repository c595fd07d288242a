import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { APP_COLLECTIONS } from "../server/stores.ts";
import { type AppHarness, bootOf, callback, PUBLIC_BASE, startAppHarness, until } from "./test-harness.ts";

/**
 * The four callbacks at the public contract's paths, through the whole gateway, against the
 * simulated BigCommerce (login host, store API, hooks, Scripts API).
 */
let h: AppHarness;
beforeAll(async () => {
  h = await startAppHarness();
});
afterAll(() => h?.stop());

const bc = () => h.sim.bigcommerce;
// biome-ignore lint/suspicious/noExplicitAny: tests assert on stored documents, they do not type them
type Doc = { id: string } & Record<string, any>;
const STAFF = { id: 4242, email: "staff@sim-store.example" };

async function install() {
  return callback(h, "/bigcommerce/auth", bc().app.authorize());
}

/** Everything the app changed: the store API's request count, our records, the install. */
async function snapshot() {
  const stores = await h.gateway.deps.store.globalCollection<Doc>(APP_COLLECTIONS.stores).find({});
  const users = await h.gateway.deps.store
    .globalCollection<Doc>({ ...APP_COLLECTIONS.users, indexes: [...APP_COLLECTIONS.users.indexes] })
    .find({});
  return { requests: bc().stats.requests, scripts: bc().app.scripts.length, stores, users };
}

describe("GET /bigcommerce/auth", () => {
  it("exchanges the code, provisions, registers three hooks with the auth header and one script, answers the view", async () => {
    const r = await install();
    expect(r.status).toBe(200);
    expect(r.type).toMatch(/^text\/html/);
    expect(r.headers.get("content-security-policy")).toContain("frame-ancestors https://*.bigcommerce.com");
    const boot = bootOf(r.text);
    expect(boot.storeHash).toBe(bc().storeHash);
    expect(boot.session.expiresIn).toBeLessThanOrEqual(15 * 60);
    expect(boot.publishableKey).toMatch(/^pk_/);
    expect(boot.script.status).toBe("created");
    // The hooks come from the catalog's first full sync (its webhook check), with the header its intake checks.
    const hooks = await until("three hooks", async () => (bc().hooks.length === 3 ? bc().hooks : null));
    expect(hooks.map((x) => x.scope).sort()).toEqual([
      "store/product/created",
      "store/product/deleted",
      "store/product/updated",
    ]);
    for (const hook of hooks) {
      expect(hook.destination).toBe(`${PUBLIC_BASE}/webhooks/bigcommerce`);
      expect(hook.headers["X-Varai-Webhook-Token"]).toMatch(/^[\w-]{20,}$/);
    }
    expect(bc().app.scripts).toHaveLength(1);
    expect(bc().app.scripts[0]!.html).toContain(`data-key="${boot.publishableKey}"`);
    expect(bc().app.scripts[0]!.html).toContain(`src="${PUBLIC_BASE}/widget/varai.js"`);
    // A hook delivery with that header is accepted by the intake.
    const [status] = await h.sim.send(`${h.gateway.base}/webhooks/bigcommerce`, bc().webhook("store/product/updated"));
    expect(status).toBe(200);
  });

  it("stores the token sealed, never in clear", async () => {
    const { stores } = await snapshot();
    const doc = stores.find((s) => s.id === bc().storeHash) as Doc;
    expect(doc.tokenCipher).toBeTruthy();
    expect(JSON.stringify(stores)).not.toContain(bc().accessToken);
  });

  it("a second install repairs instead of duplicating (same tenant, three hooks, one script)", async () => {
    const first = bootOf((await install()).text);
    bc().app.scripts[0]!.visibility = "checkout";
    const again = await install();
    expect(again.status).toBe(200);
    const boot = bootOf(again.text);
    expect(boot.session.tenantId).toBe(first.session.tenantId);
    expect(boot.script.status).toBe("repaired");
    await until("hook check", async () => bc().hooks.length === 3);
    expect(bc().hooks).toHaveLength(3);
    expect(bc().app.scripts).toHaveLength(1);
    expect(bc().app.scripts[0]!.visibility).toBe("storefront");
  });

  it("a refused code is a 401 and writes nothing; a malformed query is a 400", async () => {
    const before = await snapshot();
    const used = bc().app.authorize();
    await callback(h, "/bigcommerce/auth", used);
    const replay = await callback(h, "/bigcommerce/auth", used);
    expect(replay.status).toBe(401);
    expect(JSON.parse(replay.text)).toMatchObject({ code: "UNAUTHENTICATED" });
    const bad = await callback(h, "/bigcommerce/auth", { code: "x", scope: "s", context: "not-a-store" });
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.text)).toMatchObject({ code: "INVALID_INPUT" });
    expect((await snapshot()).scripts).toBe(before.scripts);
  });
});

describe("GET /bigcommerce/load and /remove_user (several users per store)", () => {
  it("load links the user, repairs a deleted script and opens a short-lived session", async () => {
    bc().app.deleteAllScripts();
    const r = await callback(h, "/bigcommerce/load", { signed_payload_jwt: bc().app.signedPayload({ user: STAFF }) });
    expect(r.status).toBe(200);
    const boot = bootOf(r.text);
    expect(boot.user.email).toBe(STAFF.email);
    expect(boot.script.status).toBe("created");
    expect(bc().app.scripts).toHaveLength(1);
    // The session is a tenant session for the store's tenant, usable on /v1/*.
    const me = await h.gateway.call("GET", "/v1/me", boot.session.accessToken);
    expect(me.status).toBe(200);
    expect(me.body.user.tenantId).toBe(boot.session.tenantId);
    const users = (await snapshot()).users.map((u) => u.userId).sort();
    expect(users).toEqual([STAFF.id, 9001].sort());
  });

  it("the session never travels in a URL: the view carries it in a JSON element, no-store, no referrer", async () => {
    const r = await callback(h, "/bigcommerce/load", { signed_payload_jwt: bc().app.signedPayload() });
    expect(r.headers.get("cache-control")).toBe("no-store");
    expect(r.headers.get("referrer-policy")).toBe("no-referrer");
    expect(r.text).not.toMatch(/[?&](token|access_token|session)=/);
  });

  it.each([
    ["expired", { claims: { exp: Math.floor(Date.now() / 1000) - 3600 } }],
    ["wrong audience", { claims: { aud: "another-app" } }],
    ["bad signature", { secret: "forged" }],
    ["wrong issuer", { claims: { iss: "not-bc" } }],
  ])("%s payload -> 401 on every callback, nothing changes", async (_name, attack) => {
    const before = await snapshot();
    for (const path of ["/bigcommerce/load", "/bigcommerce/remove_user", "/bigcommerce/uninstall"]) {
      const r = await callback(h, path, { signed_payload_jwt: bc().app.signedPayload({ user: STAFF, ...attack }) });
      expect(r.status, path).toBe(401);
      expect(JSON.parse(r.text)).toMatchObject({ code: "UNAUTHENTICATED" });
    }
    const missing = await callback(h, "/bigcommerce/load", {});
    expect(missing.status).toBe(401);
    expect(await snapshot()).toEqual(before);
  });

  it("remove_user removes only that user's link", async () => {
    const r = await callback(h, "/bigcommerce/remove_user", {
      signed_payload_jwt: bc().app.signedPayload({ user: STAFF }),
    });
    expect(r.status).toBe(200);
    expect(JSON.parse(r.text)).toEqual({ status: "removed", removed: true });
    const users = (await snapshot()).users.map((u) => u.userId);
    expect(users).toEqual([9001]);
    const again = await callback(h, "/bigcommerce/remove_user", {
      signed_payload_jwt: bc().app.signedPayload({ user: STAFF }),
    });
    expect(JSON.parse(again.text)).toEqual({ status: "removed", removed: false });
  });
});

describe("GET /bigcommerce/uninstall", () => {
  it("marks the store uninstalled, deletes the token, then makes no call to the store; a replay is a 200 no-op", async () => {
    const payload = bc().app.signedPayload();
    const r = await callback(h, "/bigcommerce/uninstall", { signed_payload_jwt: payload });
    expect(r.status).toBe(200);
    expect(JSON.parse(r.text)).toEqual({ status: "uninstalled", changed: true });
    bc().uninstallApp();
    const { stores } = await snapshot();
    expect(stores.find((s) => s.id === bc().storeHash)).toMatchObject({ status: "uninstalled", tokenCipher: null });
    const requests = bc().stats.requests;
    const replay = await callback(h, "/bigcommerce/uninstall", { signed_payload_jwt: payload });
    expect(JSON.parse(replay.text)).toEqual({ status: "uninstalled", changed: false });
    // A load after uninstall is refused without calling the store; webhooks for it are refused.
    const load = await callback(h, "/bigcommerce/load", { signed_payload_jwt: bc().app.signedPayload() });
    expect(load.status).toBe(403);
    await h.sim.send(`${h.gateway.base}/webhooks/bigcommerce`, bc().webhook("store/product/updated"));
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(bc().stats.requests).toBe(requests);
  });

  it("a reinstall after uninstall works again", async () => {
    const r = await install();
    expect(r.status).toBe(200);
    expect(bootOf(r.text).script.status).toBe("created");
  });
});

describe("uninstalled through BigCommerce's store/app/uninstalled hook", () => {
  it("the next load is refused without calling the store, and the app's token is deleted", async () => {
    await until("the reinstall's hooks", async () => bc().hooks.length === 3);
    const [status] = await h.sim.send(`${h.gateway.base}/webhooks/bigcommerce`, bc().webhook("store/app/uninstalled"));
    expect(status).toBe(200);
    await until("the install marked uninstalled", async () => {
      const r = await callback(h, "/bigcommerce/load", { signed_payload_jwt: bc().app.signedPayload() });
      return r.status === 403;
    });
    const requests = bc().stats.requests;
    const again = await callback(h, "/bigcommerce/load", { signed_payload_jwt: bc().app.signedPayload() });
    expect(again.status).toBe(403);
    expect(bc().stats.requests).toBe(requests);
    const { stores } = await snapshot();
    expect(stores.find((s) => s.id === bc().storeHash)).toMatchObject({ status: "uninstalled", tokenCipher: null });
  });
});

describe("the public contract", () => {
  it("documents the four callbacks in /openapi.json and no longer lists them as planned", async () => {
    const doc = (await h.gateway.call("GET", "/openapi.json")).body;
    for (const path of ["/bigcommerce/auth", "/bigcommerce/load", "/bigcommerce/uninstall", "/bigcommerce/remove_user"])
      expect(doc.paths[path]?.get?.responses?.["200"], path).toBeTruthy();
    const planned = (doc["x-varai-planned"] as Array<{ path: string }>).map((p) => p.path);
    expect(planned.filter((p) => p.startsWith("/bigcommerce/"))).toEqual([]);
  });

  it("without BIGCOMMERCE_CLIENT_ID / _SECRET every callback is a 501", async () => {
    const { startTestGateway, stopTestGateway } = await import("@varai/gateway/testing");
    const bare = await startTestGateway({});
    try {
      const r = await fetch(`${bare.base}/bigcommerce/load?signed_payload_jwt=x`);
      expect(r.status).toBe(501);
      expect(await r.json()).toMatchObject({ code: "UNSUPPORTED" });
    } finally {
      await stopTestGateway(bare);
    }
  });
});

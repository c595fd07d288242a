import { type PlatformSimulator, signHs256, startPlatformSimulator } from "@varai/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verifySignedPayload } from "../server/bc/jwt.ts";
import { exchangeCode } from "../server/bc/oauth.ts";
import { ensureLoaderScript, LOADER_SCRIPT_NAME, loaderHtml } from "../server/bc/scripts.ts";
import { createStoreApi } from "../server/bc/store-api.ts";

let sim: PlatformSimulator;
beforeAll(async () => {
  sim = await startPlatformSimulator({ bigcommerce: { products: 3 } });
});
afterAll(() => sim.close());

const app = () => ({ clientId: sim.bigcommerce.clientId, clientSecret: sim.bigcommerce.clientSecret });
const now = () => new Date();
const failure = (p: Promise<unknown>) =>
  p.then(
    () => null,
    (e: { code?: string; details?: { reason?: string } }) => ({ code: e.code, reason: e.details?.reason }),
  );

describe("signed_payload_jwt (jose: HS256, aud, iss bc, sub stores/{hash}, exp/nbf)", () => {
  it("accepts BigCommerce's payload and reads store, user and owner", async () => {
    const user = { id: 77, email: "staff@sim-store.example" };
    const p = await verifySignedPayload(sim.bigcommerce.app.signedPayload({ user }), app(), now());
    expect(p).toMatchObject({ storeHash: sim.bigcommerce.storeHash, user, owner: { id: 9001 } });
  });

  it("allows 60 s of clock skew on exp and nbf, not more", async () => {
    const t = Math.floor(Date.now() / 1000);
    const skewed = sim.bigcommerce.app.signedPayload({ claims: { exp: t - 30, nbf: t + 30, iat: t + 30 } });
    await expect(verifySignedPayload(skewed, app(), now())).resolves.toBeTruthy();
    const expired = sim.bigcommerce.app.signedPayload({ claims: { exp: t - 120 } });
    expect(await failure(verifySignedPayload(expired, app(), now()))).toEqual({
      code: "UNAUTHENTICATED",
      reason: "ERR_JWT_EXPIRED",
    });
    const early = sim.bigcommerce.app.signedPayload({ claims: { nbf: t + 600 } });
    expect((await failure(verifySignedPayload(early, app(), now())))?.code).toBe("UNAUTHENTICATED");
  });

  it.each([
    ["wrong audience (another app's payload)", { claims: { aud: "another-client" } }],
    ["wrong issuer", { claims: { iss: "evil" } }],
    ["sub not a store", { claims: { sub: "users/1" } }],
    ["no exp", { claims: { exp: undefined } }],
    ["bad signature", { secret: "not-the-client-secret" }],
    ["alg none", { header: { alg: "none", typ: "JWT" } }],
    ["alg HS512", { header: { alg: "HS512", typ: "JWT" } }],
  ])("refuses %s", async (_name, options) => {
    const token = sim.bigcommerce.app.signedPayload(options);
    expect((await failure(verifySignedPayload(token, app(), now())))?.code).toBe("UNAUTHENTICATED");
  });

  it("refuses garbage, an empty or missing token, and a payload without a user", async () => {
    for (const token of [undefined, "", "a.b.c", "x".repeat(9000)])
      expect((await failure(verifySignedPayload(token, app(), now())))?.code).toBe("UNAUTHENTICATED");
    const t = Math.floor(Date.now() / 1000);
    const noUser = signHs256(
      { aud: app().clientId, iss: "bc", sub: "stores/abc123", exp: t + 60, nbf: t },
      app().clientSecret,
    );
    expect(await failure(verifySignedPayload(noUser, app(), now()))).toEqual({
      code: "UNAUTHENTICATED",
      reason: "claims",
    });
  });
});

describe("code exchange (POST {login}/oauth2/token)", () => {
  const options = (redirectUri = "https://varai.example/bigcommerce/auth") => ({
    ...app(),
    loginBaseUrl: sim.baseUrl("bigcommerce"),
    redirectUri,
  });

  it("sends the documented body with scope and context unchanged, and returns the token", async () => {
    const query = sim.bigcommerce.app.authorize();
    const token = await exchangeCode(query, options(), fetch);
    expect(token.access_token).toBe(sim.bigcommerce.accessToken);
    expect(sim.bigcommerce.app.tokenRequests.at(-1)).toEqual({
      client_id: app().clientId,
      client_secret: app().clientSecret,
      code: query.code,
      context: query.context,
      scope: query.scope,
      grant_type: "authorization_code",
      redirect_uri: "https://varai.example/bigcommerce/auth",
    });
  });

  it("a used, unknown or tampered-scope code is UNAUTHENTICATED", async () => {
    const query = sim.bigcommerce.app.authorize();
    await exchangeCode(query, options(), fetch);
    expect((await failure(exchangeCode(query, options(), fetch)))?.code).toBe("UNAUTHENTICATED");
    const other = sim.bigcommerce.app.authorize();
    const tampered = { ...other, scope: `${other.scope} store_v2_orders` };
    expect((await failure(exchangeCode(tampered, options(), fetch)))?.code).toBe("UNAUTHENTICATED");
  });

  it("an unreachable login host is UPSTREAM_UNAVAILABLE", async () => {
    const query = sim.bigcommerce.app.authorize();
    const down = { ...options(), loginBaseUrl: "http://127.0.0.1:9" };
    expect((await failure(exchangeCode(query, down, fetch)))?.code).toBe("UPSTREAM_UNAVAILABLE");
  });
});

describe("Scripts API: one loader script, repaired", () => {
  const api = () =>
    createStoreApi({
      apiBaseUrl: sim.baseUrl("bigcommerce"),
      storeHash: sim.bigcommerce.storeHash,
      accessToken: sim.bigcommerce.accessToken,
      fetch,
    });
  const html = loaderHtml({ widgetBaseUrl: "https://varai.example", publishableKey: "pk_test_1" });

  it("creates it once (footer, storefront, auto_uninstall), then finds it present", async () => {
    sim.bigcommerce.app.deleteAllScripts();
    const first = await ensureLoaderScript(api(), html);
    const second = await ensureLoaderScript(api(), html);
    expect([first.action, second.action]).toEqual(["created", "present"]);
    expect(sim.bigcommerce.app.scripts).toHaveLength(1);
    expect(sim.bigcommerce.app.scripts[0]).toMatchObject({
      uuid: first.uuid,
      name: LOADER_SCRIPT_NAME,
      kind: "script_tag",
      location: "footer",
      visibility: "storefront",
      auto_uninstall: true,
    });
    expect(sim.bigcommerce.app.scripts[0]!.html).toContain(
      'src="https://varai.example/widget/varai.js" data-key="pk_test_1"',
    );
  });

  it("re-creates a deleted script, fixes a changed one and removes duplicates", async () => {
    sim.bigcommerce.app.deleteAllScripts();
    expect((await ensureLoaderScript(api(), html)).action).toBe("created");
    sim.bigcommerce.app.deleteAllScripts();
    expect((await ensureLoaderScript(api(), html)).action).toBe("created");
    sim.bigcommerce.app.scripts[0]!.location = "head";
    expect((await ensureLoaderScript(api(), html)).action).toBe("repaired");
    expect(sim.bigcommerce.app.scripts[0]!.location).toBe("footer");
    await api()("POST", "/v3/content/scripts", { name: LOADER_SCRIPT_NAME, kind: "script_tag", html });
    const check = await ensureLoaderScript(api(), html);
    expect(check.removed).toBe(1);
    expect(sim.bigcommerce.app.scripts).toHaveLength(1);
  });

  it("the simulator keeps the per-app limit of 10 scripts", async () => {
    sim.bigcommerce.app.deleteAllScripts();
    for (let i = 0; i < 10; i++)
      await api()("POST", "/v3/content/scripts", { name: `other ${i}`, src: "https://x.example/a.js" });
    const r = await api()("POST", "/v3/content/scripts", { name: "eleventh", src: "https://x.example/a.js" });
    expect(r.status).toBe(422);
    await expect(ensureLoaderScript(api(), html)).rejects.toMatchObject({ code: "CONFLICT" });
    sim.bigcommerce.app.deleteAllScripts();
  });
});

import request from "supertest";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { REFRESH_COOKIE } from "./refresh-cookie.ts";
import { createHarness, type Harness } from "./test-harness.ts";

let h: Harness;
beforeEach(async () => {
  h = await createHarness();
});
afterEach(async () => {
  await h.close();
});

const ROOT = { email: "root@varai.test", password: "root-password-123" };

/** The Set-Cookie line of the refresh cookie, split into its value and lower-cased attributes. */
function refreshCookie(res: request.Response) {
  const lines = ([] as string[]).concat(res.headers["set-cookie"] ?? []);
  const line = lines.find((l) => l.startsWith(`${REFRESH_COOKIE}=`));
  if (!line) return null;
  const [pair = "", ...attributes] = line.split(";").map((p) => p.trim());
  return { value: pair.slice(REFRESH_COOKIE.length + 1), attributes: attributes.map((a) => a.toLowerCase()), line };
}

const login = (host?: string) => {
  const req = request(h.app).post("/v1/auth/login");
  if (host) req.set("Host", host);
  return req.send(ROOT);
};

describe("the refresh token as a cookie", () => {
  it("sets it on login HttpOnly, SameSite=Strict, on /v1/auth only, with the token of the body", async () => {
    const res = await login();
    expect(res.status).toBe(200);
    const cookie = refreshCookie(res);
    expect(cookie?.value).toBe(res.body.refreshToken);
    expect(cookie?.attributes).toEqual(expect.arrayContaining(["httponly", "samesite=strict", "path=/v1/auth"]));
    expect(cookie?.attributes.some((a) => a.startsWith("max-age="))).toBe(true);
  });

  it("is Secure except over plain http to localhost or 127.0.0.1", async () => {
    expect(refreshCookie(await login())?.attributes).not.toContain("secure");
    expect(refreshCookie(await login("localhost:8080"))?.attributes).not.toContain("secure");
    expect(refreshCookie(await login("studio.varai.dev"))?.attributes).toContain("secure");
    expect(refreshCookie(await login("192.168.1.20:8080"))?.attributes).toContain("secure");
  });

  it("refreshes with the cookie alone and rotates it; the old cookie is then refused", async () => {
    const first = refreshCookie(await login());
    const refreshed = await request(h.app).post("/v1/auth/refresh").set("Cookie", `${REFRESH_COOKIE}=${first?.value}`);
    expect(refreshed.status).toBe(200);
    expect(refreshed.body.accessToken).toEqual(expect.any(String));
    // Refreshed by cookie, the new refresh token is in the cookie only, never in a script-readable body.
    expect(refreshed.body.refreshToken).toBeUndefined();
    expect(refreshed.text).not.toContain("rt_");
    const second = refreshCookie(refreshed);
    expect(second?.value).toMatch(/^rt_ten_platform\./);
    expect(second?.value).not.toBe(first?.value);
    expect(second?.attributes).toEqual(expect.arrayContaining(["httponly", "samesite=strict", "path=/v1/auth"]));

    const replay = await request(h.app)
      .post("/v1/auth/refresh")
      .set("Cookie", `other=1; ${REFRESH_COOKIE}=${first?.value}`)
      .send({});
    expect(replay.status).toBe(401);
    // The refused cookie is cleared, so the browser stops sending it.
    expect(refreshCookie(replay)?.value).toBe("");
    // Reuse ended the family: the rotated cookie is refused too.
    const after = await request(h.app).post("/v1/auth/refresh").set("Cookie", `${REFRESH_COOKIE}=${second?.value}`);
    expect(after.status).toBe(401);
  });

  it("keeps the JSON body form for API clients, which wins over a cookie", async () => {
    const a = (await login()).body.refreshToken as string;
    const b = (await login()).body.refreshToken as string;
    const res = await request(h.app)
      .post("/v1/auth/refresh")
      .set("Cookie", `${REFRESH_COOKIE}=${b}`)
      .send({ refreshToken: a });
    expect(res.status).toBe(200);
    expect(res.body.refreshToken).toBe(refreshCookie(res)?.value);
    // a was used, b was not: b still refreshes.
    expect((await request(h.app).post("/v1/auth/refresh").send({ refreshToken: a })).status).toBe(401);
    expect((await request(h.app).post("/v1/auth/refresh").send({ refreshToken: b })).status).toBe(200);
  });

  it("answers 400 INVALID_INPUT with neither a body token nor a cookie", async () => {
    const res = await request(h.app).post("/v1/auth/refresh").send({});
    expect(res.status).toBe(400);
    expect(res.body.code).toBe("INVALID_INPUT");
    expect((await request(h.app).post("/v1/auth/refresh")).status).toBe(400);
  });

  it("logs out with the cookie: the family is revoked and the cookie cleared", async () => {
    const session = await login();
    const cookie = refreshCookie(session);
    const out = await request(h.app).post("/v1/auth/logout").set("Cookie", `${REFRESH_COOKIE}=${cookie?.value}`);
    expect(out.status).toBe(204);
    const cleared = refreshCookie(out);
    expect(cleared?.value).toBe("");
    expect(cleared?.attributes).toEqual(expect.arrayContaining(["httponly", "samesite=strict", "path=/v1/auth"]));
    expect(cleared?.line).toMatch(/Expires=Thu, 01 Jan 1970/);
    const refreshed = await request(h.app).post("/v1/auth/refresh").set("Cookie", `${REFRESH_COOKIE}=${cookie?.value}`);
    expect(refreshed.status).toBe(401);
  });

  it("clears the cookie on logout with a body token too", async () => {
    const session = await login();
    const out = await request(h.app).post("/v1/auth/logout").send({ refreshToken: session.body.refreshToken });
    expect(out.status).toBe(204);
    expect(refreshCookie(out)?.value).toBe("");
  });
});

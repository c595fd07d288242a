import { createVaraiClient } from "@varai/clients";
import { startTestGateway, stopTestGateway, type TestGateway } from "@varai/gateway/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { createAdminApi } from "./api.ts";
import { createLiveConnection, type LiveEvent } from "./live.ts";
import { createAdminSession } from "./session.ts";

/** The framework-free halves of the kit against the real gateway (Node's own WebSocket). */

const ADMIN = { email: "root@varai.test", password: "root-password-for-tests-0001" };
let gateway: TestGateway;
let tenantId = "";
const user = { email: "admin@kit.test", password: "pw-kit-admin-long-enough-0001" };

beforeAll(async () => {
  gateway = await startTestGateway({ VARAI_ADMIN_EMAIL: ADMIN.email, VARAI_ADMIN_PASSWORD: ADMIN.password });
  const root = createAdminSession({ baseUrl: gateway.base });
  await root.login(ADMIN.email, ADMIN.password);
  const client = createVaraiClient({ baseUrl: gateway.base, accessToken: root.getAccessToken });
  const anyBody = z.any();
  const tenant = await client.post(anyBody, "/v1/tenants", { name: "Kit shop", region: "us" });
  tenantId = tenant.id;
  await client.post(anyBody, `/v1/tenants/${tenantId}/users`, { ...user, role: "tenant_admin" });
}, 60_000);

afterAll(() => stopTestGateway(gateway));

function signedInApi() {
  const session = createAdminSession({ baseUrl: gateway.base });
  const client = createVaraiClient({
    baseUrl: gateway.base,
    fetch: (input, init) => session.authorizedFetch(String(input), init),
  });
  return { session, api: createAdminApi(client) };
}

describe("createAdminSession", () => {
  it("logs in, knows the role, refreshes, and after logout its refresh token is dead", async () => {
    const { session, api } = signedInApi();
    const seen: string[] = [];
    session.subscribe(() => seen.push(session.getState().status));
    await expect(session.login(user.email, "wrong-password-123456")).rejects.toMatchObject({
      status: 401,
      code: "UNAUTHENTICATED",
    });
    const me = await session.login(user.email, user.password);
    expect(me.user).toMatchObject({ role: "tenant_admin", tenantId });
    const first = session.getAccessToken();
    expect(await session.refresh()).toBe(true);
    expect(session.getAccessToken()).not.toBe(first);
    expect((await api.widgetSettings()).version).toBe(0);
    await session.logout();
    expect(session.getState()).toEqual({ status: "signed-out", reason: "logout" });
    expect(await session.refresh()).toBe(false);
    expect(seen).toEqual(["signed-in", "signed-out"]);
  });
});

describe("createLiveConnection", () => {
  it("receives the tenant's events, and after the server drops it resumes without losing any", async () => {
    const { session, api } = signedInApi();
    await session.login(user.email, user.password);
    const live = createLiveConnection({
      baseUrl: gateway.base,
      getTicket: api.liveTicket,
      topics: ["webhooks"],
      backoff: { initialMs: 300, maxMs: 1000 },
    });
    const got: LiveEvent[] = [];
    live.onEvent((e) => got.push(e));
    live.connect();
    await expect.poll(() => live.status, { timeout: 5000 }).toBe("open");
    await gateway.live.bus.publish(tenantId, "webhooks", { n: 1 });
    await expect.poll(() => got.length).toBe(1);

    // A restart closes every socket (1012); what is published meanwhile must still arrive, once.
    await gateway.live.sockets.close();
    await expect.poll(() => live.status).toBe("reconnecting");
    await gateway.live.bus.publish(tenantId, "webhooks", { n: 2 });
    await gateway.live.bus.publish(tenantId, "webhooks", { n: 3 });
    await expect.poll(() => live.status, { timeout: 5000 }).toBe("open");
    await gateway.live.bus.publish(tenantId, "webhooks", { n: 4 });
    await expect.poll(() => got.length, { timeout: 5000 }).toBe(4);
    expect(got.map((e) => e.data.n)).toEqual([1, 2, 3, 4]);
    live.close();
    expect(live.status).toBe("closed");
  });
});

import { randomBytes } from "node:crypto";
import { createSecretBox } from "@varai/runtime";
import { createTestRuntime } from "@varai/testkit";
import { afterAll, describe, expect, it } from "vitest";
import { bigCommerceAppPrivacy } from "../server/privacy.ts";
import { openAppStores } from "../server/stores.ts";

const deps = createTestRuntime();
afterAll(() => deps.close());
const box = createSecretBox({ keys: { v1: randomBytes(32).toString("base64") }, current: "v1" });
const stores = openAppStores(deps.store, box);
const at = new Date().toISOString();

async function seed(hash: string, tenantId: string) {
  await stores.stores.insertOne({
    id: hash,
    status: "installed",
    tokenCipher: stores.sealToken(`token-of-${hash}`),
    scope: "store_v2_products",
    tenantId,
    scriptUuid: null,
    scriptCheckedAt: null,
    installedAt: at,
    uninstalledAt: null,
    updatedAt: at,
  });
  for (const userId of [1, 2]) {
    await stores.users.insertOne({
      id: `${hash}:${userId}`,
      storeHash: hash,
      userId,
      email: `staff${userId}@${hash}.example`,
      owner: userId === 1,
      linkedAt: at,
      lastLoadAt: null,
    });
  }
}

describe("the BigCommerce app's records in a tenant's privacy requests", () => {
  it("exports the store and its staff without the token, and a tenant erasure removes only that tenant's", async () => {
    await seed("storea1", "ten_a");
    await seed("storeb2", "ten_b");
    const participant = bigCommerceAppPrivacy(stores);
    const exported = await participant.export({ kind: "tenant", tenantId: "ten_a" });
    expect(exported).toHaveLength(1);
    expect(JSON.stringify(exported)).toContain("staff1@storea1.example");
    expect(JSON.stringify(exported)).not.toContain("token");
    expect(await participant.export({ kind: "shopper", tenantId: "ten_a", shopperId: "s1" })).toEqual([]);

    expect(await participant.erase({ kind: "tenant", tenantId: "ten_a" })).toBe(3);
    expect(await stores.users.find({ storeHash: "storea1" })).toEqual([]);
    expect(await stores.stores.findById("storea1")).toBeNull();
    expect(await stores.users.find({ storeHash: "storeb2" })).toHaveLength(2);
    expect(await participant.erase({ kind: "tenant", tenantId: "ten_a" })).toBe(0);
  });
});

import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { createShopperIdentity, SHOPPER_LINK_TTL_MS, SHOPPER_LINKS } from "./shopper-identity.ts";
import { createEmbeddedStore } from "./store/embedded-store.ts";

const T = "ten_identity";

describe("shopper identity", () => {
  const store = createEmbeddedStore({ file: null });
  const key = randomBytes(32);
  const identity = createShopperIdentity({ hashKey: key, store });

  it("stores one form per customer: the GraphQL gid and the plain id agree, emails are keyed hashes", () => {
    expect(identity.normalise("gid://shopify/Customer/191167")).toBe("191167");
    expect(identity.normalise(" 191167 ")).toBe("191167");
    expect(identity.normalise("GID://Shopify/Customer/42")).toBe("42");
    const hashed = identity.normalise("Ann@Example.TEST");
    expect(hashed).toMatch(/^em_[0-9a-f]{40}$/);
    expect(hashed).toBe(identity.emailKey(" ann@example.test"));
    // Keyed: another server secret gives another hash, so a list of emails cannot be matched offline.
    expect(createShopperIdentity({ hashKey: randomBytes(32), store }).emailKey("ann@example.test")).not.toBe(hashed);
    expect(identity.normalise("wp-user-7")).toBe("wp-user-7");
  });

  it("resolves an id or an email to every stored form, through links both ways", async () => {
    await identity.link(T, "gid://shopify/Customer/77", "Jo@Example.test");
    const byEmail = await identity.resolve({ kind: "shopper", tenantId: T, email: "jo@example.test" });
    expect(byEmail).toEqual(expect.arrayContaining(["77", identity.emailKey("jo@example.test"), "jo@example.test"]));
    const byGid = await identity.resolve({ kind: "shopper", tenantId: T, shopperId: "gid://shopify/Customer/77" });
    expect(byGid).toEqual(expect.arrayContaining(["77", identity.emailKey("jo@example.test")]));
    // Another tenant's links are not followed.
    expect(await identity.resolve({ kind: "shopper", tenantId: "ten_other", email: "jo@example.test" })).not.toContain(
      "77",
    );
  });

  it("keeps a link as long as the longest shopper data retention, renewed at each sighting", async () => {
    let now = new Date("2026-01-01T00:00:00Z");
    const clocked = createShopperIdentity({ hashKey: key, store, clock: () => now });
    await clocked.link("ten_ttl", "5", "ttl@example.test");
    now = new Date("2026-03-01T00:00:00Z");
    await clocked.link("ten_ttl", "5", "ttl@example.test");
    const [doc] = await store
      .tenantCollection<{ id: string; tenantId: string; expiresAt: Date }>(SHOPPER_LINKS)
      .find("ten_ttl", {});
    expect(new Date(doc!.expiresAt).getTime()).toBe(now.getTime() + SHOPPER_LINK_TTL_MS);
    expect(SHOPPER_LINKS.ttlField).toBe("expiresAt");
  });

  it("exports and erases the links with the shopper", async () => {
    const subject = { kind: "shopper" as const, tenantId: T, shopperId: "77" };
    const exported = await identity.participant.export(subject);
    expect(exported).toEqual([expect.objectContaining({ kind: "shopper_link", shopperId: "77" })]);
    expect(JSON.stringify(exported)).not.toContain("jo@example.test");
    expect(await identity.participant.erase(subject)).toBe(1);
    expect(await identity.resolve({ kind: "shopper", tenantId: T, email: "jo@example.test" })).not.toContain("77");
  });
});

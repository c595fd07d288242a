import { describe, expect, it } from "vitest";
import { createDecoyHash, hashPassword, needsRehash, SCRYPT_PARAMS, verifyPassword } from "./passwords.ts";

describe("password hashing", () => {
  it("hashes with scrypt N=2^15, r=8 and a random salt, and verifies only the right password", async () => {
    const first = await hashPassword("correct horse battery staple");
    const second = await hashPassword("correct horse battery staple");
    expect(first).toMatch(/^scrypt\$32768\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    expect(first).not.toBe(second);
    expect(first).not.toContain("horse");
    expect(await verifyPassword("correct horse battery staple", first)).toBe(true);
    expect(await verifyPassword("correct horse battery stapler", first)).toBe(false);
    expect(await verifyPassword("anything", "not-a-hash")).toBe(false);
  }, 30_000);

  it("verifies hashes made with other parameters and flags them for re-hashing", async () => {
    const cheap = await hashPassword("pw-with-old-params", { N: 2 ** 10, r: 8, p: 1 });
    expect(await verifyPassword("pw-with-old-params", cheap)).toBe(true);
    expect(needsRehash(cheap)).toBe(true);
    expect(needsRehash(cheap, { N: 2 ** 10, r: 8, p: 1 })).toBe(false);
    expect(SCRYPT_PARAMS.N).toBeGreaterThanOrEqual(2 ** 15);
  });

  it("makes one decoy hash at the production cost for unknown emails", async () => {
    const decoy = createDecoyHash();
    const hash = await decoy();
    expect(await decoy()).toBe(hash);
    expect(hash.startsWith("scrypt$32768$8$1$")).toBe(true);
  }, 30_000);
});

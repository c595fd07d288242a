import { createSecretKey } from "node:crypto";
import { describe, expect, it } from "vitest";
import { signBase64HmacSha256, verifyBase64HmacSha256 } from "./hmac.ts";

describe("base64 HMAC-SHA256", () => {
  const body = Buffer.from('{"id":788032119674292922}');

  it("matches the RFC 4231 test case 2 digest", () => {
    // key "Jefe", data "what do ya want for nothing?": 5bdcc146bf60754e6a042426089575c7...
    const signature = signBase64HmacSha256("what do ya want for nothing?", "Jefe");
    expect(Buffer.from(signature, "base64").toString("hex")).toBe(
      "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
    );
  });

  it("verifies its own signature, with a string or a KeyObject secret", () => {
    const signature = signBase64HmacSha256(body, "s3cret");
    expect(verifyBase64HmacSha256(body, signature, "s3cret")).toBe(true);
    expect(verifyBase64HmacSha256(body, signature, createSecretKey(Buffer.from("s3cret")))).toBe(true);
  });

  it("refuses another secret, another body, a truncated or a non-base64 signature", () => {
    const signature = signBase64HmacSha256(body, "s3cret");
    expect(verifyBase64HmacSha256(body, signature, "other")).toBe(false);
    expect(verifyBase64HmacSha256(Buffer.from(`${body} `), signature, "s3cret")).toBe(false);
    expect(verifyBase64HmacSha256(body, signature.slice(0, 20), "s3cret")).toBe(false);
    expect(verifyBase64HmacSha256(body, "not base64 at all!", "s3cret")).toBe(false);
  });
});

import { randomBytes } from "node:crypto";
import { isAppError } from "@varai/schema";
import { describe, expect, it } from "vitest";
import { createSecretBox, parseEncryptionKeys } from "./secret-box.ts";

const k1 = randomBytes(32).toString("base64");
const k2 = randomBytes(32).toString("base64");

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return isAppError(error) ? error.code : "not-an-app-error";
  }
  return undefined;
}

describe("createSecretBox", () => {
  it("round-trips a secret and never leaves the plaintext in the ciphertext", () => {
    const box = createSecretBox({ keys: { v1: k1 }, current: "v1" });
    const sealed = box.encrypt("shpat_super-secret-token");
    expect(sealed).toMatch(/^v1:[A-Za-z0-9_-]{16}:[A-Za-z0-9_-]{22}:[A-Za-z0-9_-]+$/);
    expect(sealed).not.toContain("shpat");
    expect(box.decrypt(sealed)).toBe("shpat_super-secret-token");
  });

  it("uses a fresh IV each time so equal secrets give different ciphertexts", () => {
    const box = createSecretBox({ keys: { v1: k1 }, current: "v1" });
    expect(box.encrypt("same")).not.toBe(box.encrypt("same"));
  });

  it("still opens ciphertexts of the old key after rotation and flags them for re-sealing", () => {
    const old = createSecretBox({ keys: { v1: k1 }, current: "v1" });
    const sealedOld = old.encrypt("webhook-secret");
    const rotated = createSecretBox({ keys: { v1: k1, v2: k2 }, current: "v2" });
    expect(rotated.decrypt(sealedOld)).toBe("webhook-secret");
    expect(rotated.needsRotation(sealedOld)).toBe(true);
    const sealedNew = rotated.encrypt("webhook-secret");
    expect(sealedNew.startsWith("v2:")).toBe(true);
    expect(rotated.needsRotation(sealedNew)).toBe(false);
  });

  it("refuses a ciphertext whose data, tag, IV or version label was tampered with", () => {
    const box = createSecretBox({ keys: { v1: k1, v2: k2 }, current: "v1" });
    const [version, iv, tag, data] = box.encrypt("consumer-secret").split(":") as [string, string, string, string];
    const flip = (s: string) => (s[0] === "A" ? "B" : "A") + s.slice(1);
    expect(codeOf(() => box.decrypt([version, iv, tag, flip(data)].join(":")))).toBe("INVALID_INPUT");
    expect(codeOf(() => box.decrypt([version, iv, flip(tag), data].join(":")))).toBe("INVALID_INPUT");
    expect(codeOf(() => box.decrypt([version, flip(iv), tag, data].join(":")))).toBe("INVALID_INPUT");
    expect(codeOf(() => box.decrypt(["v2", iv, tag, data].join(":")))).toBe("INVALID_INPUT");
  });

  it("refuses malformed ciphertexts and unknown key versions with an AppError", () => {
    const box = createSecretBox({ keys: { v1: k1 }, current: "v1" });
    expect(codeOf(() => box.decrypt("plain text"))).toBe("INVALID_INPUT");
    expect(codeOf(() => box.decrypt("v9:a:b:c"))).toBe("INVALID_INPUT");
    expect(codeOf(() => box.decrypt("v1:short:tag:data"))).toBe("INVALID_INPUT");
  });

  it("refuses a key that is not 32 bytes or a current version without a key", () => {
    expect(codeOf(() => createSecretBox({ keys: { v1: randomBytes(16).toString("base64") }, current: "v1" }))).toBe(
      "INVALID_CONFIG",
    );
    expect(codeOf(() => createSecretBox({ keys: { v1: k1 }, current: "v2" }))).toBe("INVALID_CONFIG");
  });
});

describe("secret box bytes", () => {
  it("round-trips bytes, across a rotation, and refuses tampering and truncation", () => {
    const old = createSecretBox({ keys: { v1: k1 }, current: "v1" });
    const rotated = createSecretBox({ keys: { v1: k1, v2: k2 }, current: "v2" });
    const photo = randomBytes(5000);
    const sealed = old.encryptBytes(photo);
    expect(sealed.includes(photo.subarray(100, 132))).toBe(false);
    expect(rotated.decryptBytes(sealed).equals(photo)).toBe(true);
    expect(rotated.decryptBytes(rotated.encryptBytes(photo)).equals(photo)).toBe(true);
    const tampered = Buffer.from(sealed);
    tampered[tampered.length - 1] = (tampered[tampered.length - 1] as number) ^ 1;
    expect(codeOf(() => rotated.decryptBytes(tampered))).toBe("INVALID_INPUT");
    expect(codeOf(() => rotated.decryptBytes(sealed.subarray(0, 20)))).toBe("INVALID_INPUT");
    expect(codeOf(() => rotated.decryptBytes(photo))).toBe("INVALID_INPUT");
    expect(codeOf(() => createSecretBox({ keys: { v2: k2 }, current: "v2" }).decryptBytes(sealed))).toBe(
      "INVALID_INPUT",
    );
  });
});

describe("parseEncryptionKeys", () => {
  it("reads version:key pairs and makes the last one current", () => {
    const parsed = parseEncryptionKeys(`v1:${k1}, v2:${k2}`);
    expect(parsed.current).toBe("v2");
    expect(Object.keys(parsed.keys)).toEqual(["v1", "v2"]);
    expect(createSecretBox(parsed).decrypt(createSecretBox(parsed).encrypt("x"))).toBe("x");
  });

  it("fails with INVALID_CONFIG and does not echo key material", () => {
    const secretish = randomBytes(32).toString("base64");
    let message = "";
    try {
      parseEncryptionKeys(secretish.replaceAll(":", ""));
    } catch (error) {
      message = (error as Error).message;
      expect(isAppError(error) && error.code).toBe("INVALID_CONFIG");
    }
    expect(message).not.toBe("");
    expect(message).not.toContain(secretish.slice(0, 8));
    expect(codeOf(() => parseEncryptionKeys(""))).toBe("INVALID_CONFIG");
    expect(codeOf(() => parseEncryptionKeys(`v1:${k1},v1:${k2}`))).toBe("INVALID_CONFIG");
  });
});

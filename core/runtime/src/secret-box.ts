import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { AppError } from "@varai/schema";

/**
 * Encrypts platform credentials and webhook secrets at rest with AES-256-GCM.
 *
 * Ciphertext format: `<version>:<iv>:<tag>:<data>` (base64url parts). The version names the
 * key that sealed it, so after a rotation (new `current`, old key kept in `keys`) existing
 * ciphertexts still open, and `needsRotation` tells a migration which ones to re-seal.
 */
export interface SecretBox {
  encrypt(plaintext: string): string;
  /** Throws AppError INVALID_INPUT for a malformed, tampered or unknown-version ciphertext. */
  decrypt(ciphertext: string): string;
  /** True when the ciphertext was sealed with a key other than the current one. */
  needsRotation(ciphertext: string): boolean;
  /**
   * The same sealing for bytes (shopper photos), without the base64 text's third more:
   * `VSB1 | version length (1 byte) | version | iv | tag | data`.
   */
  encryptBytes(plaintext: Uint8Array): Buffer;
  /** Throws AppError INVALID_INPUT for malformed, tampered or unknown-version bytes. */
  decryptBytes(sealed: Uint8Array): Buffer;
}

const BYTES_MAGIC = Buffer.from("VSB1");

export interface SecretBoxOptions {
  /** Version -> base64 (or base64url) of exactly 32 random bytes. */
  keys: Readonly<Record<string, string>>;
  /** The version new ciphertexts are sealed with. */
  current: string;
}

const VERSION = /^[A-Za-z0-9_-]{1,16}$/;
const IV_BYTES = 12; // 96-bit IV: the size GCM is specified for (NIST SP 800-38D).
const TAG_BYTES = 16;

export function createSecretBox(options: SecretBoxOptions): SecretBox {
  const keys = new Map<string, Buffer>();
  const problems: string[] = [];
  for (const [version, encoded] of Object.entries(options.keys)) {
    if (!VERSION.test(version)) problems.push(`key version "${version}" must match ${VERSION}`);
    const key = Buffer.from(encoded, "base64");
    if (key.length !== 32) problems.push(`key ${version} must be 32 bytes (base64), got ${key.length}`);
    keys.set(version, key);
  }
  if (!keys.has(options.current)) problems.push(`current key version "${options.current}" is not among the keys`);
  if (problems.length > 0) throw new AppError("INVALID_CONFIG", `Secret box: ${problems.join("; ")}`);

  const current = options.current;
  const currentKey = keys.get(current) as Buffer;
  const refuse = (why: string) => new AppError("INVALID_INPUT", `Cannot decrypt secret: ${why}`);

  return {
    encrypt(plaintext) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv("aes-256-gcm", currentKey, iv);
      // The version is authenticated too: moving a ciphertext to another version label fails.
      cipher.setAAD(Buffer.from(current));
      const data = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
      const tag = cipher.getAuthTag();
      return [current, iv.toString("base64url"), tag.toString("base64url"), data.toString("base64url")].join(":");
    },
    decrypt(ciphertext) {
      const parts = typeof ciphertext === "string" ? ciphertext.split(":") : [];
      if (parts.length !== 4) throw refuse("malformed");
      const [version, ivPart, tagPart, dataPart] = parts as [string, string, string, string];
      const key = keys.get(version);
      if (!key) throw refuse(`unknown key version "${version.slice(0, 16)}"`);
      const iv = Buffer.from(ivPart, "base64url");
      const tag = Buffer.from(tagPart, "base64url");
      if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) throw refuse("malformed");
      try {
        const decipher = createDecipheriv("aes-256-gcm", key, iv, { authTagLength: TAG_BYTES });
        decipher.setAAD(Buffer.from(version));
        decipher.setAuthTag(tag);
        return Buffer.concat([decipher.update(Buffer.from(dataPart, "base64url")), decipher.final()]).toString("utf8");
      } catch (cause) {
        throw new AppError("INVALID_INPUT", "Cannot decrypt secret: authentication failed", { cause });
      }
    },
    needsRotation(ciphertext) {
      return ciphertext.split(":", 1)[0] !== current;
    },
    encryptBytes(plaintext) {
      const iv = randomBytes(IV_BYTES);
      const version = Buffer.from(current);
      const cipher = createCipheriv("aes-256-gcm", currentKey, iv);
      cipher.setAAD(version);
      const data = Buffer.concat([cipher.update(plaintext), cipher.final()]);
      return Buffer.concat([BYTES_MAGIC, Buffer.from([version.length]), version, iv, cipher.getAuthTag(), data]);
    },
    decryptBytes(sealed) {
      const bytes = Buffer.from(sealed.buffer, sealed.byteOffset, sealed.byteLength);
      if (bytes.length < 5 || !bytes.subarray(0, 4).equals(BYTES_MAGIC)) throw refuse("malformed");
      const versionEnd = 5 + (bytes[4] as number);
      if (bytes.length < versionEnd + IV_BYTES + TAG_BYTES) throw refuse("malformed");
      const version = bytes.subarray(5, versionEnd);
      const key = keys.get(version.toString("utf8"));
      if (!key) throw refuse(`unknown key version "${version.toString("utf8").slice(0, 16)}"`);
      const iv = bytes.subarray(versionEnd, versionEnd + IV_BYTES);
      const tag = bytes.subarray(versionEnd + IV_BYTES, versionEnd + IV_BYTES + TAG_BYTES);
      try {
        const decipher = createDecipheriv("aes-256-gcm", key, iv, { authTagLength: TAG_BYTES });
        decipher.setAAD(version);
        decipher.setAuthTag(tag);
        return Buffer.concat([decipher.update(bytes.subarray(versionEnd + IV_BYTES + TAG_BYTES)), decipher.final()]);
      } catch (cause) {
        throw new AppError("INVALID_INPUT", "Cannot decrypt secret: authentication failed", { cause });
      }
    },
  };
}

/**
 * Parses `VARAI_ENCRYPTION_KEYS`-style configuration: `v1:<base64>,v2:<base64>`. The last
 * entry is the current key (append a new key to rotate; drop an old one once nothing uses it).
 */
export function parseEncryptionKeys(value: string): SecretBoxOptions {
  const keys: Record<string, string> = {};
  let current = "";
  const problems: string[] = [];
  const entries = value
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  for (const [index, entry] of entries.entries()) {
    const at = entry.indexOf(":");
    // Never echo the entry: it may be key material.
    if (at <= 0) {
      problems.push(`entry ${index + 1} must be <version>:<base64 key>`);
      continue;
    }
    const version = entry.slice(0, at);
    if (version in keys) problems.push(`key version "${version}" appears twice`);
    keys[version] = entry.slice(at + 1);
    current = version;
  }
  if (current === "") problems.push("no keys given");
  if (problems.length > 0) throw new AppError("INVALID_CONFIG", `Encryption keys: ${problems.join("; ")}`);
  // Validates sizes and versions now, so a bad key fails at start and not at first use.
  createSecretBox({ keys, current });
  return { keys, current };
}

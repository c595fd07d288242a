import { randomBytes } from "node:crypto";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { SecretBoxOptions } from "@varai/runtime";
import { AppError } from "@varai/schema";
import { z } from "zod";
import type { JwtKeySet } from "./tokens.ts";

const KeyFileSchema = z.object({
  jwt: z.object({ current: z.string(), keys: z.record(z.string(), z.string()) }),
  encryption: z.object({ current: z.string(), keys: z.record(z.string(), z.string()) }),
});

/**
 * The default install has no key configuration: it generates a JWT key and an encryption key
 * once and keeps them in `<dir>/keys.json` (mode 0600), so sessions and encrypted platform
 * credentials survive a restart. Production passes `VARAI_JWT_KEYS` / `VARAI_ENCRYPTION_KEYS`
 * from a secret manager instead and never touches this file.
 */
export async function loadOrCreateLocalKeys(options: {
  dir: string;
}): Promise<{ jwtKeys: JwtKeySet; encryptionKeys: SecretBoxOptions; created: boolean }> {
  const file = join(options.dir, "keys.json");
  let text: string | null = null;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  if (text !== null) {
    const parsed = KeyFileSchema.safeParse(JSON.parse(text));
    if (!parsed.success) throw new AppError("INVALID_CONFIG", `${file} is not a VARAi key file`);
    return { jwtKeys: parsed.data.jwt, encryptionKeys: parsed.data.encryption, created: false };
  }
  const keys = {
    jwt: { current: "local1", keys: { local1: randomBytes(32).toString("base64") } },
    encryption: { current: "local1", keys: { local1: randomBytes(32).toString("base64") } },
  };
  await mkdir(options.dir, { recursive: true });
  // `wx`: of two processes starting at once, one writes and the other reads its file.
  try {
    await writeFile(file, `${JSON.stringify(keys)}\n`, { mode: 0o600, flag: "wx" });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return loadOrCreateLocalKeys(options);
    throw error;
  }
  return { jwtKeys: keys.jwt, encryptionKeys: keys.encryption, created: true };
}

/**
 * The server secret of keyed hashes of shopper identifiers (shopper-identity.ts), generated once
 * under `<dir>/hash.key` (mode 0600) on the default install; production passes `VARAI_HASH_KEY`.
 * A separate file from keys.json: unlike the encryption keys it is never rotated (a new key would
 * orphan every stored email hash), and installs from before it existed keep their keys.json as is.
 */
export async function loadOrCreateHashKey(options: { dir: string }): Promise<Buffer> {
  const file = join(options.dir, "hash.key");
  try {
    const key = Buffer.from((await readFile(file, "utf8")).trim(), "base64");
    if (key.length < 32) throw new AppError("INVALID_CONFIG", `${file} must hold at least 32 bytes (base64)`);
    return key;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  const key = randomBytes(32);
  await mkdir(options.dir, { recursive: true });
  try {
    await writeFile(file, `${key.toString("base64")}\n`, { mode: 0o600, flag: "wx" });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return loadOrCreateHashKey(options);
    throw error;
  }
  return key;
}

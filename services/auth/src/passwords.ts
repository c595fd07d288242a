import { randomBytes, type ScryptOptions, scrypt, timingSafeEqual } from "node:crypto";

/**
 * scrypt (memory-hard) with N = 2^15, r = 8, p = 1: 32 MiB and tens of milliseconds per hash
 * (OWASP's minimum for scrypt is N = 2^17 with r = 8 at p = 1, or 2^15 with more
 * parallelism; 2^15 keeps the 2-core default install responsive and the parameters are
 * stored with each hash, so raising them later re-hashes on the next login).
 */
export const SCRYPT_PARAMS = { N: 2 ** 15, r: 8, p: 1 } as const;
export type ScryptParams = { N: number; r: number; p: number };
const KEY_LENGTH = 32;
const SALT_BYTES = 16;
// scrypt needs 128 * N * r bytes; node's default cap (32 MiB) is exactly that, with no headroom.
const MAX_MEM = 64 * 1024 * 1024;

function derive(password: string, salt: Buffer, params: ScryptParams): Promise<Buffer> {
  const options: ScryptOptions = { N: params.N, r: params.r, p: params.p, maxmem: MAX_MEM };
  return new Promise((resolve, reject) => {
    scrypt(password.normalize("NFKC"), salt, KEY_LENGTH, options, (error, key) =>
      error ? reject(error) : resolve(key),
    );
  });
}

/** `scrypt$<N>$<r>$<p>$<salt b64url>$<hash b64url>` */
export async function hashPassword(password: string, params: ScryptParams = SCRYPT_PARAMS): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await derive(password, salt, params);
  const { N, r, p } = params;
  return ["scrypt", N, r, p, salt.toString("base64url"), key.toString("base64url")].join("$");
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split("$");
  if (scheme !== "scrypt" || !salt || !hash) return false;
  const expected = Buffer.from(hash, "base64url");
  const actual = await derive(password, Buffer.from(salt, "base64url"), { N: Number(n), r: Number(r), p: Number(p) });
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

export function needsRehash(stored: string, params: ScryptParams = SCRYPT_PARAMS): boolean {
  const [, n, r, p] = stored.split("$");
  return Number(n) !== params.N || Number(r) !== params.r || Number(p) !== params.p;
}

/**
 * A hash of a random password nobody knows. Login of an unknown email verifies against it,
 * so that it spends the same scrypt time as a wrong password and the response time does not
 * tell which emails have accounts.
 */
export function createDecoyHash(params: ScryptParams = SCRYPT_PARAMS): () => Promise<string> {
  let decoy: Promise<string> | null = null;
  return () => {
    decoy ??= hashPassword(randomBytes(24).toString("base64url"), params);
    return decoy;
  };
}

export function generatePassword(): string {
  return randomBytes(18).toString("base64url");
}

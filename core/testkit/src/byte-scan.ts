import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { Redis } from "ioredis";

/** One needle found: where, and which needle (by its label, never its value). */
export interface ByteHit {
  where: string;
  needle: string;
}

/** What to look for: a label for the report and the bytes (a string is searched as UTF-8). */
export type Needles = Record<string, string | Uint8Array>;

/**
 * Every file under `dir` (recursively: SQLite's database, WAL and shared-memory files, blobs,
 * anything) searched byte by byte for each needle. Privacy tests use it to prove that erased or
 * expired data is gone from the disk, not only hidden from the API.
 */
export async function scanDirForBytes(dir: string, needles: Needles): Promise<ByteHit[]> {
  const wanted = Object.entries(needles).map(([label, value]) => [label, toBuffer(value)] as const);
  const hits: ByteHit[] = [];
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const file = path.join(entry.parentPath, entry.name);
    let bytes: Buffer;
    try {
      bytes = await readFile(file);
    } catch {
      continue; // removed while scanning (a WAL checkpoint, a temp file)
    }
    for (const [label, needle] of wanted) {
      if (bytes.includes(needle)) hits.push({ where: path.relative(dir, file), needle: label });
    }
  }
  return hits;
}

/** Every key and value in a Redis database (all types), searched for each needle. */
export async function scanRedisForBytes(url: string, needles: Needles): Promise<ByteHit[]> {
  const wanted = Object.entries(needles).map(([label, value]) => [label, toBuffer(value)] as const);
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
  const hits: ByteHit[] = [];
  try {
    let cursor = "0";
    do {
      const [next, keys] = await redis.scanBuffer(cursor, "COUNT", 500);
      cursor = next.toString();
      for (const key of keys) {
        // DUMP serialises any type; small values are stored plainly inside it, and LZF
        // compression would hide a needle, so strings and hashes are also read as they are.
        const parts: Buffer[] = [key];
        const type = await redis.type(key);
        if (type === "string") parts.push((await redis.getBuffer(key)) ?? Buffer.alloc(0));
        else if (type === "hash") parts.push(...Object.values(await redis.hgetallBuffer(key)));
        else if (type === "list") parts.push(...(await redis.lrangeBuffer(key, 0, -1)));
        else if (type === "set") parts.push(...(await redis.smembersBuffer(key)));
        else if (type === "zset") parts.push(...(await redis.zrangeBuffer(key, 0, -1)));
        else if (type === "stream") parts.push(Buffer.from(JSON.stringify(await redis.xrange(key, "-", "+"))));
        const all = Buffer.concat(parts);
        for (const [label, needle] of wanted) {
          if (all.includes(needle)) hits.push({ where: `redis:${key.toString()}`, needle: label });
        }
      }
    } while (cursor !== "0");
  } finally {
    redis.disconnect();
  }
  return hits;
}

function toBuffer(value: string | Uint8Array): Buffer {
  if (typeof value === "string") {
    if (value.length < 6) throw new Error(`needle "${value}" is too short to mean anything`);
    return Buffer.from(value, "utf8");
  }
  return Buffer.from(value);
}

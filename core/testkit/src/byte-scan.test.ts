import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { scanDirForBytes, scanRedisForBytes } from "./byte-scan.ts";
import { type RedisTestServer, startRedisServer } from "./redis-server.ts";

describe("scanDirForBytes", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "varai-scan-"));
    await mkdir(path.join(dir, "blobs", "a"), { recursive: true });
    await writeFile(
      path.join(dir, "varai.sqlite-wal"),
      Buffer.concat([Buffer.from([0, 1, 2]), Buffer.from("shp_secret_42")]),
    );
    await writeFile(path.join(dir, "blobs", "a", "photo"), Buffer.from([0xff, 0xd8, 0xff, 0xe0, 9, 9]));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it("finds strings and raw bytes in nested files, by label", async () => {
    const hits = await scanDirForBytes(dir, {
      shopper: "shp_secret_42",
      photo: Uint8Array.from([0xd8, 0xff, 0xe0, 9]),
      absent: "nowhere_to_be_found",
    });
    expect(hits).toEqual(
      expect.arrayContaining([
        { where: "varai.sqlite-wal", needle: "shopper" },
        { where: path.join("blobs", "a", "photo"), needle: "photo" },
      ]),
    );
    expect(hits).toHaveLength(2);
  });

  it("refuses needles too short to prove anything", async () => {
    await expect(scanDirForBytes(dir, { tiny: "abc" })).rejects.toThrow(/too short/);
  });
});

describe("scanRedisForBytes", () => {
  let redis: RedisTestServer;
  beforeAll(async () => {
    redis = await startRedisServer();
  });
  afterAll(() => redis.stop());

  it("finds a needle in keys and in values of every type", async () => {
    const { Redis } = await import("ioredis");
    const client = new Redis(redis.url);
    await client.set(`${redis.keyPrefix}k:plain`, "x-shp_secret_42-x");
    await client.hset(`${redis.keyPrefix}k:hash`, "f", "landmark_0.123456");
    await client.xadd(`${redis.keyPrefix}k:stream`, "*", "job", "email:ann@example.test");
    await client.set(`${redis.keyPrefix}user:shp_in_key_77`, "1");
    client.disconnect();
    const hits = await scanRedisForBytes(redis.url, {
      shopper: "shp_secret_42",
      landmark: "landmark_0.123456",
      email: "ann@example.test",
      keyed: "shp_in_key_77",
      absent: "nowhere_to_be_found",
    });
    expect(hits.map((hit) => hit.needle).sort()).toEqual(["email", "keyed", "landmark", "shopper"]);
  });
});

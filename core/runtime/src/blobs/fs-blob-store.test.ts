import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createFsBlobStore } from "./fs-blob-store.ts";

describe("filesystem blob store on disk", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "varai-blobs-"));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("keeps metadata in a JSON sidecar and leaves no temp files behind", async () => {
    const store = createFsBlobStore({ dir, clock: () => new Date("2025-01-02T03:04:05.000Z") });
    await store.put("ten_1/photos/p1", Buffer.from("jpeg bytes"), { contentType: "image/jpeg", tags: { s: "1" } });
    await store.put("ten_1/photos/p1", Buffer.from("jpeg bytes v2"), { contentType: "image/jpeg" });
    const files = (await readdir(join(dir, "ten_1", "photos"))).sort();
    expect(files).toEqual(["p1~blob", "p1~meta.json"]);
    expect(JSON.parse(await readFile(join(dir, "ten_1", "photos", "p1~meta.json"), "utf8"))).toEqual({
      key: "ten_1/photos/p1",
      contentType: "image/jpeg",
      size: 13,
      createdAt: "2025-01-02T03:04:05.000Z",
      tags: {},
    });
  });

  it("removes directories a delete leaves empty, but never the root", async () => {
    const store = createFsBlobStore({ dir });
    await store.put("ten_1/photos/p1", Buffer.from("x"), { contentType: "image/jpeg" });
    await store.put("ten_2/photos/p1", Buffer.from("x"), { contentType: "image/jpeg" });
    await store.delete("ten_1/photos/p1");
    expect((await readdir(dir)).sort()).toEqual(["ten_2"]);
    await store.delete("ten_2/photos/p1");
    expect(await readdir(dir)).toEqual([]);
  });

  it("never writes outside its directory", async () => {
    const store = createFsBlobStore({ dir: join(dir, "inner") });
    await expect(store.put("../outside", Buffer.from("x"), { contentType: "text/plain" })).rejects.toMatchObject({
      code: "INVALID_INPUT",
    });
    expect(await readdir(dir)).toEqual([]);
  });
});

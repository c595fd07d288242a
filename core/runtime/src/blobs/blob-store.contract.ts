import { isAppError } from "@varai/schema";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BlobStore } from "../ports/blob-store.ts";

/** The BlobStore contract: the filesystem store runs it, and so must any cloud implementation. */
export interface BlobStoreHarness {
  store: BlobStore;
  /** Removes everything the suite wrote. */
  destroy: () => Promise<void>;
}

async function expectInvalid(promise: Promise<unknown>): Promise<void> {
  let caught: unknown;
  try {
    await promise;
  } catch (error) {
    caught = error;
  }
  expect(isAppError(caught), `expected AppError INVALID_INPUT, got ${String(caught)}`).toBe(true);
  expect((caught as { code: string }).code).toBe("INVALID_INPUT");
}

export function describeBlobStoreContract(name: string, factory: () => Promise<BlobStoreHarness>): void {
  describe(`BlobStore contract: ${name}`, () => {
    let harness: BlobStoreHarness;
    let store: BlobStore;
    let counter = 0;
    // Each test writes under its own tenant-like root so tests never see each other's blobs.
    const tenant = () => {
      counter += 1;
      return `ten_${counter}_${Math.random().toString(36).slice(2, 8)}`;
    };

    beforeAll(async () => {
      harness = await factory();
      store = harness.store;
    });
    afterAll(async () => {
      await harness?.destroy();
    });

    it("stores bytes exactly and returns them with their metadata", async () => {
      const t = tenant();
      const bytes = new Uint8Array(256 * 1024).map((_, i) => (i * 31) % 256);
      const metadata = await store.put(`${t}/photos/p1.jpg`, bytes, {
        contentType: "image/jpeg",
        tags: { shopperId: "shp_1", consent: "yes" },
      });
      expect(metadata).toEqual({
        key: `${t}/photos/p1.jpg`,
        contentType: "image/jpeg",
        size: bytes.byteLength,
        createdAt: expect.any(String),
        tags: { shopperId: "shp_1", consent: "yes" },
      });
      expect(new Date(metadata.createdAt).toISOString()).toBe(metadata.createdAt);
      const found = await store.get(`${t}/photos/p1.jpg`);
      expect(found?.metadata).toEqual(metadata);
      expect(Buffer.isBuffer(found?.data)).toBe(true);
      expect(found?.data.equals(Buffer.from(bytes))).toBe(true);
      expect(await store.head(`${t}/photos/p1.jpg`)).toEqual(metadata);
    });

    it("stores an empty blob and defaults tags to none", async () => {
      const t = tenant();
      const metadata = await store.put(`${t}/empty`, new Uint8Array(0), { contentType: "application/octet-stream" });
      expect(metadata).toMatchObject({ size: 0, tags: {} });
      expect((await store.get(`${t}/empty`))?.data.byteLength).toBe(0);
    });

    it("returns null for blobs that do not exist", async () => {
      const t = tenant();
      expect(await store.get(`${t}/missing.png`)).toBeNull();
      expect(await store.head(`${t}/missing.png`)).toBeNull();
    });

    it("replaces a blob and its metadata on a second put", async () => {
      const t = tenant();
      await store.put(`${t}/renders/r1`, Buffer.from("first version"), { contentType: "image/png", tags: { a: "1" } });
      await store.put(`${t}/renders/r1`, Buffer.from("v2"), { contentType: "image/webp" });
      const found = await store.get(`${t}/renders/r1`);
      expect(found?.data.toString()).toBe("v2");
      expect(found?.metadata).toMatchObject({ contentType: "image/webp", size: 2, tags: {} });
      expect(await store.list(`${t}/`)).toHaveLength(1);
    });

    it("deletes a blob, reporting whether it existed", async () => {
      const t = tenant();
      await store.put(`${t}/photos/p1`, Buffer.from("x"), { contentType: "image/jpeg" });
      expect(await store.delete(`${t}/photos/p1`)).toBe(true);
      expect(await store.get(`${t}/photos/p1`)).toBeNull();
      expect(await store.head(`${t}/photos/p1`)).toBeNull();
      expect(await store.delete(`${t}/photos/p1`)).toBe(false);
      expect(await store.list(`${t}/`)).toEqual([]);
    });

    it("lists metadata under a prefix in key order, including partial-segment prefixes", async () => {
      const t = tenant();
      const other = tenant();
      const keys = [`${t}/renders/b`, `${t}/photos/z.jpg`, `${t}/photos/a.jpg`, `${t}/photos/a.jpg/thumb`, `${t}/top`];
      for (const key of keys) await store.put(key, Buffer.from(key), { contentType: "text/plain" });
      await store.put(`${other}/photos/a.jpg`, Buffer.from("other"), { contentType: "text/plain" });

      expect((await store.list(`${t}/`)).map((m) => m.key)).toEqual([...keys].sort());
      expect((await store.list(`${t}/photos/`)).map((m) => m.key)).toEqual([
        `${t}/photos/a.jpg`,
        `${t}/photos/a.jpg/thumb`,
        `${t}/photos/z.jpg`,
      ]);
      expect((await store.list(`${t}/pho`)).map((m) => m.key)).toHaveLength(3);
      expect((await store.list(`${t}/photos/a`)).map((m) => m.key)).toEqual([
        `${t}/photos/a.jpg`,
        `${t}/photos/a.jpg/thumb`,
      ]);
      expect((await store.list(`${t}/top`)).map((m) => m.key)).toEqual([`${t}/top`]);
      expect(await store.list(`${t}/nothing/`)).toEqual([]);
      expect((await store.list(t)).every((m) => m.key.startsWith(`${t}/`))).toBe(true);
      const listed = await store.list(`${t}/renders/`);
      expect(listed).toEqual([await store.head(`${t}/renders/b`)]);
      // A key and a longer key below it are separate blobs.
      expect((await store.get(`${t}/photos/a.jpg`))?.data.toString()).toBe(`${t}/photos/a.jpg`);
      expect((await store.get(`${t}/photos/a.jpg/thumb`))?.data.toString()).toBe(`${t}/photos/a.jpg/thumb`);
    });

    it("rejects keys that are not relative paths of safe characters", async () => {
      const t = tenant();
      const bad = [
        "",
        "../escape",
        `${t}/../../escape`,
        `${t}/./x`,
        "/etc/passwd",
        `${t}//double`,
        `${t}/trailing/`,
        `${t}/sp ace`,
        `${t}\\back`,
        `${t}/ümlaut`,
        `${t}/tilde~blob`,
        "..",
        "x".repeat(2000),
      ];
      for (const key of bad) {
        await expectInvalid(store.put(key, Buffer.from("x"), { contentType: "text/plain" }));
        await expectInvalid(store.get(key));
        await expectInvalid(store.head(key));
        await expectInvalid(store.delete(key));
      }
      for (const prefix of ["../", "/abs", `${t}/../`, `${t}//`, "..", `${t}/..`])
        await expectInvalid(store.list(prefix));
      expect(await store.list(`${t}/`)).toEqual([]);
    });

    it("rejects an invalid content type or tags and writes nothing", async () => {
      const t = tenant();
      await expectInvalid(store.put(`${t}/a`, Buffer.from("x"), { contentType: "not a type" }));
      await expectInvalid(
        store.put(`${t}/a`, Buffer.from("x"), { contentType: "text/plain", tags: { n: 5 as unknown as string } }),
      );
      expect(await store.head(`${t}/a`)).toBeNull();
    });

    it("keeps data and metadata consistent under concurrent writes", async () => {
      const t = tenant();
      await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          store.put(`${t}/many/${i}`, Buffer.alloc(i * 100, i), { contentType: "application/octet-stream" }),
        ),
      );
      expect(await store.list(`${t}/many/`)).toHaveLength(20);
      const versions = Array.from({ length: 10 }, (_, i) => Buffer.alloc(1000 + i, i));
      await Promise.all(
        versions.map((data) => store.put(`${t}/same`, data, { contentType: "application/octet-stream" })),
      );
      const found = await store.get(`${t}/same`);
      expect(found).not.toBeNull();
      expect(found!.data.byteLength).toBe(found!.metadata.size);
      expect(versions.some((version) => version.equals(found!.data))).toBe(true);
    });

    it("keeps puts working while sibling blobs are deleted", async () => {
      const t = tenant();
      await Promise.all(
        Array.from({ length: 20 }, async (_, i) => {
          await store.put(`${t}/dir/${i}`, Buffer.from(`v${i}`), { contentType: "text/plain" });
          if (i % 2 === 0) await store.delete(`${t}/dir/${i}`);
        }),
      );
      const keys = (await store.list(`${t}/dir/`)).map((m) => m.key);
      expect(keys).toHaveLength(10);
      for (const key of keys) expect((await store.get(key))?.data.toString()).toBe(`v${key.split("/").pop()}`);
    });

    it("answers ping", async () => {
      await expect(store.ping()).resolves.toBeUndefined();
    });
  });
}

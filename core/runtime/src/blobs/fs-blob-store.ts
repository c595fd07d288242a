import { randomUUID } from "node:crypto";
import { constants } from "node:fs";
import { access, mkdir, readdir, readFile, rename, rm, rmdir, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { AppError } from "@varai/schema";
import type { BlobMetadata, BlobStore } from "../ports/blob-store.ts";
import { type Clock, systemClock } from "../ports/logger.ts";

export interface FsBlobStoreOptions {
  /** Root directory; created on first write. */
  dir: string;
  clock?: Clock;
}

const SEGMENT = /^[A-Za-z0-9_.-]+$/;
const CONTENT_TYPE = /^[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]*\/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]*(\s*;.*)?$/;
const MAX_KEY_LENGTH = 1024;
const MAX_TAGS = 50;
const MAX_TAG_LENGTH = 256;

// On disk a key's last segment gets a suffix with `~`, which keys cannot contain: `a/b` (a blob)
// and `a/b/c` (a blob under a directory named `a/b`) then never collide.
const DATA_SUFFIX = "~blob";
const META_SUFFIX = "~meta.json";

function invalid(message: string, details?: Record<string, unknown>): AppError {
  return new AppError("INVALID_INPUT", message, { details });
}

function segmentsOf(path: string): string[] {
  const segments = path.split("/");
  for (const segment of segments) {
    if (!SEGMENT.test(segment) || segment === "." || segment === "..") throw invalid("Invalid blob key", { key: path });
  }
  return segments;
}

/** Keys are relative `/`-separated paths of [A-Za-z0-9_.-] segments; no `.`/`..`, no empty segments. */
function assertKey(key: unknown): string[] {
  if (typeof key !== "string" || key.length === 0 || key.length > MAX_KEY_LENGTH) {
    throw invalid("Invalid blob key");
  }
  return segmentsOf(key);
}

/** A prefix is a key's beginning: complete segments, optionally followed by a partial one. */
function assertPrefix(prefix: unknown): string[] {
  if (typeof prefix !== "string" || prefix.length > MAX_KEY_LENGTH) throw invalid("Invalid blob prefix");
  if (prefix === "") return [];
  if (!/^[A-Za-z0-9/_.-]+$/.test(prefix) || prefix.startsWith("/") || prefix.includes("//")) {
    throw invalid("Invalid blob prefix", { prefix });
  }
  const complete = prefix.slice(0, prefix.lastIndexOf("/") + 1);
  const segments = complete === "" ? [] : segmentsOf(complete.slice(0, -1));
  const partial = prefix.slice(complete.length);
  if (partial === "..") throw invalid("Invalid blob prefix", { prefix });
  return segments;
}

function assertOptions(options: { contentType: string; tags?: Record<string, string> }): void {
  if (
    typeof options?.contentType !== "string" ||
    options.contentType.length > 255 ||
    !CONTENT_TYPE.test(options.contentType)
  ) {
    throw invalid("Invalid content type");
  }
  const tags = options.tags ?? {};
  const entries = Object.entries(tags);
  if (entries.length > MAX_TAGS) throw invalid("Too many tags");
  for (const [name, value] of entries) {
    if (
      typeof value !== "string" ||
      name.length === 0 ||
      name.length > MAX_TAG_LENGTH ||
      value.length > MAX_TAG_LENGTH
    ) {
      throw invalid("Tags are short strings", { tag: name });
    }
  }
}

function isNotFound(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | null)?.code === "ENOENT";
}

/**
 * The filesystem BlobStore: each blob is a data file plus a JSON metadata sidecar. Writes go to a
 * temp file in the same directory and are renamed into place (atomic on one filesystem); the
 * sidecar is renamed last, so a blob becomes visible only once its data is complete.
 */
export function createFsBlobStore(options: FsBlobStoreOptions): BlobStore {
  const root = resolve(options.dir);
  const clock = options.clock ?? systemClock;
  // Puts and deletes of one key run one at a time: two overlapping puts could otherwise leave the
  // data of one and the sidecar of the other. (One process per directory, like the embedded store.)
  const pending = new Map<string, Promise<unknown>>();
  const exclusive = <T>(key: string, fn: () => Promise<T>): Promise<T> => {
    const run = (pending.get(key) ?? Promise.resolve()).then(fn, fn);
    const settled = run.catch(() => undefined);
    pending.set(key, settled);
    void settled.then(() => {
      if (pending.get(key) === settled) pending.delete(key);
    });
    return run;
  };

  const locate = (segments: string[]) => {
    const parent = join(root, ...segments.slice(0, -1));
    const name = segments[segments.length - 1]!;
    return { parent, data: join(parent, name + DATA_SUFFIX), meta: join(parent, name + META_SUFFIX), name };
  };

  async function writeAtomically(parent: string, name: string, target: string, content: Uint8Array | string) {
    const temp = join(parent, `.${name}~tmp-${randomUUID()}`);
    try {
      await writeFile(temp, content, { flush: true });
      await rename(temp, target);
    } catch (error) {
      await rm(temp, { force: true });
      throw error;
    }
  }

  async function readMeta(path: string): Promise<BlobMetadata | null> {
    try {
      return JSON.parse(await readFile(path, "utf8")) as BlobMetadata;
    } catch (error) {
      if (isNotFound(error)) return null;
      throw error;
    }
  }

  async function head(key: string): Promise<BlobMetadata | null> {
    return readMeta(locate(assertKey(key)).meta);
  }

  return {
    kind: "filesystem",

    async put(key, data, putOptions) {
      const segments = assertKey(key);
      assertOptions(putOptions);
      if (!(data instanceof Uint8Array)) throw invalid("Blob data must be bytes");
      const { parent, data: dataPath, meta: metaPath, name } = locate(segments);
      const metadata: BlobMetadata = {
        key,
        contentType: putOptions.contentType,
        size: data.byteLength,
        createdAt: clock().toISOString(),
        tags: { ...(putOptions.tags ?? {}) },
      };
      return exclusive(key, async () => {
        // A delete of a sibling key may remove the (still empty) directory between mkdir and write: retry.
        for (let attempt = 0; ; attempt += 1) {
          try {
            await mkdir(parent, { recursive: true });
            await writeAtomically(parent, name, dataPath, data);
            await writeAtomically(parent, name, metaPath, JSON.stringify(metadata));
            return metadata;
          } catch (error) {
            if (!isNotFound(error) || attempt >= 3) throw error;
          }
        }
      });
    },

    async get(key) {
      const { data: dataPath, meta: metaPath } = locate(assertKey(key));
      // A concurrent overwrite swaps data before metadata: retry until the pair agrees.
      for (let attempt = 0; attempt < 5; attempt += 1) {
        const metadata = await readMeta(metaPath);
        if (!metadata) return null;
        let data: Buffer;
        try {
          data = await readFile(dataPath);
        } catch (error) {
          if (isNotFound(error)) continue;
          throw error;
        }
        const again = await readMeta(metaPath);
        if (again && again.size === data.byteLength && again.createdAt === metadata.createdAt) {
          return { data, metadata: again };
        }
      }
      throw new AppError("CONFLICT", "The blob changed while it was read", { details: { key } });
    },

    head,

    async delete(key) {
      const segments = assertKey(key);
      const { meta, data, parent } = locate(segments);
      return exclusive(key, async () => {
        const existed = (await readMeta(meta)) !== null;
        // Metadata first: the blob disappears from head/list at once, the data follows.
        await rm(meta, { force: true });
        await rm(data, { force: true });
        // Drop directories left empty (a tenant's erased blobs should not leave a tree behind).
        for (let dir = parent, depth = segments.length - 1; depth > 0; depth -= 1, dir = resolve(dir, "..")) {
          try {
            await rmdir(dir);
          } catch {
            break;
          }
        }
        return existed;
      });
    },

    async list(prefix) {
      const baseSegments = assertPrefix(prefix);
      const results: BlobMetadata[] = [];
      const walk = async (dir: string, keyPrefix: string): Promise<void> => {
        let entries: import("node:fs").Dirent[];
        try {
          entries = await readdir(dir, { withFileTypes: true });
        } catch (error) {
          if (isNotFound(error)) return;
          throw error;
        }
        for (const entry of entries) {
          if (entry.isDirectory()) {
            const childPrefix = `${keyPrefix}${entry.name}/`;
            if (childPrefix.startsWith(prefix) || prefix.startsWith(childPrefix)) {
              await walk(join(dir, entry.name), childPrefix);
            }
          } else if (entry.isFile() && entry.name.endsWith(META_SUFFIX)) {
            const key = keyPrefix + entry.name.slice(0, -META_SUFFIX.length);
            if (!key.startsWith(prefix)) continue;
            const metadata = await readMeta(join(dir, entry.name));
            if (metadata) results.push(metadata);
          }
        }
      };
      await walk(join(root, ...baseSegments), baseSegments.length > 0 ? `${baseSegments.join("/")}/` : "");
      return results.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    },

    async ping() {
      await mkdir(root, { recursive: true });
      await access(root, constants.R_OK | constants.W_OK);
    },
  };
}

import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describeBlobStoreContract } from "./blob-store.contract.ts";
import { createFsBlobStore } from "./fs-blob-store.ts";

describeBlobStoreContract("filesystem, on a temporary directory", async () => {
  const dir = await mkdtemp(join(tmpdir(), "varai-blobs-"));
  return {
    store: createFsBlobStore({ dir }),
    destroy: () => rm(dir, { recursive: true, force: true }),
  };
});

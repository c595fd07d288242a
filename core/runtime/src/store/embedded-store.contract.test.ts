import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createEmbeddedStore } from "./embedded-store.ts";
import { describeDocumentStoreContract } from "./store.contract.ts";

describeDocumentStoreContract("embedded, on a temporary directory", async () => {
  const dataDir = await mkdtemp(join(tmpdir(), "varai-store-"));
  const harness = {
    store: createEmbeddedStore({ file: join(dataDir, "varai.sqlite") }),
    async reopen() {
      await harness.store.close();
      return createEmbeddedStore({ file: join(dataDir, "varai.sqlite") });
    },
    async destroy() {
      await harness.store.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
  return harness;
});

describeDocumentStoreContract("embedded, in memory", async () => {
  // In memory there is nothing to reopen: the "restart" keeps the same store, so the
  // persistence test checks only that reads after the step still see the writes.
  const harness = {
    store: createEmbeddedStore({ file: null }),
    reopen: async () => harness.store,
    destroy: () => harness.store.close(),
  };
  return harness;
});

import { MongoClient } from "mongodb";
import { it } from "vitest";
import { createMongoStore } from "./mongo-store.ts";
import { describeDocumentStoreContract } from "./store.contract.ts";

// No MongoDB server can be installed on the development machines, so this suite runs only
// against a server someone provides. It must never look like it ran when it did not.
const url = process.env.MONGODB_URL;

if (url) {
  describeDocumentStoreContract(`mongodb at ${new URL(url).host}`, async () => {
    // A database of its own per run, dropped afterwards.
    const dbName = `varai_contract_${Date.now()}_${Math.random().toString(36).slice(2, 8)}`;
    const harness = {
      store: await createMongoStore({ url, dbName }),
      async reopen() {
        await harness.store.close();
        return createMongoStore({ url, dbName });
      },
      async destroy() {
        await harness.store.close();
        const client = await MongoClient.connect(url);
        try {
          await client.db(dbName).dropDatabase();
        } finally {
          await client.close();
        }
      },
    };
    return harness;
  });
} else {
  // A reported skip (the run's summary counts it), never a passing stand-in; and said plainly.
  console.log("MongoDB contract suite NOT run: MONGODB_URL is not set");
  it.skip("MongoDB contract suite NOT run: MONGODB_URL is not set");
}

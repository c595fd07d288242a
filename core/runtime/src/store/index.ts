// DocumentStore implementations (embedded SQLite + mingo, MongoDB). The contract suite lives in
// store.contract.ts and is not re-exported here, since it imports vitest.
export { createEmbeddedStore, type EmbeddedStoreOptions } from "./embedded-store.ts";
export { createMongoStore, type MongoStoreOptions } from "./mongo-store.ts";

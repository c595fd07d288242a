// BlobStore implementations: filesystem default. The contract suite lives in
// blob-store.contract.ts and is not re-exported here, since it imports vitest.
export { createFsBlobStore, type FsBlobStoreOptions } from "./fs-blob-store.ts";

// BlobStore implementations: filesystem default.
export {};

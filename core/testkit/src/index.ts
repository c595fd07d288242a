// Test helpers. Each slot is its own module so that its owner can change it alone.
export * from "./byte-scan.ts";
export * from "./platforms/index.ts";
export * from "./raw-http.ts";
export * from "./redis-server.ts";
export * from "./runtime.ts";
export * from "./serve.ts";
export * from "./test-app.ts";

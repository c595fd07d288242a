// The gateway as a library, for tests and for tools that embed it; `pnpm start` runs main.ts.
export { API_VERSION, createGatewayApp, type GatewayAppOptions } from "./app.ts";
export { DEMO_FRAMES, DEMO_TENANT } from "./demo/frames.ts";
export { type SeedResult, seedDemo } from "./demo/seed.ts";
export { type GatewayEnv, loadGatewayEnv, parseGatewayEnv } from "./env.ts";
export { buildOpenApiDocument, PUBLIC_CONTRACT } from "./openapi.ts";
export { closeRuntime, createRuntime, type RuntimeEnv } from "./runtime.ts";
export { type Composition, composeServices, type GatewayMiddleware } from "./services.ts";

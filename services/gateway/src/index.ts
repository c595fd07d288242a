// The gateway as a library, for tests and for tools that embed it; `pnpm start` runs main.ts.
export { API_VERSION, createGatewayApp, type GatewayAppOptions } from "./app.ts";
export { type GatewayEnv, loadGatewayEnv, parseGatewayEnv } from "./env.ts";
export { buildOpenApiDocument, PUBLIC_CONTRACT } from "./openapi.ts";
export { closePorts, openPorts, type PortsEnv } from "./ports.ts";
export { type Composition, composeServices, type GatewayMiddleware } from "./services.ts";

export { createInstallsClient, InstallsCallError } from "./client.ts";
export { INSTALLS_COLLECTIONS } from "./collections.ts";
export { LINK_CODE_TTL_MS } from "./link-codes.ts";
export type { InstallsPort } from "./port.ts";
export type { InstallsDeps } from "./ports.ts";
export { createInstallsService, type InstallsService, type InstallsServiceOptions } from "./service.ts";

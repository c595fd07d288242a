/**
 * The provisioning port of `@varai/installs` (services/installs): the Shopify app never creates
 * tenants, connections or keys itself. In the gateway it is `installs.forApp("shopify")`; an app
 * running alone uses `createInstallsClient` (HTTP, `X-VARAi-App-Key`).
 */
export type { InstallsPort } from "@varai/installs";
export type { InstallInput, InstallView } from "@varai/schema";

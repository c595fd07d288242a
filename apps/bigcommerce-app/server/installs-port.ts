/**
 * The shared provisioning port (`@varai/installs`; the gateway hands this app
 * `installs.forApp("bigcommerce")`) and the types it speaks (`@varai/schema`).
 */
export type { InstallsPort } from "@varai/installs";
export type { InstallInput, InstallView } from "@varai/schema";

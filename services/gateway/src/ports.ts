// The ports moved to @varai/runtime (open-ports.ts) so that every deployable, not only the
// gateway, opens them the same way; re-exported here for the gateway's own imports.
export { closePorts, databaseFile, openPorts, type PortsEnv } from "@varai/runtime";

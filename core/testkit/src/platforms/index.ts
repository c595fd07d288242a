// The platform simulator lives in @varai/simulator (the demo uses it too); re-exported here so
// tests keep one import. Beside it: msw handlers per platform and the CommerceAdapter contract suite.
export * from "@varai/simulator";
export * from "./contract.ts";
export * from "./contract-sims.ts";
export * from "./msw.ts";

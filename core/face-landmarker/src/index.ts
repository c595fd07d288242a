export { MIRROR_INDEX } from "./mirror-index.ts";
export * from "./port.ts";

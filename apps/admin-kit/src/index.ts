export * from "./api.ts";
export * from "./live.ts";
export * from "./react.ts";
export * from "./session.ts";

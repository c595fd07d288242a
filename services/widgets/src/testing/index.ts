// Test helpers for browser tests of the widgets (the gateway's demo test uses them too).
export * from "./browser.ts";
export { HARNESS_PRODUCTS, startWidgetHarness } from "./harness.ts";

export { ensureDemoKey } from "./demo-key.ts";
export { PX_PER_MM, renderFrameArt } from "./frame-art.ts";
export { DEMO_CONNECTION_ID, DEMO_FRAMES, DEMO_TENANT, type DemoFrame, frameWidthMm, sizeLabel } from "./frames.ts";
export {
  createDemoModule,
  type DemoModule,
  type DemoModuleOptions,
  type DemoSeedOptions,
  demoProductUrl,
} from "./module.ts";
export { demoAssetId, demoImageKey, demoProductId, type SeedResult, seedDemo } from "./seed.ts";
export { createSimulatedStores, type SimulatedStores, type SimulatedStoresOptions } from "./simulated-stores.ts";
export { ConnectSimulatedStoreSchema } from "./simulated-stores-routes.ts";

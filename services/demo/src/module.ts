import type { AuthService } from "@varai/auth";
import type { RuntimeDeps, ServiceModule } from "@varai/runtime";
import type { Product } from "@varai/schema";
import { Router } from "express";
import { ensureDemoKey } from "./demo-key.ts";
import { DEMO_TENANT } from "./frames.ts";
import { createDemoRouter } from "./routes.ts";
import { type SeedResult, seedDemo } from "./seed.ts";
import type { SimulatedStores } from "./simulated-stores.ts";
import { createSimulatedStoresRouter, simulatedStoresOpenApi } from "./simulated-stores-routes.ts";

export interface DemoModuleOptions {
  /** The widget loader the pages load, as a merchant's one script tag would. */
  widgetScriptSrc?: string;
  /**
   * "Connect a simulated store" (DEMO on): served under `/v1/demo/*` and stopped with the module.
   * Null or absent: the capability is empty and the endpoint answers 501.
   */
  simulatedStores?: SimulatedStores | null;
}

export interface DemoSeedOptions {
  publicBaseUrl: string;
  /** The demo key's plaintext is kept here (see demo-key.ts). */
  dataDir: string;
  auth: Pick<AuthService, "createApiKey">;
}

export interface DemoModule extends ServiceModule {
  /**
   * Seeds the demo tenant and catalog (idempotent) and makes the publishable key its pages
   * embed. A start-up step, not `start()`: it runs after the platform admin exists.
   */
  seed(options: DemoSeedOptions): Promise<SeedResult>;
}

/** The demo storefront (`/demo`): pages over the seeded demo tenant, its images and try-on assets. */
export function createDemoModule(deps: RuntimeDeps, options: DemoModuleOptions = {}): DemoModule {
  let publishableKey: string | null = null;
  const simulatedStores = options.simulatedStores ?? null;
  return {
    name: "demo",
    router: Router()
      .use(createSimulatedStoresRouter(simulatedStores))
      .use(
        createDemoRouter(deps, {
          ...(options.widgetScriptSrc ? { widgetScriptSrc: options.widgetScriptSrc } : {}),
          publishableKey: () => publishableKey,
        }),
      ),
    openapi: simulatedStoresOpenApi,
    async stop() {
      await simulatedStores?.close();
    },
    async seed({ publicBaseUrl, dataDir, auth }) {
      const result = await seedDemo(deps, { publicBaseUrl });
      if (result.status !== "skipped")
        publishableKey = await ensureDemoKey(auth, { dataDir, origin: new URL(publicBaseUrl).origin });
      return result;
    },
  };
}

/** Where the demo store shows a product (the widgets link to it); null for other tenants' products. */
export const demoProductUrl = (product: Product): string | null =>
  product.tenantId === DEMO_TENANT.id ? `/demo/products/${product.id}` : null;

import { COLLECTIONS, type RuntimeDeps, type ServiceModule } from "@varai/runtime";
import type { Product } from "@varai/schema";
import { Router } from "express";
import { getWidgetBundles, type WidgetBundles } from "./build.ts";
import { WIDGET_OPENAPI } from "./openapi.ts";
import { toWidgetProduct } from "./products.ts";
import { createWidgetRouter, type WidgetProductQuery } from "./router.ts";
import {
  createWidgetSettingsRouter,
  WIDGET_SETTINGS,
  type WidgetSettingsDoc,
  widgetSettingsOpenApi,
} from "./widget-settings.ts";

/** Products a widget may show: active ones, and only what `toWidgetProduct` exposes. */
async function findWidgetProducts(deps: RuntimeDeps, tenantId: string, query: WidgetProductQuery): Promise<Product[]> {
  const products = deps.store.tenantCollection<Product>(COLLECTIONS.products);
  if (query.ids) {
    const found = await products.find(
      tenantId,
      { id: { $in: query.ids }, status: "active" },
      { limit: query.ids.length },
    );
    // Keep the caller's order (a carousel's ranking, a try-on's frame list).
    const byId = new Map(found.map((p) => [p.id, p]));
    return query.ids.map((id) => byId.get(id)).filter((p): p is Product => p !== undefined);
  }
  if (query.sku) return products.find(tenantId, { "variants.sku": query.sku, status: "active" }, { limit: 1 });
  return products.find(tenantId, { status: "active" }, { sort: { title: 1 }, limit: query.limit });
}

/**
 * The storefront widgets as a service module: `/widget/varai.js`, its chunks, live mode's
 * model files, `/widget/config` and `/widget/products`. The bundles build in the
 * background at start (about half a second); readiness waits for them.
 */
export interface WidgetsModuleOptions {
  /** Prebuilt bundles (tests share one build); default: built once per process. */
  bundles?: Promise<WidgetBundles>;
  /** The storefront page of a product, when this server knows it (the demo store's pages). */
  productUrl?: (product: Product) => string | null;
}

export function createWidgetsModule(deps: RuntimeDeps, options: WidgetsModuleOptions = {}): ServiceModule {
  const bundles = options.bundles ?? getWidgetBundles();
  const settings = deps.store.tenantCollection<WidgetSettingsDoc>(WIDGET_SETTINGS);
  const settingsOpenApi = widgetSettingsOpenApi();
  const productUrl = options.productUrl ?? (() => null);
  return {
    name: "widgets",
    openapi: {
      paths: { ...WIDGET_OPENAPI.paths, ...settingsOpenApi.paths },
      schemas: { ...WIDGET_OPENAPI.schemas, ...settingsOpenApi.schemas },
    },
    router: Router()
      .use(createWidgetSettingsRouter(deps))
      .use(
        createWidgetRouter({
          bundles,
          getConfig: async (tenantId) => (await settings.findById(tenantId, "widget-settings"))?.config ?? {},
          getProducts: async (tenantId, query) =>
            (await findWidgetProducts(deps, tenantId, query)).map((p) => toWidgetProduct(p, { url: productUrl })),
        }),
      ),
    ready: async () => {
      await bundles;
    },
  };
}

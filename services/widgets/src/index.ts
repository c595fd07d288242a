export { buildWidgetBundles, getWidgetBundles, WIDGET_ENTRIES, type WidgetAsset, type WidgetBundles } from "./build.ts";
export { createWidgetsModule, type WidgetsModuleOptions } from "./module.ts";
export { WIDGET_OPENAPI } from "./openapi.ts";
export { toWidgetProduct } from "./products.ts";
export {
  createWidgetRouter,
  type WidgetProductQuery,
  WidgetProductQuerySchema,
  type WidgetRouterOptions,
} from "./router.ts";
export { vendorFiles } from "./vendor.ts";
export { WIDGET_SETTINGS, type WidgetSettingsDoc } from "./widget-settings.ts";

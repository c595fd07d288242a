import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createTestApp, storefrontOf } from "@varai/testkit";
import type { WidgetProduct } from "@varai/widget-kit/config";
import { getWidgetBundles } from "../build.ts";
import { createWidgetRouter } from "../router.ts";

/** Two frames with known dimensions, for widget-only tests before (or without) the gateway. */
export const HARNESS_PRODUCTS: WidgetProduct[] = [
  {
    id: "prd_h_round",
    title: "Harness Round",
    sku: "H-ROUND",
    brand: "Test",
    price: { amount: "120.00", currency: "USD" },
    imageUrl: null,
    imageAlt: "",
    url: null,
    frame: { shape: "round", color: "tortoise", lensWidthMm: 48, bridgeWidthMm: 20, frameWidthMm: 132 },
    tryOnReady: true,
    asset: null,
  },
  {
    id: "prd_h_rect",
    title: "Harness Rectangle",
    sku: "H-RECT",
    brand: "Test",
    price: { amount: "140.00", currency: "USD" },
    imageUrl: null,
    imageAlt: "",
    url: null,
    frame: { shape: "rectangle", color: "black", lensWidthMm: 53, bridgeWidthMm: 18, frameWidthMm: 140 },
    tryOnReady: true,
    asset: null,
  },
];

/**
 * Serves the widget router and a page with one element, every caller being a storefront of
 * `ten_harness`. Only the widget side is real here: API routes are absent, so this is for
 * live mode (which must not call the API) and for development.
 */
export async function startWidgetHarness(page: string): Promise<{ url: string; close(): Promise<void> }> {
  const app = createTestApp({
    principal: storefrontOf("ten_harness"),
    routes: (a) => {
      a.get("/harness", (_req, res) => {
        res.type("html").send(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Harness</title>
<script src="/widget/varai.js" data-key="pk_harness" async></script></head><body><main>${page}</main></body></html>`);
      });
    },
    modules: [
      {
        name: "widgets",
        router: createWidgetRouter({
          bundles: getWidgetBundles(),
          getConfig: () => ({}),
          getProducts: async (_t, q) =>
            q.ids ? HARNESS_PRODUCTS.filter((p) => q.ids?.includes(p.id)) : HARNESS_PRODUCTS.slice(0, q.limit),
        }),
      },
    ],
  });
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, "127.0.0.1", () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/harness`,
    close: () => new Promise((r) => server.close(() => r())),
  };
}

import { HttpResponse, http, passthrough } from "msw";
import type { ShopifySim } from "./shopify.ts";
import type { WooSim } from "./woocommerce.ts";

/** msw handlers serving a simulated Shopify shop at `https://{shopDomain}` (or `baseUrl`). */
export function shopifyHandlers(sim: ShopifySim, baseUrl = `https://${sim.shopDomain}`) {
  return [
    http.all(`${baseUrl}/*`, async ({ request }) => {
      const path = new URL(request.url).pathname.slice(new URL(baseUrl).pathname.replace(/\/$/, "").length);
      return (await sim.handle(request, path)) ?? HttpResponse.json({ errors: "Not Found" }, { status: 404 });
    }),
  ];
}

/** msw handlers serving a simulated WooCommerce site at `baseUrl`. */
export function wooCommerceHandlers(sim: WooSim, baseUrl = "https://store.example") {
  return [
    http.all(`${baseUrl}/*`, async ({ request }) => {
      const path = new URL(request.url).pathname.slice(new URL(baseUrl).pathname.replace(/\/$/, "").length);
      return (await sim.handle(request, path)) ?? HttpResponse.json({ code: "rest_no_route" }, { status: 404 });
    }),
  ];
}

/** Lets requests to local servers (the service under test) through when msw is active. */
export const localPassthrough = [http.all("http://127.0.0.1:*/*", () => passthrough())];

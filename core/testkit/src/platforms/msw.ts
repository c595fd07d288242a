import type { BigCommerceSim, MagentoSim, ShopifySim, WooSim } from "@varai/simulator";
import { HttpResponse, http, passthrough } from "msw";

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

/** msw handlers serving a simulated Magento store at `baseUrl` (`/rest/...` below it). */
export function magentoHandlers(sim: MagentoSim, baseUrl = "https://magento.example") {
  return [
    http.all(`${baseUrl}/*`, async ({ request }) => {
      const path = new URL(request.url).pathname.slice(new URL(baseUrl).pathname.replace(/\/$/, "").length);
      return (
        (await sim.handle(request, path)) ??
        HttpResponse.json({ message: "Request does not match any route." }, { status: 404 })
      );
    }),
  ];
}

/** msw handlers serving a simulated BigCommerce API at `baseUrl` (`/stores/{hash}/...` below it). */
export function bigCommerceHandlers(sim: BigCommerceSim, baseUrl = "https://api.bigcommerce.com") {
  return [
    http.all(`${baseUrl}/*`, async ({ request }) => {
      const path = new URL(request.url).pathname.slice(new URL(baseUrl).pathname.replace(/\/$/, "").length);
      return (
        (await sim.handle(request, path)) ?? HttpResponse.json({ status: 404, title: "Not Found" }, { status: 404 })
      );
    }),
  ];
}

/** Lets requests to local servers (the service under test) through when msw is active. */
export const localPassthrough = [http.all("http://127.0.0.1:*/*", () => passthrough())];

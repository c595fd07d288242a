import { noopLogger } from "@varai/commerce";
import {
  createShopifySim,
  describeCommerceAdapterContract,
  SHOPIFY_FIRST_PRODUCT_ID,
  shopifyHandlers,
} from "@varai/testkit";
import { createShopifyAdapter } from "./index.ts";

describeCommerceAdapterContract({
  name: "shopify",
  exactId: { index: 0, externalId: SHOPIFY_FIRST_PRODUCT_ID },
  setup({ products, fetch }) {
    const sim = createShopifySim({ products });
    const adapter = createShopifyAdapter(
      { connectionId: "con_test", shopDomain: sim.shopDomain, accessToken: sim.accessToken, apiSecret: sim.apiSecret },
      { fetch, logger: noopLogger, clock: () => new Date() },
    );
    return {
      adapter,
      sim: {
        store: sim.store,
        externalId: sim.externalId,
        handlers: shopifyHandlers(sim),
        webhook(kind, { index, signature, body }) {
          const topic =
            kind === "product-update"
              ? "products/update"
              : kind === "product-delete"
                ? "products/delete"
                : "themes/publish";
          return sim.webhook(topic, { index, signature, ...(body !== undefined ? { body } : {}) });
        },
        rateLimitNextCall: () => sim.drainBucket(),
      },
    };
  },
});

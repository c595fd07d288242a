import {
  contractAdapterDeps,
  createShopifySim,
  describeCommerceAdapterContract,
  SHOPIFY_FIRST_PRODUCT_ID,
  shopifyContractSim,
} from "@varai/testkit";
import { createShopifyAdapter } from "./index.ts";

describeCommerceAdapterContract({
  name: "shopify",
  exactId: { index: 0, externalId: SHOPIFY_FIRST_PRODUCT_ID },
  setup({ products, fetch }) {
    const sim = createShopifySim({ products });
    const { shopDomain, accessToken, apiSecret } = sim;
    const adapter = createShopifyAdapter(
      { connectionId: "con_test", shopDomain, accessToken, apiSecret },
      contractAdapterDeps(fetch),
    );
    return { adapter, sim: shopifyContractSim(sim) };
  },
});

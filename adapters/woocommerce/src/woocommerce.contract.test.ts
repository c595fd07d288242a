import {
  contractAdapterDeps,
  createWooSim,
  describeCommerceAdapterContract,
  wooCommerceContractSim,
} from "@varai/testkit";
import { createWooCommerceAdapter } from "./index.ts";

const storeUrl = "https://store.example";

describeCommerceAdapterContract({
  name: "woocommerce",
  setup({ products, fetch }) {
    const sim = createWooSim({ products });
    const { consumerKey, consumerSecret, webhookSecret } = sim;
    const adapter = createWooCommerceAdapter(
      { connectionId: "con_test", storeUrl, consumerKey, consumerSecret, webhookSecret },
      contractAdapterDeps(fetch),
    );
    return { adapter, sim: wooCommerceContractSim(sim, storeUrl) };
  },
});

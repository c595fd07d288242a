import {
  contractAdapterDeps,
  createMagentoSim,
  describeCommerceAdapterContract,
  magentoContractSim,
} from "@varai/testkit";
import { createMagentoAdapter } from "./index.ts";

const storeUrl = "https://magento.example";

describeCommerceAdapterContract({
  name: "magento",
  setup({ products, fetch }) {
    const sim = createMagentoSim({ products });
    const { consumerKey, consumerSecret, accessToken, accessTokenSecret, webhookSecret } = sim;
    const adapter = createMagentoAdapter(
      {
        connectionId: "con_test",
        storeUrl,
        credentials: { consumerKey, consumerSecret, accessToken, accessTokenSecret },
        webhookSecret,
      },
      contractAdapterDeps(fetch),
    );
    return { adapter, sim: magentoContractSim(sim, storeUrl) };
  },
});

import {
  bigCommerceContractSim,
  contractAdapterDeps,
  createBigCommerceSim,
  describeCommerceAdapterContract,
} from "@varai/testkit";
import { createBigCommerceAdapter } from "./index.ts";

describeCommerceAdapterContract({
  name: "bigcommerce",
  setup({ products, fetch }) {
    const sim = createBigCommerceSim({ products });
    const { storeHash, accessToken, clientSecret, webhookToken } = sim;
    const adapter = createBigCommerceAdapter(
      { connectionId: "con_test", storeHash, accessToken, clientSecret, webhookSecret: webhookToken },
      contractAdapterDeps(fetch),
    );
    return { adapter, sim: bigCommerceContractSim(sim) };
  },
});

import { noopLogger } from "@varai/commerce";
import { createMagentoSim, describeCommerceAdapterContract, magentoHandlers } from "@varai/testkit";
import { createMagentoAdapter } from "./index.ts";

describeCommerceAdapterContract({
  name: "magento",
  setup({ products, fetch }) {
    const sim = createMagentoSim({ products });
    const adapter = createMagentoAdapter(
      {
        connectionId: "con_test",
        storeUrl: "https://magento.example",
        credentials: {
          consumerKey: sim.consumerKey,
          consumerSecret: sim.consumerSecret,
          accessToken: sim.accessToken,
          accessTokenSecret: sim.accessTokenSecret,
        },
        webhookSecret: sim.webhookSecret,
      },
      { fetch, logger: noopLogger, clock: () => new Date() },
    );
    return {
      adapter,
      sim: {
        store: sim.store,
        externalId: sim.externalId,
        handlers: magentoHandlers(sim, "https://magento.example"),
        webhook(kind, { index, signature, body }) {
          const topic =
            kind === "product-update"
              ? "product.updated"
              : kind === "product-delete"
                ? "product.deleted"
                : "category.updated";
          return sim.webhook(topic, { index, signature, ...(body !== undefined ? { body } : {}) });
        },
        rateLimitNextCall: () => sim.store.failNext(429),
      },
    };
  },
});

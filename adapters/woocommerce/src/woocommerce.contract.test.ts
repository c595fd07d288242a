import { noopLogger } from "@varai/commerce";
import { createWooSim, describeCommerceAdapterContract, wooCommerceHandlers } from "@varai/testkit";
import { createWooCommerceAdapter } from "./index.ts";

describeCommerceAdapterContract({
  name: "woocommerce",
  setup({ products, fetch }) {
    const sim = createWooSim({ products });
    const adapter = createWooCommerceAdapter(
      {
        connectionId: "con_test",
        storeUrl: "https://store.example",
        consumerKey: sim.consumerKey,
        consumerSecret: sim.consumerSecret,
        webhookSecret: sim.webhookSecret,
      },
      { fetch, logger: noopLogger, clock: () => new Date() },
    );
    return {
      adapter,
      sim: {
        store: sim.store,
        externalId: sim.externalId,
        handlers: wooCommerceHandlers(sim, "https://store.example"),
        webhook(kind, { index, signature, body }) {
          const topic =
            kind === "product-update"
              ? "product.updated"
              : kind === "product-delete"
                ? "product.deleted"
                : "coupon.created";
          return sim.webhooksFor(topic, { index, signature, ...(body !== undefined ? { body } : {}) })[0]!;
        },
        rateLimitNextCall: () => sim.store.failNext(429),
      },
    };
  },
});

import { noopLogger } from "@varai/commerce";
import { bigCommerceHandlers, createBigCommerceSim, describeCommerceAdapterContract } from "@varai/testkit";
import { createBigCommerceAdapter } from "./index.ts";

describeCommerceAdapterContract({
  name: "bigcommerce",
  setup({ products, fetch }) {
    const sim = createBigCommerceSim({ products });
    const adapter = createBigCommerceAdapter(
      {
        connectionId: "con_test",
        storeHash: sim.storeHash,
        accessToken: sim.accessToken,
        clientSecret: sim.clientSecret,
        webhookSecret: sim.webhookToken,
      },
      { fetch, logger: noopLogger, clock: () => new Date() },
    );
    return {
      adapter,
      sim: {
        store: sim.store,
        externalId: sim.externalId,
        handlers: bigCommerceHandlers(sim),
        webhook(kind, { index, signature, body }) {
          const scope =
            kind === "product-update"
              ? "store/product/updated"
              : kind === "product-delete"
                ? "store/product/deleted"
                : "store/cart/created";
          return sim.webhook(scope, { index, signature, ...(body !== undefined ? { body } : {}) });
        },
        rateLimitNextCall: () => sim.exhaustQuota(),
      },
    };
  },
});

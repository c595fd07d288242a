import { noopLogger } from "@varai/commerce";
import type { BigCommerceSim, MagentoSim, ShopifySim, SimWebhook, WooSim } from "@varai/simulator";
import type { ContractSim } from "./contract.ts";
import { bigCommerceHandlers, magentoHandlers, shopifyHandlers, wooCommerceHandlers } from "./msw.ts";

type ContractWebhook = Parameters<ContractSim["webhook"]>;

/** Each contract webhook kind as the platform's own topic. */
type Topics = Record<ContractWebhook[0], string>;

function webhookOf(topics: Topics, send: (topic: string, options: ContractWebhook[1]) => SimWebhook) {
  return (kind: ContractWebhook[0], { index, signature, body }: ContractWebhook[1]) =>
    send(topics[kind], { index, signature, ...(body !== undefined ? { body } : {}) });
}

/** What an adapter under contract gets besides its connection: the contract's fetch, no logs, the real clock. */
export const contractAdapterDeps = (fetch: typeof globalThis.fetch) => ({
  fetch,
  logger: noopLogger,
  clock: () => new Date(),
});

export function shopifyContractSim(sim: ShopifySim): ContractSim {
  return {
    store: sim.store,
    externalId: sim.externalId,
    handlers: shopifyHandlers(sim),
    webhook: webhookOf(
      { "product-update": "products/update", "product-delete": "products/delete", ignored: "themes/publish" },
      (topic, options) => sim.webhook(topic, options),
    ),
    rateLimitNextCall: () => sim.drainBucket(),
  };
}

export function wooCommerceContractSim(sim: WooSim, baseUrl: string): ContractSim {
  return {
    store: sim.store,
    externalId: sim.externalId,
    handlers: wooCommerceHandlers(sim, baseUrl),
    webhook: webhookOf(
      { "product-update": "product.updated", "product-delete": "product.deleted", ignored: "coupon.created" },
      (topic, options) => sim.webhooksFor(topic, options)[0]!,
    ),
    rateLimitNextCall: () => sim.store.failNext(429),
  };
}

export function magentoContractSim(sim: MagentoSim, baseUrl: string): ContractSim {
  return {
    store: sim.store,
    externalId: sim.externalId,
    handlers: magentoHandlers(sim, baseUrl),
    webhook: webhookOf(
      { "product-update": "product.updated", "product-delete": "product.deleted", ignored: "category.updated" },
      (topic, options) => sim.webhook(topic, options),
    ),
    rateLimitNextCall: () => sim.store.failNext(429),
  };
}

export function bigCommerceContractSim(sim: BigCommerceSim): ContractSim {
  return {
    store: sim.store,
    externalId: sim.externalId,
    handlers: bigCommerceHandlers(sim),
    webhook: webhookOf(
      {
        "product-update": "store/product/updated",
        "product-delete": "store/product/deleted",
        ignored: "store/cart/created",
      },
      (topic, options) => sim.webhook(topic, options),
    ),
    rateLimitNextCall: () => sim.exhaustQuota(),
  };
}

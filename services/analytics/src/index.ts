export { ANALYTICS_COLLECTIONS } from "./collections.ts";
export type { ProcessedBatch } from "./processor.ts";
export { PurchaseInputSchema, type QueuedBatch } from "./schemas.ts";
export {
  type AnalyticsService,
  type AnalyticsServiceOptions,
  createAnalyticsService,
  type PurchaseOrder,
} from "./service.ts";

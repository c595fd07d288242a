export {
  createVaraiClient,
  type EventBatchResult,
  type TryOnFormat,
  VaraiApiError,
  type VaraiClient,
  type VaraiClientOptions,
} from "./client.ts";

import type { Cache, Clock, Logger } from "@varai/runtime";
import type { RecsCollections } from "./collections.ts";
import type { TenantStates } from "./tenant-state.ts";
import type { RecommendationsOptions } from "./types.ts";

/** What the use cases share; service.ts builds one per service instance. */
export interface RecsContext {
  cache: Cache;
  clock: Clock;
  logger: Logger;
  collections: RecsCollections;
  states: TenantStates;
  options: RecommendationsOptions;
}

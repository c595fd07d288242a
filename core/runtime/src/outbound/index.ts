// Outbound calls to URLs we were given (tenant settings, platform data): the guarded fetch.
export { addressRange, isPublicAddress } from "./address-policy.ts";
export {
  createGuardedFetch,
  type GuardedFetch,
  isUpstreamRefused,
  type LookupAddress,
  type OutboundDeps,
  type OutboundPolicy,
  UPSTREAM_REFUSED,
} from "./guarded-fetch.ts";

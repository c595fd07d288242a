import { type AdapterDeps, type RateLimitSignal, restRequest } from "@varai/commerce";
import { type AppError, err, ok, type Result } from "@varai/schema";
import { toAdapterError } from "./errors.ts";
import { GqlResponseSchema } from "./platform-schemas.ts";

export interface GraphqlResult {
  data: unknown;
  rateLimit: RateLimitSignal | null;
}

export interface ShopifyClientOptions {
  endpoint: string;
  accessToken: string;
}

/** One GraphQL Admin call; never retries (the engine's governor owns waiting). */
export function createGraphqlClient(options: ShopifyClientOptions, deps: AdapterDeps) {
  return async function graphql(
    query: string,
    variables: Record<string, unknown> = {},
  ): Promise<Result<GraphqlResult, AppError>> {
    const r = await restRequest(deps.fetch, {
      url: options.endpoint,
      method: "POST",
      headers: { "x-shopify-access-token": options.accessToken },
      body: { query, variables },
    });
    if (!r.ok) {
      const f = r.error;
      if (f.kind !== "http") return err(toAdapterError(f));
      return err(toAdapterError({ kind: "http", status: f.status, retryAfter: f.headers.get("retry-after") }));
    }
    const parsed = GqlResponseSchema.safeParse(r.value.body);
    if (!parsed.success) return err(toAdapterError({ kind: "invalid-response", message: "not a GraphQL response" }));
    const body = parsed.data;
    const cost = body.extensions?.cost;
    const rateLimit: RateLimitSignal | null = cost
      ? {
          remaining: cost.throttleStatus.currentlyAvailable,
          capacity: cost.throttleStatus.maximumAvailable,
          restorePerSecond: cost.throttleStatus.restoreRate,
          resetMs: null,
          windowMs: null,
          cost: cost.requestedQueryCost,
        }
      : null;
    // Shopify reports throttling and query errors with HTTP 200: check `errors`, not the status.
    if (body.errors && body.errors.length > 0) return err(toAdapterError({ kind: "graphql", body }));
    return ok({ data: body.data, rateLimit });
  };
}

import type { AdapterDeps, RateLimitSignal } from "@varai/runtime";
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
    let response: Response;
    try {
      response = await deps.fetch(options.endpoint, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          accept: "application/json",
          "x-shopify-access-token": options.accessToken,
        },
        body: JSON.stringify({ query, variables }),
      });
    } catch (cause) {
      return err(toAdapterError({ kind: "network", cause }));
    }
    if (!response.ok) {
      await response.text().catch(() => "");
      return err(
        toAdapterError({ kind: "http", status: response.status, retryAfter: response.headers.get("retry-after") }),
      );
    }
    let json: unknown;
    try {
      json = await response.json();
    } catch {
      return err(toAdapterError({ kind: "invalid-response", message: "body is not JSON" }));
    }
    const parsed = GqlResponseSchema.safeParse(json);
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

import { AppError } from "@varai/schema";
import { adminBase, type ShopifyAppConfig } from "./config.ts";

export interface AdminApiDeps {
  config: ShopifyAppConfig;
  fetch: typeof fetch;
}

/**
 * One GraphQL Admin API call with the shop's offline token (GraphQL only: REST is closed to new
 * public apps since 2025-04-01). GraphQL errors and a refused token are AppErrors, never thrown raw.
 */
export async function adminGraphql<T>(
  deps: AdminApiDeps,
  shop: string,
  accessToken: string,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<T> {
  const url = `${adminBase(deps.config, shop)}/admin/api/${deps.config.apiVersion}/graphql.json`;
  let response: Response;
  try {
    response = await deps.fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", "x-shopify-access-token": accessToken },
      body: JSON.stringify({ query, variables }),
      signal: AbortSignal.timeout(15_000),
    });
  } catch {
    throw new AppError("UPSTREAM_UNAVAILABLE", "The Shopify Admin API could not be reached");
  }
  if (response.status === 401 || response.status === 403) {
    throw new AppError("UPSTREAM_UNAVAILABLE", `The Shopify Admin API refused the shop's token (${response.status})`);
  }
  const body = (await response.json().catch(() => null)) as { data?: T; errors?: unknown } | null;
  if (!response.ok || !body?.data || body.errors) {
    throw new AppError("INVALID_RESPONSE", `The Shopify Admin API answered ${response.status} with errors`);
  }
  return body.data;
}

import { AppError } from "@varai/schema";

/** A call to one store's API with its token (`X-Auth-Token`), relative to `/stores/{hash}`. */
export type StoreApi = (method: string, path: string, body?: unknown) => Promise<{ status: number; body: unknown }>;

/**
 * The store API client of the app's own calls (store info, Scripts API); the catalog's adapter
 * does the catalog's. Network failures and 5xx are UPSTREAM_UNAVAILABLE, a 401 (token revoked)
 * UNAUTHENTICATED; other statuses are returned to the caller.
 */
export function createStoreApi(o: {
  apiBaseUrl: string;
  storeHash: string;
  accessToken: string;
  fetch: typeof fetch;
}): StoreApi {
  const base = `${o.apiBaseUrl}/stores/${o.storeHash}`;
  return async (method, path, body) => {
    let response: Response;
    try {
      response = await o.fetch(`${base}${path}`, {
        method,
        headers: {
          "x-auth-token": o.accessToken,
          accept: "application/json",
          ...(body !== undefined ? { "content-type": "application/json" } : {}),
        },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
        signal: AbortSignal.timeout(15_000),
      });
    } catch (error) {
      throw new AppError("UPSTREAM_UNAVAILABLE", "The BigCommerce store API did not answer", { cause: error });
    }
    const text = await response.text();
    const parsed: unknown = text ? safeJson(text) : null;
    if (response.status === 401) throw new AppError("UNAUTHENTICATED", "BigCommerce refused the store token");
    if (response.status >= 500 || response.status === 429)
      throw new AppError("UPSTREAM_UNAVAILABLE", `The BigCommerce store API answered ${response.status}`);
    return { status: response.status, body: parsed };
  };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

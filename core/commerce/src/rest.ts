import { err, ok, type Result } from "@varai/schema";

/** One platform API call. */
export interface RestRequest {
  url: string | URL;
  method: string;
  /** Besides `accept: application/json` (always) and `content-type` (with a body): auth and such. */
  headers?: Record<string, string>;
  /** Sent as JSON. */
  body?: unknown;
  /**
   * Parses a successful body's text; a throw is an `invalid-response`. Default `JSON.parse`;
   * adapters pass their exact parser (`createExactJsonParser`), and may accept an empty body.
   */
  parse?: (text: string) => unknown;
}

export interface RestResponse {
  status: number;
  /** The parsed body; null for a 404 to a GET. */
  body: unknown;
  headers: Headers;
  /** `performance.now()` when the response headers (and so any rate-limit headers) arrived. */
  receivedAt: number;
}

/**
 * Why a call failed, for the platform's `toAdapterError`: no answer, an HTTP failure status (with
 * the headers, for Retry-After and quota headers, and the error body parsed as JSON when it is
 * JSON), or a successful answer that is not what `parse` reads.
 */
export type RestFailure =
  | { kind: "network"; cause: unknown }
  | { kind: "http"; status: number; headers: Headers; errorBody: unknown }
  | { kind: "invalid-response"; message: string };

/**
 * The REST round trip the adapters share. Never retries and never sleeps (the engine's governor
 * decides when to call again). A 404 to a GET is a success with `body: null` (the adapter decides
 * whether that means "deleted" or "wrong store"); other non-2xx statuses are `http` failures.
 */
export async function restRequest(
  fetch: typeof globalThis.fetch,
  request: RestRequest,
): Promise<Result<RestResponse, RestFailure>> {
  const headers: Record<string, string> = { accept: "application/json", ...request.headers };
  if (request.body !== undefined) headers["content-type"] = "application/json";
  let response: Response;
  try {
    response = await fetch(request.url, {
      method: request.method,
      headers,
      ...(request.body !== undefined ? { body: JSON.stringify(request.body) } : {}),
    });
  } catch (cause) {
    return err({ kind: "network", cause });
  }
  const receivedAt = performance.now();
  const text = await response.text().catch(() => "");
  if (response.status === 404 && request.method === "GET")
    return ok({ status: 404, body: null, headers: response.headers, receivedAt });
  if (!response.ok) {
    let errorBody: unknown;
    try {
      errorBody = JSON.parse(text);
    } catch {}
    return err({ kind: "http", status: response.status, headers: response.headers, errorBody });
  }
  try {
    return ok({
      status: response.status,
      body: (request.parse ?? JSON.parse)(text),
      headers: response.headers,
      receivedAt,
    });
  } catch {
    // Maintenance pages and PHP notices arrive as HTML with a 200.
    return err({ kind: "invalid-response", message: "body is not JSON" });
  }
}

/** A string field of a platform's JSON error body (`code`, `message`, `title`), when there is one. */
export function errorBodyField(errorBody: unknown, field: string): string | undefined {
  if (typeof errorBody !== "object" || errorBody === null) return undefined;
  const value = (errorBody as Record<string, unknown>)[field];
  return typeof value === "string" && value !== "" ? value : undefined;
}

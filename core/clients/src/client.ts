import {
  type AnalyticsEventInput,
  type ErrorCode,
  type FaceAnalysis,
  FaceAnalysisSchema,
  type RecommendationRequest,
  type RecommendationResponse,
  RecommendationResponseSchema,
} from "@varai/schema";
import { z } from "zod";

/** A problem+json answer from the API, with its stable code. */
export class VaraiApiError extends Error {
  override readonly name = "VaraiApiError";
  readonly status: number;
  readonly code: ErrorCode | "NETWORK" | "INVALID_RESPONSE";
  readonly problem: Record<string, unknown>;
  constructor(
    status: number,
    code: ErrorCode | "NETWORK" | "INVALID_RESPONSE",
    message: string,
    problem: Record<string, unknown> = {},
  ) {
    super(message);
    this.status = status;
    this.code = code;
    this.problem = problem;
  }
}

export interface VaraiClientOptions {
  /** e.g. `https://api.varai.example` (no trailing slash needed). */
  baseUrl: string;
  /** Storefront calls: a publishable key `pk_…`. */
  publishableKey?: string;
  /** Admin calls: a JWT access token, or a function returning the current one. */
  accessToken?: string | (() => string | null);
  fetch?: typeof globalThis.fetch;
}

export type TryOnFormat = "image/jpeg" | "image/webp" | "image/png";

export interface EventBatchResult {
  accepted: number;
  rejected: Array<{ index: number; id?: string; reason: string }>;
}

const EventBatchResultSchema = z.object({
  accepted: z.number(),
  rejected: z.array(z.object({ index: z.number(), id: z.string().optional(), reason: z.string() })),
});

/**
 * Typed client for the public VARAi API (ARCHITECTURE.md). Isomorphic: browsers, Node 20+.
 * Responses are parsed with the domain schemas, so a contract drift fails loudly here
 * rather than deep inside a widget.
 */
export function createVaraiClient(options: VaraiClientOptions) {
  const baseUrl = options.baseUrl.replace(/\/+$/, "");
  const doFetch = options.fetch ?? globalThis.fetch.bind(globalThis);

  function headers(extra: Record<string, string> = {}): Record<string, string> {
    const out: Record<string, string> = { ...extra };
    if (options.publishableKey) out["X-VARAi-Key"] = options.publishableKey;
    const token = typeof options.accessToken === "function" ? options.accessToken() : options.accessToken;
    if (token) out.Authorization = `Bearer ${token}`;
    return out;
  }

  async function send(path: string, init: RequestInit): Promise<Response> {
    let response: Response;
    try {
      response = await doFetch(`${baseUrl}${path}`, init);
    } catch (cause) {
      throw new VaraiApiError(0, "NETWORK", cause instanceof Error ? cause.message : "Network error");
    }
    if (!response.ok) throw await toApiError(response);
    return response;
  }

  async function json<S extends z.ZodType>(schema: S, path: string, init: RequestInit): Promise<z.infer<S>> {
    const response = await send(path, init);
    const parsed = schema.safeParse(await response.json().catch(() => undefined));
    if (!parsed.success)
      throw new VaraiApiError(response.status, "INVALID_RESPONSE", `Unexpected response from ${path}`);
    return parsed.data;
  }

  function photoForm(photo: Blob, fields: Record<string, string | undefined>): FormData {
    const form = new FormData();
    for (const [name, value] of Object.entries(fields)) if (value !== undefined) form.append(name, value);
    form.append("photo", photo, "photo");
    return form;
  }

  return {
    /**
     * Landmarks, measurements in mm with uncertainty, and face shape scores for one photo; or,
     * beyond the method's limits, both withheld with a reason. `child`: the children's PD range.
     */
    analyzeFace(
      photo: Blob,
      opts: { consent?: boolean; shopperId?: string; shopperEmail?: string; child?: boolean } = {},
    ): Promise<FaceAnalysis> {
      const form = photoForm(photo, {
        consent: opts.consent ? "true" : undefined,
        shopperId: opts.shopperId,
        // Only a consented analysis keeps anything, the email's hash included: otherwise not sent.
        shopperEmail: opts.consent ? opts.shopperEmail : undefined,
        child: opts.child ? "true" : undefined,
      });
      return json(FaceAnalysisSchema, "/v1/face-analysis", { method: "POST", headers: headers(), body: form });
    },

    /** The rendered try-on image for a photo (or a consented analysis) and a product. */
    async tryOn(input: {
      productId: string;
      photo?: Blob;
      faceAnalysisId?: string;
      format?: TryOnFormat;
    }): Promise<Blob> {
      const form = input.photo ? photoForm(input.photo, { productId: input.productId }) : new FormData();
      if (!input.photo) {
        form.append("productId", input.productId);
        if (input.faceAnalysisId) form.append("faceAnalysisId", input.faceAnalysisId);
      }
      const response = await send("/v1/try-on", {
        method: "POST",
        headers: headers({ Accept: input.format ?? "image/jpeg" }),
        body: form,
      });
      return response.blob();
    },

    recommend(request: Partial<RecommendationRequest>): Promise<RecommendationResponse> {
      return json(RecommendationResponseSchema, "/v1/recommendations", {
        method: "POST",
        headers: headers({ "Content-Type": "application/json" }),
        body: JSON.stringify(request),
      });
    },

    /** `consent`: the widget's consent state; events carrying a shopperId are refused without `true`. */
    sendEvents(events: AnalyticsEventInput[], options: { consent?: boolean } = {}): Promise<EventBatchResult> {
      return json(EventBatchResultSchema, "/v1/events", {
        method: "POST",
        headers: headers({ "Content-Type": "application/json" }),
        body: JSON.stringify({ events, ...(options.consent === undefined ? {} : { consent: options.consent }) }),
      });
    },

    /** GET any JSON resource of the API, parsed with the caller's schema (admin screens). */
    get<S extends z.ZodType>(schema: S, path: string): Promise<z.infer<S>> {
      return json(schema, path, { method: "GET", headers: headers() });
    },

    /** GET a binary resource (e.g. a frame asset PNG) with the client's credentials. */
    async getBlob(path: string): Promise<Blob> {
      return (await send(path, { method: "GET", headers: headers() })).blob();
    },

    /** POST JSON to any resource of the API, parsed with the caller's schema (admin screens). */
    post<S extends z.ZodType>(schema: S, path: string, body: unknown): Promise<z.infer<S>> {
      return json(schema, path, {
        method: "POST",
        headers: headers({ "Content-Type": "application/json" }),
        body: JSON.stringify(body),
      });
    },

    /** PUT JSON (a whole resource, e.g. widget settings), parsed with the caller's schema. */
    put<S extends z.ZodType>(schema: S, path: string, body: unknown): Promise<z.infer<S>> {
      return json(schema, path, {
        method: "PUT",
        headers: headers({ "Content-Type": "application/json" }),
        body: JSON.stringify(body),
      });
    },

    /** PATCH JSON (e.g. a product's frame overrides), parsed with the caller's schema. */
    patch<S extends z.ZodType>(schema: S, path: string, body: unknown): Promise<z.infer<S>> {
      return json(schema, path, {
        method: "PATCH",
        headers: headers({ "Content-Type": "application/json" }),
        body: JSON.stringify(body),
      });
    },

    /** DELETE a resource (e.g. revoke an API key), the answer parsed with the caller's schema. */
    delete<S extends z.ZodType>(schema: S, path: string): Promise<z.infer<S>> {
      return json(schema, path, { method: "DELETE", headers: headers() });
    },
  };
}

export type VaraiClient = ReturnType<typeof createVaraiClient>;

async function toApiError(response: Response): Promise<VaraiApiError> {
  const body = (await response.json().catch(() => null)) as Record<string, unknown> | null;
  const code = typeof body?.code === "string" ? (body.code as ErrorCode) : "INTERNAL";
  const detail = typeof body?.detail === "string" ? body.detail : `HTTP ${response.status}`;
  return new VaraiApiError(response.status, code, detail, body ?? {});
}

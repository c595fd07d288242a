import { type OpenApiFragment, problemResponse } from "@varai/runtime";
import { FramePatchSchema, SyncModeSchema } from "@varai/schema";
import { z } from "zod";
import { CreateConnectionSchema } from "./schemas.ts";

const json = (schema: z.ZodType) => ({
  "application/json": { schema: z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) },
});
const webhook = (summary: string, params: boolean) => ({
  post: {
    summary,
    description:
      "Authenticated by the platform's signature over the raw body, so served ahead of the gateway's " +
      "authentication and per-IP rate limit. A client that sends more than 60 refused signatures in a " +
      "minute is answered 429 for 15 minutes.",
    ...(params
      ? { parameters: [{ name: "connectionId", in: "path", required: true, schema: { type: "string" } }] }
      : {}),
    requestBody: { content: { "application/json": { schema: { type: "object" } } } },
    responses: {
      200: { description: "Accepted, duplicate, stale, ignored or a ping" },
      400: { description: "Missing routing headers or malformed body" },
      401: { description: "No signature or token header, or a bad one" },
      404: { description: "Unknown connection" },
      405: { description: "Not POST" },
      413: { description: "Body over 5 MB" },
      429: { description: "Too many refused signatures from this client (Retry-After)" },
      503: { description: "The event queue is full (Retry-After); the platform retries" },
    },
  },
});

export const catalogOpenApi: OpenApiFragment = {
  paths: {
    "/v1/connections": {
      post: {
        summary: "Connect a store (credentials and webhook secret are encrypted and never returned)",
        requestBody: { required: true, content: json(CreateConnectionSchema) },
        responses: {
          201: { description: "The connection, with its webhook URL" },
          400: problemResponse(
            "Invalid body; `reason: UPSTREAM_REFUSED` when the API base (apiBaseUrl, else storeUrl) is not https or resolves to a loopback, private, link-local or metadata address",
          ),
          409: problemResponse("Store already connected"),
        },
      },
      get: { summary: "List connections", responses: { 200: { description: "Connections" } } },
    },
    "/v1/connections/{id}": {
      get: {
        summary: "A connection with health, webhook stats and last sync",
        responses: { 200: { description: "Connection" }, 404: problemResponse("Not found") },
      },
    },
    "/v1/connections/{id}/sync": {
      post: {
        summary: "Start (or return the active) sync run",
        requestBody: { required: true, content: json(z.object({ mode: SyncModeSchema })) },
        responses: { 202: { description: "The run" }, 404: problemResponse("Not found") },
      },
    },
    "/v1/connections/{id}/sync-runs/{runId}": {
      get: {
        summary: "Sync run status and counts",
        responses: { 200: { description: "Run" }, 404: problemResponse("Not found") },
      },
    },
    "/v1/products": {
      get: {
        summary: "Products, paged by id",
        parameters: [
          { name: "status", in: "query", schema: { type: "string" } },
          { name: "limit", in: "query", schema: { type: "integer", maximum: 100 } },
          { name: "after", in: "query", schema: { type: "string" } },
        ],
        responses: { 200: { description: "{ items, nextCursor }" } },
      },
    },
    "/v1/products/{id}": {
      get: {
        summary: "One product",
        responses: { 200: { description: "Product" }, 404: problemResponse("Not found") },
      },
    },
    "/v1/products/{id}/frame": {
      patch: {
        summary:
          "Merchant overrides of frame attributes (kept across syncs; null clears one). New dimensions re-prepare the try-on asset, whose scale follows the frame width",
        requestBody: { required: true, content: json(FramePatchSchema) },
        responses: {
          200: { description: "Product" },
          400: problemResponse("Invalid patch"),
          404: problemResponse("Not found"),
        },
      },
    },
    "/v1/products/{id}/try-on-asset": {
      post: {
        summary:
          "Prepare the product's try-on asset again from its front image (catalog:write). The status is `pending` " +
          "until it is ready or failed, which the live `assets` topic announces",
        responses: {
          202: { description: "Product, its `tryOn.assetStatus` pending" },
          403: problemResponse("Missing catalog:write"),
          404: problemResponse("Not found"),
        },
      },
    },
    "/webhooks/shopify": webhook("Shopify webhooks (HMAC with the app secret)", false),
    "/webhooks/woocommerce/{connectionId}": webhook("WooCommerce webhooks (HMAC with the connection's secret)", true),
    "/webhooks/magento/{connectionId}": webhook(
      "VARAi Magento module events (X-Varai-Signature: HMAC with the connection's secret; thin, fetched by SKU)",
      true,
    ),
    "/webhooks/bigcommerce": webhook(
      "BigCommerce callbacks (connection found by the body's producer; hook token header, Standard Webhooks signature with a 5 min replay window; thin, fetched)",
      false,
    ),
  },
};

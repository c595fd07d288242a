import { isDeepStrictEqual } from "node:util";
import { problemResponse, type ServiceModule } from "@varai/runtime";
import { ERROR_CODES, FRAME_SHAPES } from "@varai/schema";

type HttpMethod = "get" | "post" | "put" | "patch" | "delete";

/**
 * The public HTTP contract (v1) from ARCHITECTURE.md. Operations no module serves yet are
 * listed under `x-varai-planned` in /openapi.json, so the gap stays visible until it closes.
 */
export const PUBLIC_CONTRACT: ReadonlyArray<{ method: HttpMethod; path: string; who: string }> = [
  { method: "get", path: "/healthz", who: "anyone" },
  { method: "get", path: "/readyz", who: "anyone" },
  { method: "get", path: "/openapi.json", who: "anyone" },
  { method: "post", path: "/v1/auth/login", who: "users" },
  { method: "post", path: "/v1/auth/refresh", who: "users" },
  { method: "get", path: "/v1/me", who: "users" },
  { method: "post", path: "/v1/tenants", who: "platform admin" },
  { method: "get", path: "/v1/tenants/{id}", who: "platform admin / tenant admin" },
  { method: "post", path: "/v1/tenants/{id}/users", who: "tenant admin" },
  { method: "post", path: "/v1/api-keys", who: "tenant admin" },
  { method: "post", path: "/v1/connections", who: "tenant admin" },
  { method: "get", path: "/v1/connections/{id}", who: "tenant admin" },
  { method: "post", path: "/v1/connections/{id}/sync", who: "tenant admin" },
  { method: "get", path: "/v1/connections/{id}/sync-runs/{runId}", who: "tenant admin" },
  { method: "post", path: "/webhooks/shopify", who: "platforms" },
  { method: "post", path: "/webhooks/woocommerce/{connectionId}", who: "platforms" },
  { method: "post", path: "/webhooks/magento/{connectionId}", who: "platforms" },
  { method: "post", path: "/webhooks/bigcommerce", who: "platforms" },
  { method: "get", path: "/bigcommerce/auth", who: "BigCommerce" },
  { method: "get", path: "/bigcommerce/load", who: "BigCommerce" },
  { method: "get", path: "/bigcommerce/uninstall", who: "BigCommerce" },
  { method: "get", path: "/bigcommerce/remove_user", who: "BigCommerce" },
  { method: "get", path: "/v1/products", who: "tenant users" },
  { method: "get", path: "/v1/products/{id}", who: "tenant users" },
  { method: "patch", path: "/v1/products/{id}/frame", who: "tenant users" },
  { method: "post", path: "/v1/face-analysis", who: "storefront key" },
  { method: "post", path: "/v1/try-on", who: "storefront key" },
  { method: "post", path: "/v1/recommendations", who: "storefront key" },
  { method: "post", path: "/v1/events", who: "storefront key" },
  { method: "get", path: "/v1/analytics/summary", who: "tenant users" },
  { method: "post", path: "/v1/privacy/redact", who: "tenant admin, platform webhooks" },
  { method: "post", path: "/v1/privacy/export", who: "tenant admin, platform webhooks" },
  { method: "get", path: "/widget/varai.js", who: "storefronts" },
  { method: "get", path: "/widget/config", who: "storefronts" },
  { method: "get", path: "/demo", who: "anyone" },
];

const pngResponse = {
  description: "PNG image",
  content: { "image/png": { schema: { type: "string", contentMediaType: "image/png" } } },
};

const fileParam = {
  name: "file",
  in: "path",
  required: true,
  schema: { type: "string", pattern: "^[a-z0-9_-]{1,64}\\.png$" },
};

/** The gateway's own operations. */
const GATEWAY_PATHS: Record<string, Record<string, unknown>> = {
  "/healthz": {
    get: {
      summary: "Liveness: the process serves HTTP",
      tags: ["operations"],
      responses: {
        "200": {
          description: "alive",
          content: {
            "application/json": {
              schema: { type: "object", properties: { status: { const: "ok" } }, required: ["status"] },
            },
          },
        },
      },
    },
  },
  "/readyz": {
    get: {
      summary: "Readiness: store, cache, queue, blobs and every service can serve",
      tags: ["operations"],
      responses: {
        "200": {
          description: "ready",
          content: {
            "application/json": {
              schema: {
                type: "object",
                properties: {
                  status: { const: "ok" },
                  checks: { type: "object", additionalProperties: { type: "string" } },
                },
                required: ["status", "checks"],
              },
            },
          },
        },
        "503": problemResponse("not ready; `failed` names the checks that failed"),
      },
    },
  },
  "/openapi.json": {
    get: {
      summary: "This document",
      tags: ["operations"],
      responses: { "200": { description: "OpenAPI 3.1 document", content: { "application/json": {} } } },
    },
  },
  "/demo": {
    get: {
      summary: "Demo storefront: the seeded catalog",
      tags: ["demo"],
      parameters: [
        { name: "shape", in: "query", required: false, schema: { $ref: "#/components/schemas/FrameShape" } },
      ],
      responses: {
        "200": { description: "HTML page", content: { "text/html": {} } },
        "400": problemResponse("invalid query"),
      },
    },
  },
  "/demo/products/{id}": {
    get: {
      summary: "Demo storefront: one frame, with the try-on and fit widget slots",
      tags: ["demo"],
      parameters: [{ name: "id", in: "path", required: true, schema: { type: "string" } }],
      responses: {
        "200": { description: "HTML page", content: { "text/html": {} } },
        "404": problemResponse("no such product"),
      },
    },
  },
  "/demo/images/{file}": {
    get: {
      summary: "Demo product photo",
      tags: ["demo"],
      parameters: [fileParam],
      responses: { "200": pngResponse, "404": problemResponse("no such image") },
    },
  },
  "/demo/assets/{file}": {
    get: {
      summary: "Demo try-on asset: transparent front view at 4 px/mm",
      tags: ["demo"],
      parameters: [fileParam],
      responses: { "200": pngResponse, "404": problemResponse("no such asset") },
    },
  },
};

const BASE_SCHEMAS: Record<string, unknown> = {
  Problem: {
    type: "object",
    description: "RFC 9457 problem details; `code` is stable and safe to switch on.",
    required: ["type", "title", "status", "code", "detail"],
    properties: {
      type: { type: "string", format: "uri" },
      title: { type: "string" },
      status: { type: "integer" },
      code: { type: "string", enum: [...ERROR_CODES] },
      detail: { type: "string" },
      requestId: { type: "string" },
      issues: {
        type: "array",
        items: {
          type: "object",
          properties: { path: { type: "string" }, message: { type: "string" } },
          required: ["path", "message"],
        },
      },
    },
  },
  FrameShape: {
    type: "string",
    enum: [...FRAME_SHAPES],
  },
};

const normalise = (method: string, path: string) => `${method.toUpperCase()} ${path.replace(/\{[^}]+\}/g, "{}")}`;

/**
 * Merges the modules' fragments with the gateway's own paths. Two modules declaring the
 * same operation, or the same schema name differently, is a wiring bug: it throws at start.
 */
export function buildOpenApiDocument(
  modules: readonly ServiceModule[],
  options: { publicBaseUrl: string; version: string },
): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  const owners = new Map<string, string>();
  const schemas: Record<string, unknown> = { ...BASE_SCHEMAS };
  const schemaOwners = new Map<string, string>(Object.keys(BASE_SCHEMAS).map((name) => [name, "gateway"]));

  const addPaths = (owner: string, fragment: Record<string, unknown>) => {
    for (const [path, item] of Object.entries(fragment)) {
      const target = paths[path] ?? {};
      paths[path] = target;
      for (const [method, operation] of Object.entries(item as Record<string, unknown>)) {
        const key = normalise(method, path);
        const previous = owners.get(key);
        if (previous) throw new Error(`OpenAPI: ${key} is declared by both ${previous} and ${owner}`);
        owners.set(key, owner);
        target[method] = operation;
      }
    }
  };

  addPaths("gateway", GATEWAY_PATHS);
  for (const module of modules) {
    if (!module.openapi) continue;
    addPaths(module.name, module.openapi.paths);
    for (const [name, schema] of Object.entries(module.openapi.schemas ?? {})) {
      const previous = schemaOwners.get(name);
      if (previous && !isDeepStrictEqual(schemas[name], schema)) {
        throw new Error(`OpenAPI: schema ${name} is declared differently by ${previous} and ${module.name}`);
      }
      schemaOwners.set(name, previous ?? module.name);
      schemas[name] = schema;
    }
  }

  const planned = PUBLIC_CONTRACT.filter((op) => !owners.has(normalise(op.method, op.path))).map((op) => ({
    method: op.method.toUpperCase(),
    path: op.path,
    who: op.who,
  }));

  return {
    openapi: "3.1.0",
    info: {
      title: "VARAi API",
      version: options.version,
      description:
        "Virtual try-on and fit-aware frame recommendations for eyewear stores. Errors are " +
        "application/problem+json with a stable `code`. Storefront calls send `X-VARAi-Key`; " +
        "admin calls send `Authorization: Bearer <jwt>`.",
    },
    servers: [{ url: options.publicBaseUrl }],
    paths: Object.fromEntries(Object.entries(paths).sort(([a], [b]) => a.localeCompare(b))),
    components: {
      schemas,
      securitySchemes: {
        bearerAuth: { type: "http", scheme: "bearer", bearerFormat: "JWT" },
        storefrontKey: { type: "apiKey", in: "header", name: "X-VARAi-Key" },
        // Browser apps refresh with this HttpOnly cookie instead of a body token (auth's refresh-cookie.ts).
        refreshCookie: { type: "apiKey", in: "cookie", name: "varai_refresh" },
        // VARAi's own platform apps on the installs API only (services/installs).
        appKey: { type: "apiKey", in: "header", name: "X-VARAi-App-Key" },
      },
    },
    "x-varai-planned": planned,
  };
}

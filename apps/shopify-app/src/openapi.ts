import { type OpenApiFragment, problemResponse } from "@varai/runtime";

const html = { description: "HTML", content: { "text/html": {} } };
const json = (description: string) => ({ description, content: { "application/json": {} } });
const bearer = {
  name: "Authorization",
  in: "header",
  required: true,
  description: "Bearer <App Bridge session token>",
  schema: { type: "string" },
};
const unauthenticated = problemResponse(
  "missing or invalid session token (with X-Shopify-Retry-Invalid-Session-Request: 1)",
);
const api = (method: "get" | "post", summary: string, ok: string) => ({
  [method]: {
    summary,
    tags: ["shopify-app"],
    parameters: [bearer],
    responses: { "200": json(ok), "401": unauthenticated, "429": problemResponse("too many refused tokens") },
  },
});

/** The Shopify app's routes for /openapi.json (issue 18's fixed paths). */
export const SHOPIFY_APP_OPENAPI: OpenApiFragment = {
  paths: {
    "/shopify/auth/session-token": {
      get: {
        summary: "Bounce page: App Bridge reloads `shopify-reload` with a fresh id_token",
        tags: ["shopify-app"],
        responses: { "200": html },
      },
    },
    "/shopify/app": {
      get: {
        summary: "The embedded document (App Bridge + the built UI); without a valid id_token, 302 to the bounce page",
        tags: ["shopify-app"],
        responses: { "200": html, "302": { description: "to /shopify/auth/session-token" } },
      },
    },
    "/shopify/api/status": api(
      "get",
      "The shop's tenant, connection health, plan and the app embed deep link",
      "status",
    ),
    "/shopify/api/session": api("post", "A 15 min VARAi tenant-admin token for the embedded UI's /v1 calls", "session"),
    "/shopify/api/billing": api("get", "The plan, the plans and the subscription status", "billing"),
    "/shopify/api/billing/subscribe": api(
      "post",
      "appSubscriptionCreate for a paid plan: { plan } -> { confirmationUrl }",
      "confirmation URL",
    ),
    "/shopify/proxy/{path}": {
      get: {
        summary: "App proxy (storefront /apps/varai/*), signed by Shopify: config, recommendations (paid plan)",
        tags: ["shopify-app"],
        parameters: [{ name: "path", in: "path", required: true, schema: { type: "string" } }],
        responses: {
          "200": json("proxy answer"),
          "401": problemResponse("bad or stale signature"),
          "403": problemResponse("the plan does not include this feature"),
          "404": problemResponse("not installed, or no such route"),
        },
      },
    },
  },
};

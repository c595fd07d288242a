import { type OpenApiFragment, problemResponse } from "@varai/runtime";

const signedPayload = {
  name: "signed_payload_jwt",
  in: "query",
  required: true,
  description:
    "HS256 JWT signed by BigCommerce with the app's client secret; aud = client id, iss = bc, sub = stores/{hash}, exp / nbf checked with 60 s leeway",
  schema: { type: "string" },
};
const html = { description: "The app's view for the control panel iframe", content: { "text/html": {} } };
const notConfigured = problemResponse("BIGCOMMERCE_CLIENT_ID / _SECRET are not set (UNSUPPORTED)");
const badPayload = problemResponse(
  "signed_payload_jwt missing, expired, not yet valid, for another app, or badly signed",
);
const json = (properties: Record<string, unknown>) => ({
  description: "done",
  content: { "application/json": { schema: { type: "object", properties } } },
});

/** The single-click app callbacks BigCommerce calls (bigcommerce/docs `callbacks.mdx`). */
export const BIGCOMMERCE_APP_OPENAPI: OpenApiFragment = {
  paths: {
    "/bigcommerce/auth": {
      get: {
        summary: "BigCommerce install: code exchange, provisioning, storefront script; answers the app view",
        tags: ["bigcommerce-app"],
        parameters: [
          { name: "code", in: "query", required: true, schema: { type: "string" } },
          { name: "scope", in: "query", required: true, schema: { type: "string" } },
          { name: "context", in: "query", required: true, schema: { type: "string", pattern: "^stores/[a-z0-9]+$" } },
          { name: "account_uuid", in: "query", required: false, schema: { type: "string" } },
        ],
        responses: {
          "200": html,
          "400": problemResponse("missing or malformed query"),
          "401": problemResponse("BigCommerce refused the code"),
          "501": notConfigured,
          "502": problemResponse("BigCommerce's answer was not understood"),
          "503": problemResponse("BigCommerce did not answer"),
        },
      },
    },
    "/bigcommerce/load": {
      get: {
        summary: "BigCommerce load: links the user, repairs the storefront script, opens a short-lived session",
        tags: ["bigcommerce-app"],
        parameters: [signedPayload],
        responses: {
          "200": html,
          "401": badPayload,
          "403": problemResponse("the app is not installed on this store"),
          "501": notConfigured,
        },
      },
    },
    "/bigcommerce/uninstall": {
      get: {
        summary: "BigCommerce uninstall: stops every call to the store and deletes its token (a replay is a no-op)",
        tags: ["bigcommerce-app"],
        parameters: [signedPayload],
        responses: {
          "200": json({ status: { const: "uninstalled" }, changed: { type: "boolean" } }),
          "401": badPayload,
          "501": notConfigured,
        },
      },
    },
    "/bigcommerce/remove_user": {
      get: {
        summary: "BigCommerce remove_user: removes that user's access to the store's app",
        tags: ["bigcommerce-app"],
        parameters: [signedPayload],
        responses: {
          "200": json({ status: { const: "removed" }, removed: { type: "boolean" } }),
          "401": badPayload,
          "501": notConfigured,
        },
      },
    },
  },
};

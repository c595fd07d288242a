import { type OpenApiFragment, problemResponse } from "@varai/runtime";
import { InstallInputSchema, InstallViewSchema, OpenInstallSessionSchema } from "@varai/schema";
import { z } from "zod";

const problem = problemResponse();
const json = (schema: z.ZodType) => ({ "application/json": { schema: z.toJSONSchema(schema, { io: "input" }) } });
const store = [
  { name: "platform", in: "path", required: true, schema: { enum: ["shopify", "bigcommerce", "woocommerce"] } },
  {
    name: "storeId",
    in: "path",
    required: true,
    description: "Shopify shop domain, BigCommerce store hash, or the WooCommerce site's host",
    schema: { type: "string" },
  },
];
const app = [{ appKey: [] }];
const view = { description: "The install", content: json(InstallViewSchema) };
const refused = { "401": problem, "403": problem };

/** OpenAPI paths of the installs service. */
export const installsOpenApi: OpenApiFragment = {
  paths: {
    "/v1/installs/{platform}/{storeId}": {
      put: {
        summary:
          "A platform app installed (or re-authenticated) a store: the first call provisions its tenant, connection (first sync started) and publishable key; later calls hand over fresh credentials, and after an uninstall bring the connection back",
        security: app,
        parameters: store,
        requestBody: { required: true, content: json(InstallInputSchema) },
        responses: { "200": view, "400": problem, ...refused, "409": problem },
      },
      get: {
        summary: "The store's install",
        security: app,
        parameters: store,
        responses: { "200": view, ...refused, "404": problem },
      },
      delete: {
        summary:
          "The app was uninstalled: the connection stops calling the store, its credentials are erased and the publishable key revoked (a replay is a no-op)",
        security: app,
        parameters: store,
        responses: { "200": { description: "Uninstalled" }, ...refused, "404": problem },
      },
    },
    "/v1/installs/{platform}/{storeId}/sessions": {
      post: {
        summary:
          "A short-lived access token of the store's tenant for one of its platform users, for the app's admin UI",
        security: app,
        parameters: store,
        requestBody: { content: json(OpenInstallSessionSchema) },
        responses: {
          "201": { description: "accessToken, expiresIn, tenantId" },
          "400": problem,
          ...refused,
          "404": problem,
        },
      },
    },
    "/v1/installs/{platform}/{storeId}/users/{userId}": {
      delete: {
        summary: "A platform user's link removed (BigCommerce remove_user); an unknown user is a no-op",
        security: app,
        parameters: [...store, { name: "userId", in: "path", required: true, schema: { type: "string" } }],
        responses: { "200": { description: "removed: boolean" }, ...refused },
      },
    },
    "/v1/installs/link-codes": {
      post: {
        summary:
          "A one-time code (30 minutes) that joins a store to this tenant when typed into a platform plugin's connect flow",
        security: [{ bearerAuth: [] }],
        responses: { "201": { description: "code, expiresAt" }, ...refused },
      },
    },
  },
};

import { type OpenApiFragment, parseInput, problemResponse } from "@varai/runtime";
import { Router } from "express";
import { z } from "zod";
import {
  CompleteConnectSchema,
  completeConnect,
  receiveKeys,
  StartConnectSchema,
  startConnect,
  type WooConnectContext,
  WooKeysSchema,
} from "./woocommerce-connect.ts";
import { disconnectSite, SITE_TOKEN_HEADER, siteOf, siteStatus } from "./woocommerce-site.ts";

/**
 * `/woocommerce/*`: the routes the WooCommerce plugin and WooCommerce itself call. No VARAi
 * credential: start is open (it only makes a state), the callback is bound to a live state, and
 * the rest to the claim token or the site token.
 */
export function createWooConnectRouter(c: WooConnectContext): Router {
  const router = Router();
  router.post("/woocommerce/auth/start", async (req, res) => {
    res.status(201).json(await startConnect(c, parseInput(StartConnectSchema, req.body)));
  });
  // WooCommerce answers anything but exactly 200 by deleting the key it just made.
  router.post("/woocommerce/auth/callback", async (req, res) => {
    res.status(200).json(await receiveKeys(c, parseInput(WooKeysSchema, req.body)));
  });
  router.post("/woocommerce/auth/complete", async (req, res) => {
    res.status(200).json(await completeConnect(c, parseInput(CompleteConnectSchema, req.body)));
  });
  router.get("/woocommerce/site", async (req, res) => {
    res.json(await siteStatus(c, await siteOf(c, req.header(SITE_TOKEN_HEADER))));
  });
  router.delete("/woocommerce/site", async (req, res) => {
    res.json(await disconnectSite(c, await siteOf(c, req.header(SITE_TOKEN_HEADER))));
  });
  return router;
}

const problem = problemResponse();
const body = (schema: z.ZodType) => ({
  required: true,
  content: { "application/json": { schema: z.toJSONSchema(schema, { io: "input" }) } },
});
const siteToken = [{ name: "X-VARAi-Site-Token", in: "header", required: true, schema: { type: "string" } }];

/** OpenAPI paths of the WooCommerce connect flow. */
export const wooConnectOpenApi: OpenApiFragment = {
  paths: {
    "/woocommerce/auth/start": {
      post: {
        summary:
          "The WooCommerce plugin starts Connect: a one-time state (wc-auth's user_id, 15 minutes) and the claim token that collects the result",
        security: [],
        requestBody: body(StartConnectSchema),
        responses: { "201": { description: "state, claimToken, callbackUrl, expiresAt" }, "400": problem },
      },
    },
    "/woocommerce/auth/callback": {
      post: {
        summary:
          "WooCommerce's application authentication hands over the REST keys (user_id = the state): the store is installed before the 200",
        security: [],
        requestBody: body(WooKeysSchema),
        responses: { "200": { description: "Installed" }, "400": problem, "401": problem, "409": problem },
      },
    },
    "/woocommerce/auth/complete": {
      post: {
        summary: "The plugin collects its connection (publishable key, webhook delivery URL, site token) once",
        security: [],
        requestBody: body(CompleteConnectSchema),
        responses: { "200": { description: "The connection" }, "400": problem, "401": problem, "409": problem },
      },
    },
    "/woocommerce/site": {
      get: {
        summary: "The connected site's status at VARAi",
        security: [],
        parameters: siteToken,
        responses: { "200": { description: "status, connectionId, tenantId" }, "401": problem },
      },
      delete: {
        summary: "The plugin disconnects (or is uninstalled): the store's install is uninstalled",
        security: [],
        parameters: siteToken,
        responses: { "200": { description: "Uninstalled" }, "401": problem },
      },
    },
  },
};

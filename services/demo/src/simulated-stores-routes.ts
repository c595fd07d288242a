import { actingTenant, type OpenApiFragment, parseInput, problemResponse } from "@varai/runtime";
import { AppError } from "@varai/schema";
import { SIMULATED_PLATFORMS } from "@varai/simulator";
import { type Request, type Response, Router } from "express";
import { z } from "zod";
import type { SimulatedStores } from "./simulated-stores.ts";

export const ConnectSimulatedStoreSchema = z.object({ platform: z.enum(SIMULATED_PLATFORMS) }).strict();

/**
 * `GET /v1/demo/capabilities` (what Studio offers) and `POST /v1/demo/simulated-stores`. Without
 * simulated stores (DEMO off) the capability says so and the POST is a 501 problem.
 */
export function createSimulatedStoresRouter(stores: SimulatedStores | null): Router {
  const router = Router();
  const handle =
    (fn: (req: Request, res: Response) => Promise<void>) =>
    (req: Request, res: Response, next: (e?: unknown) => void) =>
      fn(req, res).catch(next);

  router.get("/v1/demo/capabilities", (req, res) => {
    actingTenant(req, res, "connections:read");
    res.json({ simulatedStores: { platforms: stores?.platforms ?? [] } });
  });

  router.post(
    "/v1/demo/simulated-stores",
    handle(async (req, res) => {
      const { tenantId } = actingTenant(req, res, "connections:manage");
      if (!stores)
        throw new AppError("UNSUPPORTED", "Simulated stores are only offered by the default install (DEMO on)");
      const { platform } = parseInput(ConnectSimulatedStoreSchema, req.body);
      res.status(201).json(await stores.connect(tenantId, platform));
    }),
  );
  return router;
}

export const simulatedStoresOpenApi: OpenApiFragment = {
  paths: {
    "/v1/demo/capabilities": {
      get: {
        summary: "What the demo offers this install's Studio (the platforms a simulated store can be connected for)",
        responses: {
          200: {
            description: "`simulatedStores.platforms` is empty unless DEMO is on",
            content: {
              "application/json": {
                schema: {
                  type: "object",
                  properties: {
                    simulatedStores: {
                      type: "object",
                      properties: { platforms: { type: "array", items: { enum: [...SIMULATED_PLATFORMS] } } },
                    },
                  },
                },
              },
            },
          },
          401: problemResponse("Not signed in"),
          403: problemResponse("No connections:read"),
        },
      },
    },
    "/v1/demo/simulated-stores": {
      post: {
        summary:
          "Connect a simulated store (default install only): starts the tenant's platform simulator on 127.0.0.1 " +
          "and connects it like POST /v1/connections, so the backfill, webhook registration and signed webhooks are real",
        requestBody: {
          required: true,
          content: {
            "application/json": {
              schema: z.toJSONSchema(ConnectSimulatedStoreSchema, { io: "input", unrepresentable: "any" }),
            },
          },
        },
        responses: {
          201: { description: "The connection (as POST /v1/connections answers), its first full sync queued" },
          400: problemResponse("Unknown platform"),
          401: problemResponse("Not signed in"),
          403: problemResponse("No connections:manage (a viewer)"),
          409: problemResponse("This tenant's simulated store of that platform is already connected"),
          429: problemResponse("Too many tenants run simulated stores"),
          501: problemResponse("DEMO is off, or the platform's webhook secret is not configured"),
        },
      },
    },
  },
};

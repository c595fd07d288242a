import { APP_KEY_HEADER, type AppKeys, appOfKey } from "@varai/auth";
import { actingTenant, parseInput } from "@varai/runtime";
import { AppError, InstallPlatformSchema, StoreIdSchema } from "@varai/schema";
import { type Request, type Response, Router } from "express";
import { z } from "zod";
import { audited } from "./audited.ts";
import type { InstallContext } from "./install.ts";
import type { InstallsPort, PortFor } from "./port.ts";

const StorePathSchema = z.object({
  platform: InstallPlatformSchema,
  storeId: StoreIdSchema,
  userId: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{1,64}$/)
    .optional(),
});
type StorePath = z.infer<typeof StorePathSchema>;

/**
 * The installs API over HTTP: for VARAi's platform apps (`X-VARAi-App-Key`, each on its own
 * platform's stores only), and the one route for tenant admins that makes a link code.
 */
export function createInstallsRouter(c: InstallContext, appKeys: AppKeys, portFor: PortFor): Router {
  const router = Router();
  const asApp =
    (action: string, run: (port: InstallsPort, p: StorePath, req: Request) => Promise<unknown>, status = 200) =>
    async (req: Request, res: Response) => {
      const path = parseInput(StorePathSchema, req.params, "path");
      const app = appOfKey(appKeys, req.header(APP_KEY_HEADER));
      const requestId = res.locals.requestId as string | undefined;
      if (app !== path.platform) {
        // Refused before any use case: audited as such, then answered.
        await audited(
          c,
          { app, action, platform: path.platform, storeId: path.storeId, ...(requestId ? { requestId } : {}) },
          async () => {
            throw app
              ? new AppError("FORBIDDEN", `The ${app} app cannot manage ${path.platform} stores`)
              : new AppError("UNAUTHENTICATED", `${APP_KEY_HEADER} required: this route is for VARAi's platform apps`);
          },
        );
      }
      res.status(status).json(await run(portFor(path.platform, requestId), path, req));
    };

  router.put(
    "/v1/installs/:platform/:storeId",
    asApp("installs.install", (port, p, req) => port.install(p.storeId, req.body)),
  );
  router.get(
    "/v1/installs/:platform/:storeId",
    asApp("installs.read", async (port, p) => {
      const view = await port.get(p.storeId);
      if (!view) throw new AppError("NOT_FOUND", "This store has not installed the app");
      return view;
    }),
  );
  router.delete(
    "/v1/installs/:platform/:storeId",
    asApp("installs.uninstall", (port, p) => port.uninstall(p.storeId)),
  );
  router.post(
    "/v1/installs/:platform/:storeId/sessions",
    asApp("installs.session", (port, p, req) => port.openSession(p.storeId, req.body ?? {}), 201),
  );
  router.delete(
    "/v1/installs/:platform/:storeId/users/:userId",
    asApp("installs.remove-user", (port, p) => port.removeUser(p.storeId, p.userId as string)),
  );

  // A tenant admin's one-time code (Studio), typed into a plugin's connect flow.
  router.post("/v1/installs/link-codes", async (req, res) => {
    const { tenantId, principal } = actingTenant(req, res, "connections:manage");
    res.status(201).json(await c.linkCodes.create(tenantId, principal.userId));
  });
  return router;
}

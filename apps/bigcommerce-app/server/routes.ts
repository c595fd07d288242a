import { parseInput, sendProblem } from "@varai/runtime";
import { AppError } from "@varai/schema";
import express, { type Request, type Response, Router } from "express";
import { renewAppSession, signAppContext } from "./app-session.ts";
import { frameAncestors, scriptStatus, sendAppView } from "./app-view.ts";
import type { AppContext } from "./context.ts";
import { AuthQuerySchema, installStore } from "./install-store.ts";
import { loadStore } from "./load-store.ts";
import { removeUser } from "./remove-user.ts";
import { uninstallStore } from "./uninstall-store.ts";

type Handler = (req: Request, res: Response) => Promise<void>;

/** Express 5 passes rejections to the error handler; AppErrors become problem+json with their status. */
const handle =
  (fn: Handler) =>
  async (req: Request, res: Response): Promise<void> => {
    try {
      await fn(req, res);
    } catch (error) {
      if (error instanceof AppError) sendProblem(res, error);
      else throw error;
    }
  };

const oneQuery = (req: Request, name: string) => {
  const value = req.query[name];
  return typeof value === "string" ? value : undefined;
};

/**
 * The UI's files. The widget preview page is framed sandboxed (an opaque origin), so its module
 * script is a cross-origin load: public, credential-free files answer any origin. The preview
 * may be framed by the app's own view only.
 */
const staticHeaders = (ancestors: () => string) => (req: Request, res: Response, next: () => void) => {
  res.setHeader("X-Content-Type-Options", "nosniff");
  res.setHeader("Access-Control-Allow-Origin", "*");
  if (req.path === "/preview.html")
    res.setHeader(
      "Content-Security-Policy",
      "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; " +
        `connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'self' ${ancestors()}`,
    );
  next();
};

/** The four callbacks at the public contract's paths, and the built admin UI's assets. */
export function createAppRouter(ctx: () => AppContext, o: { distDir: string; loginBaseUrl: string }): Router {
  const router = Router();

  const view = async (res: Response, r: Awaited<ReturnType<typeof loadStore>>) => {
    const c = ctx();
    const opened = await c.installs.openSession(r.storeHash, { userId: String(r.user.id), email: r.user.email });
    const session = { accessToken: opened.accessToken, expiresIn: opened.expiresIn, tenantId: opened.tenantId };
    const context = await signAppContext(c, r.storeHash, r.user.id);
    sendAppView(
      res,
      {
        session,
        context,
        connectionId: r.install.connectionId,
        storeHash: r.storeHash,
        user: { email: r.user.email },
        publishableKey: r.install.publishableKey,
        script: scriptStatus(r.script),
      },
      { distDir: o.distDir, loginBaseUrl: c.loginBaseUrl },
    );
  };

  router.get(
    "/bigcommerce/auth",
    handle(async (req, res) => {
      const query = parseInput(AuthQuerySchema, req.query, "query");
      await view(res, await installStore(ctx(), query));
    }),
  );
  router.get(
    "/bigcommerce/load",
    handle(async (req, res) => view(res, await loadStore(ctx(), oneQuery(req, "signed_payload_jwt")))),
  );
  router.get(
    "/bigcommerce/uninstall",
    handle(async (req, res) => {
      const r = await uninstallStore(ctx(), oneQuery(req, "signed_payload_jwt"));
      res.setHeader("Cache-Control", "no-store");
      res.json({ status: "uninstalled", changed: r.changed });
    }),
  );
  router.get(
    "/bigcommerce/remove_user",
    handle(async (req, res) => {
      const r = await removeUser(ctx(), oneQuery(req, "signed_payload_jwt"));
      res.setHeader("Cache-Control", "no-store");
      res.json({ status: "removed", removed: r.removed });
    }),
  );
  router.post(
    "/bigcommerce/api/session",
    handle(async (req, res) => {
      const session = await renewAppSession(ctx(), req.get("authorization"));
      res.setHeader("Cache-Control", "no-store");
      res.json(session);
    }),
  );
  const ancestors = () => frameAncestors(o.loginBaseUrl);
  router.use("/bigcommerce/app", staticHeaders(ancestors), express.static(o.distDir, { index: false, maxAge: "1h" }));
  return router;
}

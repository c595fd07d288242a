import type { IncomingMessage } from "node:http";
import { createHttpApp, type HttpAppOptions, noopLogger, type ServiceModule, setPrincipal } from "@varai/runtime";
import type { Principal, Role } from "@varai/schema";
import type { Express } from "express";

/** A signed-in user of `tenantId` with `role` (default tenant admin). */
export const tenantUser = (tenantId: string, role: Role = "tenant_admin"): Principal => ({
  kind: "user",
  userId: "usr_test",
  tenantId,
  role,
  email: "test@varai.local",
});

/** A signed-in admin of `tenantId`, the caller most benchmarks act as. */
export const tenantAdmin = (tenantId: string): Principal => tenantUser(tenantId, "tenant_admin");

/** A storefront's publishable key of `tenantId` (no origin restriction). */
export const storefrontOf = (tenantId: string): Principal => ({
  kind: "storefront",
  tenantId,
  keyId: "key_test",
  origin: null,
});

/**
 * Who a request acts as, from test headers: `x-test-user: <tenant>[:<role>]` or
 * `x-test-storefront: <tenant>`; neither is an anonymous caller.
 */
export function principalFromTestHeaders(req: IncomingMessage): Principal | null {
  const storefront = req.headers["x-test-storefront"];
  if (typeof storefront === "string") return storefrontOf(storefront);
  const user = req.headers["x-test-user"];
  if (typeof user !== "string") return null;
  const [tenantId = "", role = "viewer"] = user.split(":");
  return tenantUser(tenantId, role as Role);
}

export interface TestAppOptions extends Partial<Omit<HttpAppOptions, "modules" | "authenticate">> {
  modules: readonly ServiceModule[];
  /**
   * Who every request acts as: one principal, or one chosen per request (null: anonymous).
   * Default `principalFromTestHeaders`. Real authentication is tested in the auth service and
   * the gateway; service tests need only a caller.
   */
  principal?: Principal | ((req: IncomingMessage) => Principal | null);
}

/** The shared HTTP skeleton (runtime's `createHttpApp`) over `modules`, with a test caller. */
export function createTestApp(options: TestAppOptions): Express {
  const { principal = principalFromTestHeaders, ...rest } = options;
  return createHttpApp({
    logger: noopLogger,
    ...rest,
    authenticate: (req, res, next) => {
      const caller = typeof principal === "function" ? principal(req) : principal;
      if (caller) setPrincipal(res, caller);
      next();
    },
  });
}

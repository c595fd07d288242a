// Test-only helpers: an auth service on in-memory ports behind the shared HTTP app, with
// every log line captured so tests can grep them.
import { randomBytes } from "node:crypto";
import { Writable } from "node:stream";
import {
  createHttpApp,
  createLogger,
  createMemoryCache,
  createPrivacyRegistry,
  type DocumentStore,
  getPrincipal,
  type RateLimiter,
} from "@varai/runtime";
import { createTestRuntime } from "@varai/testkit";
import { type Express, type RequestHandler, Router } from "express";
import request from "supertest";
import { createAuthService } from "./service.ts";
import type { AuthDeps, AuthService, AuthServiceOptions } from "./types.ts";

export interface Harness {
  app: Express;
  auth: AuthService;
  deps: AuthDeps;
  logs: string[];
  now: { value: Date };
  jwtSecret: string;
  bootstrapped: { adminEmail: string; generatedPassword: string | null };
  /**
   * Another process on the same data (its own service and privacy registry), behind the real
   * authentication middleware (and `before`, e.g. its rate limit): what these tests are about.
   */
  anotherProcess(
    options: AuthServiceOptions,
    overrides?: Partial<AuthDeps>,
    before?: (auth: AuthService) => RequestHandler[],
  ): { auth: AuthService; app: Express };
  close(): Promise<void>;
}

export async function createHarness(
  options: AuthServiceOptions = {},
  extra: { rateLimiter?: RateLimiter; store?: DocumentStore } = {},
): Promise<Harness> {
  const logs: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, callback) {
      logs.push(String(chunk));
      callback();
    },
  });
  const logger = createLogger({ level: "debug", destination });
  const now = { value: new Date() };
  const jwtSecret = randomBytes(32).toString("base64");
  const runtime = createTestRuntime({
    // On the test clock, so cached lookups expire when a test moves time on.
    cache: createMemoryCache({ clock: () => now.value }),
    logger,
    clock: () => now.value,
  });
  // A store or limiter passed in belongs to the test, which may hand it to the next harness.
  const deps: AuthDeps = {
    store: extra.store ?? runtime.store,
    cache: runtime.cache,
    rateLimiter: extra.rateLimiter ?? runtime.rateLimiter,
    logger,
    clock: runtime.clock,
    privacy: runtime.privacy,
  };
  const auth = createAuthService(deps, {
    jwtKeys: { keys: { k1: jwtSecret }, current: "k1" },
    adminEmail: "root@varai.test",
    adminPassword: "root-password-123",
    // scrypt at N = 2^15 costs ~0.1-0.5 s on a shared 2-core machine; passwords.test.ts covers the real cost.
    passwordHashing: { N: 2 ** 10, r: 8, p: 1 },
    ...options,
  });
  // A route that shows who the middleware said the caller is.
  const probe = Router().get("/test/principal", (_req, res) => {
    res.json({ principal: getPrincipal(res) ?? null });
  });
  // Stands in for the gateway's request logging, so redaction of headers and bodies is exercised too.
  const requestLog = createHttpApp({
    modules: [auth, { name: "probe", router: probe }],
    logger,
    authenticate: auth.authenticate,
    before: [
      (req, res, next) => {
        res.on("finish", () =>
          logger.info(
            { req: { method: req.method, url: req.path, headers: req.headers }, status: res.statusCode },
            "request",
          ),
        );
        next();
      },
      auth.rateLimit,
      auth.auditTrail,
    ],
  });
  const bootstrapped = await auth.bootstrap();
  return {
    app: requestLog,
    auth,
    deps,
    logs,
    now,
    jwtSecret,
    bootstrapped,
    anotherProcess(options, overrides = {}, before = () => []) {
      const other = createAuthService({ ...deps, privacy: createPrivacyRegistry(), ...overrides }, options);
      const app = createHttpApp({ modules: [other], logger, authenticate: other.authenticate, before: before(other) });
      return { auth: other, app };
    },
    // Closes what the runtime made (not a store or limiter passed in).
    close: () => runtime.close(),
  };
}

export async function loginAs(app: Express, email: string, password: string) {
  const res = await request(app).post("/v1/auth/login").send({ email, password });
  if (res.status !== 200) throw new Error(`login of ${email} failed with ${res.status}: ${res.text}`);
  return res.body as { accessToken: string; refreshToken: string; user: { id: string; tenantId: string } };
}

/** A tenant with an admin signed in, a publishable and a secret key. */
export async function seedTenant(h: Harness, name: string, region: "us" | "eu" = "us") {
  const tenant = await h.auth.provisionTenant({ name, region });
  const email = `admin@${name.toLowerCase()}.test`;
  const password = `${name}-password-123`;
  const { user } = await h.auth.createUser({ tenantId: tenant.id, email, role: "tenant_admin", password });
  const publishable = await h.auth.createApiKey({
    tenantId: tenant.id,
    kind: "publishable",
    allowedOrigins: [`https://${name.toLowerCase()}.example`],
    createdBy: user.id,
  });
  const secret = await h.auth.createApiKey({
    tenantId: tenant.id,
    kind: "secret",
    allowedOrigins: [],
    createdBy: user.id,
  });
  const session = await loginAs(h.app, email, password);
  return { tenant, user, email, password, publishable, secret, token: session.accessToken, session };
}

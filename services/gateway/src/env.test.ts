import path from "node:path";
import { isAppError } from "@varai/schema";
import { describe, expect, it } from "vitest";
import { parseGatewayEnv, REPO_ROOT } from "./env.ts";

function configError(source: Record<string, string>): { message: string; paths: string[] } {
  try {
    parseGatewayEnv(source);
  } catch (error) {
    if (!isAppError(error)) throw error;
    expect(error.code).toBe("INVALID_CONFIG");
    const issues = (error.details?.issues ?? []) as Array<{ path: string }>;
    return { message: error.message, paths: issues.map((i) => i.path) };
  }
  throw new Error("expected the environment to be rejected");
}

const key32 = (fill: number) => Buffer.alloc(32, fill).toString("base64");

describe("gateway env", () => {
  it("reads the Shopify app's variables; the key needs the secret; the app is off without the key", () => {
    expect(parseGatewayEnv({ SHOPIFY_API_SECRET: "s" }).shopifyApp).toBeNull();
    expect(
      parseGatewayEnv({
        SHOPIFY_API_KEY: "k",
        SHOPIFY_API_SECRET: "s",
        SHOPIFY_APP_URL: "https://app.example/",
        SHOPIFY_ADMIN_BASE_URL: "http://127.0.0.1:4000/shopify/",
      }).shopifyApp,
    ).toEqual({
      apiKey: "k",
      apiSecret: "s",
      appUrl: "https://app.example",
      adminBaseUrl: "http://127.0.0.1:4000/shopify",
    });
    expect(parseGatewayEnv({ SHOPIFY_API_KEY: "k", SHOPIFY_API_SECRET: "s" }).shopifyApp?.appUrl).toBeNull();
    expect(configError({ SHOPIFY_API_KEY: "k" }).paths).toContain("SHOPIFY_API_SECRET");
    expect(
      configError({ SHOPIFY_API_KEY: "k", SHOPIFY_API_SECRET: "s", SHOPIFY_ADMIN_BASE_URL: "ftp://x" }).paths,
    ).toContain("SHOPIFY_ADMIN_BASE_URL");
  });

  it("takes the analytics test faults only with NODE_ENV=test", () => {
    expect(parseGatewayEnv({}).testAnalyticsFaults).toBeNull();
    expect(parseGatewayEnv({ NODE_ENV: "test", VARAI_TEST_ANALYTICS_FAULTS: "qfault_" }).testAnalyticsFaults).toBe(
      "qfault_",
    );
    expect(configError({ VARAI_TEST_ANALYTICS_FAULTS: "qfault_" }).message).toMatch(/NODE_ENV=test/);
  });

  it("honours a test clock offset only with NODE_ENV=test, and only forwards", () => {
    expect(parseGatewayEnv({}).testClockOffsetMs).toBe(0);
    expect(parseGatewayEnv({ NODE_ENV: "test", VARAI_TEST_CLOCK_OFFSET_MS: "86400000" }).testClockOffsetMs).toBe(
      86_400_000,
    );
    expect(configError({ VARAI_TEST_CLOCK_OFFSET_MS: "86400000" }).paths).toContain("VARAI_TEST_CLOCK_OFFSET_MS");
    expect(configError({ NODE_ENV: "production", VARAI_TEST_CLOCK_OFFSET_MS: "86400000" }).message).toMatch(
      /NODE_ENV=test/,
    );
    expect(configError({ NODE_ENV: "test", VARAI_TEST_CLOCK_OFFSET_MS: "-1000" }).paths).toContain(
      "VARAI_TEST_CLOCK_OFFSET_MS",
    );
  });

  it("runs on embedded defaults with no configuration at all", () => {
    const env = parseGatewayEnv({});
    expect(env).toMatchObject({
      port: 8080,
      host: "0.0.0.0",
      publicBaseUrl: "http://localhost:8080",
      dataDir: path.join(REPO_ROOT, "data"),
      mongodb: null,
      redisUrl: null,
      logLevel: "info",
      demo: true,
      encryptionKeys: null,
      jwtKeys: null,
      shopify: null,
      bigcommerce: null,
      mlWorkers: null,
      redisKeyPrefix: "varai",
      allowPrivateUpstreams: false,
      shutdownTimeoutMs: 10_000,
    });
  });

  it("reads the shopper hash key and the merchant notification webhook", () => {
    const env = parseGatewayEnv({
      VARAI_HASH_KEY: key32(7),
      VARAI_NOTIFY_WEBHOOK_URL: "https://hooks.example.com/varai",
      VARAI_NOTIFY_WEBHOOK_TOKEN: "a-long-enough-token",
    });
    expect(env.hashKey?.equals(Buffer.alloc(32, 7))).toBe(true);
    expect(env.notifyWebhook).toEqual({ url: "https://hooks.example.com/varai", token: "a-long-enough-token" });
    expect(parseGatewayEnv({})).toMatchObject({ hashKey: null, notifyWebhook: null });
    const { paths, message } = configError({
      VARAI_HASH_KEY: Buffer.alloc(16, 1).toString("base64"),
      VARAI_NOTIFY_WEBHOOK_URL: "ftp://x",
      VARAI_NOTIFY_WEBHOOK_TOKEN: "short",
    });
    expect(paths.sort()).toEqual(["VARAI_HASH_KEY", "VARAI_NOTIFY_WEBHOOK_TOKEN", "VARAI_NOTIFY_WEBHOOK_URL"]);
    expect(message).not.toContain(Buffer.alloc(16, 1).toString("base64"));
  });

  it("reads the Redis key prefix, the private-upstreams opt-in and the shutdown timeout", () => {
    expect(
      parseGatewayEnv({
        REDIS_KEY_PREFIX: "shop-eu:prod",
        VARAI_ALLOW_PRIVATE_UPSTREAMS: "true",
        SHUTDOWN_TIMEOUT_MS: "2500",
      }),
    ).toMatchObject({ redisKeyPrefix: "shop-eu:prod", allowPrivateUpstreams: true, shutdownTimeoutMs: 2500 });
    const { paths } = configError({
      REDIS_KEY_PREFIX: "varai:*",
      VARAI_ALLOW_PRIVATE_UPSTREAMS: "sometimes",
      SHUTDOWN_TIMEOUT_MS: "soon",
    });
    expect(paths.sort()).toEqual(["REDIS_KEY_PREFIX", "SHUTDOWN_TIMEOUT_MS", "VARAI_ALLOW_PRIVATE_UPSTREAMS"]);
    expect(configError({ REDIS_KEY_PREFIX: "varai:" }).paths).toEqual(["REDIS_KEY_PREFIX"]);
    expect(configError({ REDIS_KEY_PREFIX: "{varai}" }).paths).toEqual(["REDIS_KEY_PREFIX"]);
  });

  it("resolves a relative DATA_DIR against the repository root, whatever the working directory", () => {
    expect(parseGatewayEnv({ DATA_DIR: "./tmp/x" }).dataDir).toBe(path.join(REPO_ROOT, "tmp/x"));
    expect(parseGatewayEnv({ DATA_DIR: "/var/lib/varai" }).dataDir).toBe("/var/lib/varai");
  });

  it("treats empty values as unset", () => {
    expect(parseGatewayEnv({ PORT: "", REDIS_URL: "" })).toMatchObject({ port: 8080, redisUrl: null });
  });

  it("reads production settings; the last listed key is the current one", () => {
    const env = parseGatewayEnv({
      PORT: "3000",
      PUBLIC_BASE_URL: "https://varai.example.com/",
      MONGODB_URL: "mongodb+srv://user:pw@cluster.example.net",
      MONGODB_DB: "prod",
      REDIS_URL: "rediss://cache:6380",
      DEMO: "false",
      VARAI_ENCRYPTION_KEYS: `v1:${key32(1)},v2:${key32(2)}`,
      VARAI_JWT_SECRET: "x".repeat(40),
      BIGCOMMERCE_CLIENT_ID: "id",
      BIGCOMMERCE_CLIENT_SECRET: "secret",
      ML_WORKERS: "2",
      FACE_LANDMARKER: "human",
    });
    expect(env.publicBaseUrl).toBe("https://varai.example.com");
    expect(env.mongodb).toEqual({ url: "mongodb+srv://user:pw@cluster.example.net", dbName: "prod" });
    expect(env.redisUrl).toBe("rediss://cache:6380");
    expect(env.demo).toBe(false);
    expect(env.encryptionKeys).toEqual({ keys: { v1: key32(1), v2: key32(2) }, current: "v2" });
    expect(env.jwtKeys?.current).toBe("v1");
    expect(Buffer.from(env.jwtKeys?.keys.v1 ?? "", "base64").toString()).toBe("x".repeat(40));
    expect(env.bigcommerce).toEqual({ clientId: "id", clientSecret: "secret" });
    expect(env.mlWorkers).toBe(2);
    expect(env.faceLandmarker).toBe("human");
    expect(parseGatewayEnv({}).faceLandmarker).toBeNull();
  });

  it("reads rotating JWT keys in the auth service's format, the last listed signing", () => {
    const env = parseGatewayEnv({ VARAI_JWT_KEYS: `k1:${key32(1)}, k2:${key32(2)}` });
    expect(env.jwtKeys).toEqual({ keys: { k1: key32(1), k2: key32(2) }, current: "k2" });
  });

  it("leaves the public base URL to the bound port when PORT is 0", () => {
    expect(parseGatewayEnv({ PORT: "0" }).publicBaseUrl).toBeNull();
  });

  it("lists every malformed value in one error", () => {
    const { message, paths } = configError({
      PORT: "abc",
      MONGODB_URL: "http://db:27017",
      REDIS_URL: "localhost:6379",
      LOG_LEVEL: "loud",
      DEMO: "maybe",
      PUBLIC_BASE_URL: "ftp://x",
      VARAI_ENCRYPTION_KEYS: "v1:short",
      BIGCOMMERCE_CLIENT_ID: "only-the-id",
      ML_WORKERS: "-1",
      FACE_LANDMARKER: "blazeface",
    });
    expect(paths.sort()).toEqual(
      [
        "PORT",
        "MONGODB_URL",
        "REDIS_URL",
        "LOG_LEVEL",
        "DEMO",
        "PUBLIC_BASE_URL",
        "VARAI_ENCRYPTION_KEYS",
        "BIGCOMMERCE_CLIENT_SECRET",
        "ML_WORKERS",
        "FACE_LANDMARKER",
      ].sort(),
    );
    expect(message).toContain("PORT");
    expect(message).toContain("mongodb://");
    expect(message).toContain("redis://");
  });

  it("never echoes a secret value in its error", () => {
    const { message } = configError({
      VARAI_ENCRYPTION_KEYS: "v1:c2VjcmV0LXZhbHVl",
      VARAI_JWT_SECRET: "tooShortSecret",
    });
    expect(message).not.toContain("c2VjcmV0LXZhbHVl");
    expect(message).not.toContain("tooShortSecret");
  });

  it("rejects conflicting or incomplete pairs", () => {
    const { paths } = configError({
      VARAI_JWT_SECRET: "y".repeat(32),
      VARAI_JWT_KEYS: `v1:${key32(3)}`,
      VARAI_ADMIN_PASSWORD: "a-long-enough-password",
      VARAI_ENCRYPTION_KEYS: `v1:${key32(1)},v1:${key32(2)}`,
    });
    expect(paths.sort()).toEqual(["VARAI_ADMIN_EMAIL", "VARAI_ENCRYPTION_KEYS", "VARAI_JWT_KEYS"]);
  });
});

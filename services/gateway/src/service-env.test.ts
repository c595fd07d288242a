import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { parseGatewayEnv } from "./env.ts";
import { parseServiceProcessEnv } from "./service-env.ts";

const key = () => randomBytes(32).toString("base64");
const SECRETS = {
  VARAI_INTERNAL_KEY: key(),
  VARAI_HASH_KEY: key(),
  VARAI_ENCRYPTION_KEYS: `v1:${key()}`,
  VARAI_JWT_KEYS: `v1:${key()}`,
  REDIS_URL: "redis://127.0.0.1:6379",
};

describe("SERVICE_URL_<NAME> (gateway)", () => {
  it("default: none, every service in-process", () => {
    expect(parseGatewayEnv({}).serviceUrls).toEqual({});
  });

  it("takes a URL per service (trailing slash dropped) with the internal key, Redis and the shared secrets", () => {
    const env = parseGatewayEnv({
      ...SECRETS,
      SERVICE_URL_CATALOG: "http://varai-catalog:8080/",
      SERVICE_URL_ML: "http://varai-ml:8080",
    });
    expect(env.serviceUrls).toEqual({ catalog: "http://varai-catalog:8080", ml: "http://varai-ml:8080" });
  });

  it("refuses one without the internal key, Redis or configured secrets, naming what is missing", () => {
    expect(() => parseGatewayEnv({ SERVICE_URL_ML: "http://varai-ml:8080" })).toThrow(
      /VARAI_INTERNAL_KEY.*REDIS_URL[\s\S]*VARAI_ENCRYPTION_KEYS/,
    );
    const { VARAI_HASH_KEY: _, ...noHashKey } = SECRETS;
    expect(() => parseGatewayEnv({ ...noHashKey, SERVICE_URL_ML: "http://varai-ml:8080" })).toThrow(/VARAI_HASH_KEY/);
    expect(() => parseGatewayEnv({ ...SECRETS, SERVICE_URL_INSTALLS: "http://varai-installs:8080" })).toThrow(
      /VARAI_APP_KEYS/,
    );
    expect(() => parseGatewayEnv({ ...SECRETS, SERVICE_URL_ML: "ftp://varai-ml" })).toThrow(/SERVICE_URL_ML/);
  });
});

describe("a service process's configuration", () => {
  const base = { ...SECRETS, PUBLIC_BASE_URL: "https://api.varai.example" };

  it("runs a role with the shared configuration; the demo off and SERVICE_URL_* ignored", () => {
    const { role, env } = parseServiceProcessEnv("catalog-workers", {
      ...base,
      SERVICE_URL_CATALOG: "http://elsewhere:8080",
      DEMO: "true",
    });
    expect(role).toBe("catalog-workers");
    expect(env.demo).toBe(false);
    expect(env.serviceUrls).toEqual({});
    expect(env.publicBaseUrl).toBe("https://api.varai.example");
  });

  it("refuses an unknown role and missing secrets, every problem at once, never echoing a value", () => {
    let message = "";
    try {
      parseServiceProcessEnv("billing", { REDIS_URL: "redis://x:6379", VARAI_HASH_KEY: "c2hvcnQ=" });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain("VARAI_SERVICE: expected one of auth, catalog, catalog-intake");
    for (const name of ["VARAI_INTERNAL_KEY", "PUBLIC_BASE_URL", "VARAI_ENCRYPTION_KEYS", "VARAI_JWT_KEYS"])
      expect(message).toContain(name);
    expect(message).toContain("VARAI_HASH_KEY: must be at least 32 bytes");
    expect(message).not.toContain("c2hvcnQ=");
    expect(() => parseServiceProcessEnv("installs", base)).toThrow(/VARAI_APP_KEYS: required/);
  });
});

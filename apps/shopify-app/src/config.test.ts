import { isAppError } from "@varai/schema";
import { describe, expect, it } from "vitest";
import { adminBase, normalizeShop, parseShopifyAppConfig } from "./config.ts";
import { parseStandaloneEnv } from "./standalone-env.ts";

describe("configuration", () => {
  it("is off without key and secret, and SHOPIFY_ADMIN_BASE_URL replaces https://{shop}", () => {
    expect(parseShopifyAppConfig({})).toBeNull();
    const config = parseShopifyAppConfig({
      SHOPIFY_API_KEY: "k",
      SHOPIFY_API_SECRET: "s",
      SHOPIFY_APP_URL: "https://app.example/",
    })!;
    expect(config).toMatchObject({ appUrl: "https://app.example", adminBaseUrl: null, apiVersion: "2026-10" });
    expect(adminBase(config, "a.myshopify.com")).toBe("https://a.myshopify.com");
    const simulated = { ...config, adminBaseUrl: "http://127.0.0.1:9/shopify" };
    expect(adminBase(simulated, "a.myshopify.com")).toBe("http://127.0.0.1:9/shopify");
  });

  it("lists every problem at once", () => {
    try {
      parseShopifyAppConfig({ SHOPIFY_API_KEY: "k", SHOPIFY_APP_URL: "nope" });
      throw new Error("expected a refusal");
    } catch (error) {
      expect(isAppError(error) && error.code).toBe("INVALID_CONFIG");
      expect((error as Error).message).toMatch(/SHOPIFY_API_SECRET[\s\S]*SHOPIFY_APP_URL/);
    }
  });

  it("accepts only permanent myshopify.com domains as shops", () => {
    expect(normalizeShop("Shop-1.MyShopify.com")).toBe("shop-1.myshopify.com");
    for (const bad of ["evil.com", "a.myshopify.com.evil.com", "-a.myshopify.com", "a.myshopify.com/x", 3, null]) {
      expect(normalizeShop(bad)).toBeNull();
    }
  });

  it("the app alone needs the VARAi API, its app key and encryption keys", () => {
    const env = parseStandaloneEnv({
      SHOPIFY_API_KEY: "k",
      SHOPIFY_API_SECRET: "s",
      VARAI_API_URL: "https://api.varai.example/",
      VARAI_APP_KEY: `vak_shopify_${"a".repeat(43)}`,
      VARAI_ENCRYPTION_KEYS: `v1:${Buffer.alloc(32, 1).toString("base64")}`,
    });
    expect(env).toMatchObject({
      port: 8081,
      apiUrl: "https://api.varai.example",
      shopify: { appUrl: "https://api.varai.example" },
    });
    expect(() => parseStandaloneEnv({ SHOPIFY_API_KEY: "k", SHOPIFY_API_SECRET: "s" })).toThrow(/VARAI_API_URL/);
  });
});

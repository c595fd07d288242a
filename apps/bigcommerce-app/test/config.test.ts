import { parseGatewayEnv } from "@varai/gateway";
import { describe, expect, it } from "vitest";

describe("BIGCOMMERCE_LOGIN_BASE_URL / BIGCOMMERCE_API_BASE_URL", () => {
  it("default to BigCommerce's hosts", () => {
    expect(parseGatewayEnv({}).bigcommerceHosts).toEqual({
      loginBaseUrl: "https://login.bigcommerce.com",
      apiBaseUrl: "https://api.bigcommerce.com",
    });
  });

  it("take a simulator or proxy (trailing slash dropped)", () => {
    const env = parseGatewayEnv({
      BIGCOMMERCE_LOGIN_BASE_URL: "http://127.0.0.1:4100/bigcommerce/",
      BIGCOMMERCE_API_BASE_URL: "https://bc-proxy.example.com",
    });
    expect(env.bigcommerceHosts).toEqual({
      loginBaseUrl: "http://127.0.0.1:4100/bigcommerce",
      apiBaseUrl: "https://bc-proxy.example.com",
    });
  });

  it("refuse what is not an http(s) URL, naming the variable", () => {
    expect(() => parseGatewayEnv({ BIGCOMMERCE_LOGIN_BASE_URL: "ftp://x", BIGCOMMERCE_API_BASE_URL: "nope" })).toThrow(
      /BIGCOMMERCE_LOGIN_BASE_URL[\s\S]*BIGCOMMERCE_API_BASE_URL|BIGCOMMERCE_API_BASE_URL[\s\S]*BIGCOMMERCE_LOGIN_BASE_URL/,
    );
  });
});

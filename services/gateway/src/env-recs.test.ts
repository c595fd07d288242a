import { describe, expect, it } from "vitest";
import { parseGatewayEnv } from "./env.ts";

const KEY = Buffer.alloc(32, 7).toString("base64");

describe("RECS_URL_US / RECS_URL_EU", () => {
  it("default: unset, recommendations in-process", () => {
    expect(parseGatewayEnv({}).recsUrls).toBeNull();
  });

  it("take the two regional URLs (trailing slash dropped) with VARAI_INTERNAL_KEY", () => {
    const env = parseGatewayEnv({ RECS_URL_US: "https://recs-us.internal/", VARAI_INTERNAL_KEY: KEY });
    expect(env.recsUrls).toEqual({ us: "https://recs-us.internal", eu: null });
    expect(env.internalKey?.length).toBe(32);
  });

  it("refuse a URL without the internal key, a short key and a non-http URL, all at once", () => {
    expect(() => parseGatewayEnv({ RECS_URL_EU: "https://recs-eu.internal" })).toThrow(/VARAI_INTERNAL_KEY/);
    let message = "";
    try {
      parseGatewayEnv({ RECS_URL_US: "ftp://x", VARAI_INTERNAL_KEY: "c2hvcnQ=" });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain("RECS_URL_US");
    expect(message).toContain("VARAI_INTERNAL_KEY: must be at least 32 bytes");
  });
});

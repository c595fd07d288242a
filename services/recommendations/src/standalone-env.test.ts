import { describe, expect, it } from "vitest";
import { parseRecsProcessEnv } from "./standalone-env.ts";

const KEY = Buffer.alloc(32, 3).toString("base64");

describe("ml-datadriven-recos environment", () => {
  it("needs its region and the internal key; the rest defaults to the embedded install", () => {
    const env = parseRecsProcessEnv({ VARAI_REGION: "eu", VARAI_INTERNAL_KEY: KEY });
    expect(env).toMatchObject({ region: "eu", port: 8080, mongodb: null, redisUrl: null, redisKeyPrefix: "varai" });
    expect(env.internalKey.length).toBe(32);
  });

  it("lists every problem at once", () => {
    expect(() => parseRecsProcessEnv({ VARAI_REGION: "mars", REDIS_URL: "http://x" })).toThrow(
      /VARAI_REGION[\s\S]*VARAI_INTERNAL_KEY[\s\S]*REDIS_URL/,
    );
  });
});

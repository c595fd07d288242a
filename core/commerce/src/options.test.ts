import { isAppError } from "@varai/schema";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { parseAdapterOptions } from "./options.ts";

const Schema = z.object({ storeUrl: z.string().url(), token: z.string().min(1), pageSize: z.number().default(50) });

describe("parseAdapterOptions", () => {
  it("returns the parsed options with defaults applied", () => {
    expect(parseAdapterOptions(Schema, { storeUrl: "https://shop.example", token: "t" }, "Test")).toEqual({
      storeUrl: "https://shop.example",
      token: "t",
      pageSize: 50,
    });
  });

  it("lists every problem at once as INVALID_CONFIG", () => {
    let thrown: unknown;
    try {
      parseAdapterOptions(Schema, { storeUrl: "nope", token: "" }, "Test");
    } catch (error) {
      thrown = error;
    }
    expect(isAppError(thrown) && thrown.code).toBe("INVALID_CONFIG");
    const message = (thrown as Error).message;
    expect(message).toMatch(/^Test adapter options: /);
    expect(message).toContain("storeUrl:");
    expect(message).toContain("token:");
  });
});

import { describe, expect, it } from "vitest";
import {
  DEFAULT_WIDGET_CONFIG,
  parseAttributes,
  RecommendationsAttributesSchema,
  TryOnAttributesSchema,
  WidgetConfigSchema,
} from "./config.ts";

const attrs = (values: Record<string, string>) => (name: string) => values[name] ?? null;

describe("widget config", () => {
  it("gives a complete config for an empty object", () => {
    expect(WidgetConfigSchema.parse({})).toEqual(DEFAULT_WIDGET_CONFIG);
    expect(DEFAULT_WIDGET_CONFIG.features.liveTryOn).toBe(true);
  });

  it("refuses theme values that could break out of a CSS declaration", () => {
    expect(WidgetConfigSchema.safeParse({ theme: { primary: "red;} body{display:none" } }).success).toBe(false);
    expect(WidgetConfigSchema.parse({ theme: { primary: "#ff0066" } }).theme.primary).toBe("#ff0066");
  });
});

describe("parseAttributes", () => {
  it("parses the try-on attributes, splitting the product list", () => {
    const { value, problems } = parseAttributes(
      TryOnAttributesSchema,
      attrs({ "product-id": "prd_1", products: "prd_1, prd_2,,prd_3", mode: "live", inline: "" }),
    );
    expect(problems).toEqual([]);
    expect(value).toMatchObject({
      "product-id": "prd_1",
      products: ["prd_1", "prd_2", "prd_3"],
      mode: "live",
      inline: true,
    });
  });

  it("drops a bad attribute, keeps the good ones and reports the bad one", () => {
    const { value, problems } = parseAttributes(
      TryOnAttributesSchema,
      attrs({ "product-id": "prd_1", mode: "hologram", products: "a b" }),
    );
    expect(value["product-id"]).toBe("prd_1");
    expect(value.mode).toBe("photo");
    expect(value.products).toBeUndefined();
    expect(problems.sort()).toEqual(["invalid attribute mode", "invalid attribute products"]);
  });

  it("coerces numeric attributes and enforces their range", () => {
    expect(parseAttributes(RecommendationsAttributesSchema, attrs({ limit: "4" })).value.limit).toBe(4);
    expect(parseAttributes(RecommendationsAttributesSchema, attrs({ limit: "999" })).value.limit).toBeUndefined();
  });
});

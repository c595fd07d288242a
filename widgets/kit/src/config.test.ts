import { describe, expect, it } from "vitest";
import {
  DEFAULT_WIDGET_CONFIG,
  parseAttributes,
  RecommendationsAttributesSchema,
  ShopperAttributesSchema,
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

describe("shopper attributes", () => {
  it("reads the storefront's logged-in customer, and treats a guest's empty id as anonymous", () => {
    const read = (values: Record<string, string>) => parseAttributes(ShopperAttributesSchema, attrs(values)).value;
    expect(read({ "shopper-id": " 191167 ", "shopper-email": "jo@example.test" })).toEqual({
      "shopper-id": "191167",
      "shopper-email": "jo@example.test",
    });
    expect(read({ "shopper-id": "gid://shopify/Customer/191167" })["shopper-id"]).toBe("gid://shopify/Customer/191167");
    // Liquid renders `{{ customer.id }}` as nothing for a guest; WordPress's user id is 0.
    expect(read({ "shopper-id": "", "shopper-email": "" })).toEqual({});
    expect(read({ "shopper-id": "0" })["shopper-id"]).toBeUndefined();
    // A malformed email is dropped, the id kept.
    const { value, problems } = parseAttributes(
      ShopperAttributesSchema,
      attrs({ "shopper-id": "7", "shopper-email": "not-an-email" }),
    );
    expect(value).toEqual({ "shopper-id": "7" });
    expect(problems).toEqual(["invalid attribute shopper-email"]);
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

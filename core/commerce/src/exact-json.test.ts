import { describe, expect, it } from "vitest";
import { createExactJsonParser } from "./exact-json.ts";

describe("createExactJsonParser", () => {
  const parse = createExactJsonParser(["price"]);

  it("keeps a 64-bit id exact, as a string", () => {
    expect(parse('{"id": 788032119674292922, "n": 5}')).toEqual({ id: "788032119674292922", n: 5 });
  });

  it("keeps prices as their decimal text and other numbers as numbers", () => {
    expect(parse('{"price": 129.90, "weight": 0.25}')).toEqual({ price: "129.90", weight: 0.25 });
  });

  it("does not touch digits inside string values (falls back to the lossless parser)", () => {
    const text = '{"note": "order 788032119674292922, \\"price\\": 12.50", "id": 788032119674292923}';
    expect(parse(text)).toEqual({ note: 'order 788032119674292922, "price": 12.50', id: "788032119674292923" });
  });

  it("without money keys parses prices as numbers", () => {
    expect(createExactJsonParser()('{"price": 12.5}')).toEqual({ price: 12.5 });
  });
});

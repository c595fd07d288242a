import { ProductSchema } from "@varai/schema";
import { describe, expect, it } from "vitest";
import { toWidgetProduct } from "./products.ts";

const base = ProductSchema.parse({
  id: "prd_1",
  tenantId: "ten_1",
  source: { platform: "demo", connectionId: "demo", externalId: "1", externalUpdatedAt: "2026-01-01T00:00:00.000Z" },
  title: "Aviator",
  status: "active",
  createdAt: "2026-01-01T00:00:00.000Z",
  updatedAt: "2026-01-01T00:00:00.000Z",
});

describe("toWidgetProduct", () => {
  it("hands live mode the ready try-on asset with its geometry", () => {
    const product = toWidgetProduct({
      ...base,
      tryOn: {
        assetStatus: "ready",
        assetId: "ast_x/1",
        assetWidthPx: 560,
        assetHeightPx: 200,
        lensCentersPx: [
          { x: 150, y: 100 },
          { x: 410, y: 100 },
        ],
        frameWidthMm: 140,
      },
    });
    expect(product.asset).toEqual({
      path: "/v1/frame-assets/ast_x%2F1",
      widthPx: 560,
      heightPx: 200,
      lensCentersPx: [
        { x: 150, y: 100 },
        { x: 410, y: 100 },
      ],
      frameWidthMm: 140,
    });
  });

  it("gives no asset while it is pending or incomplete", () => {
    expect(toWidgetProduct({ ...base, tryOn: { assetStatus: "pending" } }).asset).toBeNull();
    expect(toWidgetProduct({ ...base, tryOn: { assetStatus: "ready", assetId: "a" } }).asset).toBeNull();
  });
});

import { describe, expect, it } from "vitest";
import {
  AppError,
  FaceMeasurementsSchema,
  isAppError,
  newId,
  ProductSchema,
  ROLE_PERMISSIONS,
  roleHasPermission,
  toAppError,
} from "./index.ts";

const now = "2026-01-01T00:00:00.000Z";
const product = {
  id: "prd_abc",
  tenantId: "ten_abc",
  source: { platform: "shopify", connectionId: "con_1", externalId: "788032119674292922", externalUpdatedAt: now },
  title: "Aviator",
  status: "active",
  createdAt: now,
  updatedAt: now,
};

describe("ProductSchema", () => {
  it("fills defaults for a minimal product", () => {
    const parsed = ProductSchema.parse(product);
    expect(parsed.tryOn.assetStatus).toBe("none");
    expect(parsed.frame.dimensions).toEqual({});
    expect(parsed.merchandising).toEqual({ pinned: false, boost: 1 });
  });

  it("refuses an external id given as a JS number", () => {
    const result = ProductSchema.safeParse({
      ...product,
      source: { ...product.source, externalId: Number("788032119674292922") },
    });
    expect(result.success).toBe(false);
  });

  it("refuses a price that is a float rather than a decimal string", () => {
    const result = ProductSchema.safeParse({
      ...product,
      variants: [{ externalId: "1", price: { amount: 12.5, currency: "USD" } }],
    });
    expect(result.success).toBe(false);
  });

  it("refuses frame dimensions outside physical ranges", () => {
    const result = ProductSchema.safeParse({ ...product, frame: { dimensions: { frameWidthMm: 400 } } });
    expect(result.success).toBe(false);
  });
});

describe("FaceMeasurementsSchema", () => {
  it("rejects a PD of 200 mm and names the field", () => {
    const result = FaceMeasurementsSchema.safeParse({ pupillaryDistanceMm: 200, faceWidthMm: 140 });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(["pupillaryDistanceMm"]);
  });
});

describe("roles", () => {
  it("gives tenant admins everything but creating tenants", () => {
    expect(roleHasPermission("tenant_admin", "api-keys:manage")).toBe(true);
    expect(roleHasPermission("tenant_admin", "tenants:create")).toBe(false);
  });

  it("keeps viewers read-only", () => {
    expect(ROLE_PERMISSIONS.viewer.every((p) => p.endsWith(":read"))).toBe(true);
  });
});

describe("ids and errors", () => {
  it("makes prefixed ids that do not repeat", () => {
    const ids = new Set(Array.from({ length: 1000 }, () => newId("product")));
    expect(ids.size).toBe(1000);
    expect([...ids][0]).toMatch(/^prd_[a-z0-9]{16}$/);
  });

  it("hides the message of an unknown thrown value", () => {
    const error = toAppError(new TypeError("secret detail"));
    expect(error.code).toBe("INTERNAL");
    expect(error.expose).toBe(false);
    expect(isAppError(new AppError("NOT_FOUND", "x"))).toBe(true);
  });
});

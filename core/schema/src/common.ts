import { z } from "zod";

/** ISO-8601 UTC timestamps, always with `Z`, so that string order is time order. */
export const IsoDateTimeSchema = z.iso.datetime({ offset: false });
export type IsoDateTime = z.infer<typeof IsoDateTimeSchema>;

/** Money as a decimal string: prices never pass through a float. */
export const MoneySchema = z.object({
  amount: z.string().regex(/^-?\d+(\.\d+)?$/, "amount must be a decimal string"),
  currency: z.string().regex(/^[A-Z]{3}$/, "currency must be an ISO-4217 code"),
});
export type Money = z.infer<typeof MoneySchema>;

export const REGIONS = ["us", "eu"] as const;
export const RegionSchema = z.enum(REGIONS);
export type Region = z.infer<typeof RegionSchema>;

export const PLATFORMS = ["shopify", "woocommerce", "magento", "bigcommerce"] as const;
export const PlatformSchema = z.enum(PLATFORMS);
export type Platform = z.infer<typeof PlatformSchema>;

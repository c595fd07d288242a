import { AppError, FRAME_FIELDS } from "@varai/schema";
import { z } from "zod";

/**
 * An adapter factory's options checked against its schema, every problem listed at once
 * (Shopify's `validateConfig`): INVALID_CONFIG `"<Platform> adapter options: path: message; ..."`.
 */
export function parseAdapterOptions<S extends z.ZodType>(
  schema: S,
  options: unknown,
  platformName: string,
): z.output<S> {
  const parsed = schema.safeParse(options);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
  throw new AppError("INVALID_CONFIG", `${platformName} adapter options: ${problems.join("; ")}`);
}

/** A store's currency option: ISO 4217, USD unless the store says otherwise (getStoreInfo). */
export const StoreCurrencyOptionSchema = z
  .string()
  .regex(/^[A-Z]{3}$/)
  .default("USD");

/** A connection's own names for frame facts (see frame-attributes.ts). */
export const FrameAttributeNamesOptionSchema = z.record(z.string(), z.enum(FRAME_FIELDS)).optional();

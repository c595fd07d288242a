import { err, ok, type Result } from "@varai/schema";
import type { z } from "zod";
import type { TransformFailure } from "./adapter.ts";

/**
 * A platform's product checked against the adapter's schema of it, the first step of every
 * transform. A failure names the product by its id when the payload has one at all, so the
 * sync can report which product it skipped.
 */
export function parsePlatformProduct<S extends z.ZodType>(
  schema: S,
  raw: unknown,
): Result<z.output<S>, TransformFailure> {
  const parsed = schema.safeParse(raw);
  if (parsed.success) return ok(parsed.data);
  const rawId = (raw as { id?: unknown } | null)?.id;
  const externalId = rawId === undefined || rawId === null ? null : String(rawId);
  const issue = parsed.error.issues[0];
  return err({ externalId, message: `${issue?.path.join(".")}: ${issue?.message}` });
}

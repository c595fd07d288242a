import { AppError } from "@varai/schema";
import type { z } from "zod";

/**
 * Parses a deployable's environment once, at start. Every problem is listed at once, so
 * an operator fixes a bad configuration in one round. Libraries never call this: only a
 * deployable's `env.ts` does, and passes typed options down.
 */
export function parseEnv<S extends z.ZodType>(schema: S, source: Record<string, string | undefined>): z.infer<S> {
  const result = schema.safeParse(source);
  if (result.success) return result.data;
  const lines = result.error.issues.map((issue) => `  - ${issue.path.join(".") || "(root)"}: ${issue.message}`);
  throw new AppError("INVALID_CONFIG", `Invalid configuration:\n${lines.join("\n")}`, {
    details: { issues: result.error.issues.map((i) => ({ path: i.path.join("."), message: i.message })) },
  });
}

import { IsoDateTimeSchema } from "@varai/schema";
import { z } from "zod";

// Inputs of this service's routes that no other package needs (tenant, user, key and privacy
// inputs are in @varai/schema, shared with Studio).

export const LoginInputSchema = z
  .object({ email: z.string().trim().max(320), password: z.string().min(1).max(1024) })
  .strict();
// Optional: a browser sends the token as the HttpOnly cookie instead (refresh-cookie.ts).
export const RefreshInputSchema = z.object({ refreshToken: z.string().min(1).max(512).optional() }).strict();
export const UserParamsSchema = z.object({
  id: z.string(),
  userId: z.string().regex(/^usr_[a-z0-9]{16}$/, "not a user id"),
});
export const AuditQuerySchema = z
  .object({
    limit: z.coerce.number().int().min(1).max(200).default(50),
    before: IsoDateTimeSchema.optional(),
  })
  .strict();
export const ExportParamsSchema = z.object({ id: z.string().regex(/^pex_[a-z0-9]{16}$/, "not a privacy export id") });

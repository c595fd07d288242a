import { PRODUCT_STATUSES } from "@varai/schema";
import { z } from "zod";

// `POST /v1/connections` validates with `CreateConnectionSchema` from @varai/schema (Studio's form uses it too).
export { CreateConnectionSchema } from "@varai/schema";

export const ProductListQuerySchema = z
  .object({
    status: z.enum(PRODUCT_STATUSES).optional(),
    limit: z.coerce.number().int().min(1).max(100).default(25),
    after: z.string().max(128).optional(),
  })
  .strict();

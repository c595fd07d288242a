import { getPrincipal, type PrivacyRegistry, parseInput } from "@varai/runtime";
import { AppError } from "@varai/schema";
import { Router } from "express";
import { z } from "zod";

const SubjectSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("shopper"), tenantId: z.string().min(1).max(64), shopperId: z.string().min(1).max(512) }),
  z.object({ kind: z.literal("tenant"), tenantId: z.string().min(1).max(64) }),
]);
const BodySchema = z.object({ subject: SubjectSchema });

/**
 * Privacy in a regional deployment: the shopper data this region's store holds (recommendation
 * history) is exported and erased here, on the gateway's signed call, when a merchant or a
 * platform asks the gateway (`POST /v1/privacy/export|redact`, the platforms' redaction webhooks).
 * Never routed from outside: the gateway forwards only `/v1/recommendations*`. Only a `platform`
 * principal of the subject's own tenant and of this region is accepted.
 */
export function createInternalPrivacyRouter(privacy: PrivacyRegistry, region: string): Router {
  const router = Router();
  router.post("/internal/privacy/:action", async (req, res) => {
    const action = req.params.action;
    if (action !== "export" && action !== "erase") throw new AppError("NOT_FOUND", "Not found");
    const principal = getPrincipal(res);
    if (principal?.kind !== "platform" || principal.source !== "privacy")
      throw new AppError("UNAUTHENTICATED", "A signed privacy call from the gateway is required");
    if (res.locals.tenantRegion !== region)
      throw new AppError(
        "FORBIDDEN",
        `This deployment serves region ${region}, not ${String(res.locals.tenantRegion)}`,
      );
    const { subject } = parseInput(BodySchema, req.body);
    if (subject.tenantId !== principal.tenantId) throw new AppError("FORBIDDEN", "Subject of another tenant");
    const participants = privacy.participants();
    if (action === "export") {
      const items: Record<string, Record<string, unknown>[]> = {};
      for (const participant of participants) items[participant.name] = await participant.export(subject);
      res.json({ items });
      return;
    }
    let removed = 0;
    for (const participant of participants.filter((p) => !p.eraseLast)) removed += await participant.erase(subject);
    for (const participant of participants.filter((p) => p.eraseLast)) removed += await participant.erase(subject);
    res.json({ removed });
  });
  return router;
}

import type { Logger, PrivacyRegistry, PrivacySubject } from "@varai/runtime";
import { AppError } from "@varai/schema";
import { z } from "zod";

export const PrivacyRequestSchema = z.union([
  z.object({ scope: z.literal("tenant") }).strict(),
  z
    .object({
      shopperId: z.string().trim().min(1).max(128).optional(),
      email: z.string().trim().toLowerCase().email().max(320).optional(),
    })
    .strict()
    .refine((v) => v.shopperId !== undefined || v.email !== undefined, "shopperId or email is required"),
]);
export type PrivacyRequest = z.infer<typeof PrivacyRequestSchema>;

export function toSubject(tenantId: string, request: PrivacyRequest): PrivacySubject {
  if ("scope" in request) return { kind: "tenant", tenantId };
  return {
    kind: "shopper",
    tenantId,
    ...(request.shopperId ? { shopperId: request.shopperId } : {}),
    ...(request.email ? { email: request.email } : {}),
  };
}

export interface PrivacyExport {
  subject: PrivacySubject;
  /** Participant name -> what it holds. */
  data: Record<string, Record<string, unknown>[]>;
}

export interface PrivacyRedaction {
  subject: PrivacySubject;
  /** Participant name -> items erased by this call (0 on a repeat: erasure is idempotent). */
  erased: Record<string, number>;
}

/**
 * Walks every registered participant. One failing participant does not stop the others; the
 * call then fails as a whole (503) so the caller retries, which is safe because every
 * participant's erase is idempotent.
 */
export async function walkParticipants<T>(
  registry: PrivacyRegistry,
  logger: Logger,
  action: "export" | "erase",
  subject: PrivacySubject,
): Promise<Record<string, T>> {
  const results: Record<string, T> = {};
  const failed: string[] = [];
  for (const participant of registry.participants()) {
    try {
      results[participant.name] = (await participant[action](subject)) as T;
    } catch (error) {
      failed.push(participant.name);
      logger.error(
        { err: error, participant: participant.name, action, tenantId: subject.tenantId },
        "privacy step failed",
      );
    }
  }
  if (failed.length > 0) {
    throw new AppError("UPSTREAM_UNAVAILABLE", `Privacy ${action} incomplete (${failed.join(", ")}); retry`, {
      details: { failedParticipants: failed },
    });
  }
  return results;
}

import { z } from "zod";

/**
 * Retention and consent: the rules every service that stores shopper data applies, kept here
 * once (README, "Privacy", says why each period and basis was chosen).
 *
 * Retention is per tenant, within bounds: face data (consented analyses, their photos and
 * renders, and anything derived from them such as the face profile kept with a recommendation)
 * 1-30 days; analytics events with their session records, and recommendation history, 1-400 days.
 */
export const RETENTION_BOUNDS = {
  faceDataDays: { min: 1, max: 30, default: 7 },
  eventDays: { min: 1, max: 400, default: 90 },
  historyDays: { min: 1, max: 400, default: 90 },
} as const;

const days = (bounds: { min: number; max: number }) => z.number().int().min(bounds.min).max(bounds.max);

export const RetentionSettingsSchema = z
  .object({
    faceDataDays: days(RETENTION_BOUNDS.faceDataDays),
    eventDays: days(RETENTION_BOUNDS.eventDays),
    historyDays: days(RETENTION_BOUNDS.historyDays),
  })
  .strict();
export type RetentionSettings = z.infer<typeof RetentionSettingsSchema>;

/** `PUT /v1/privacy/retention`: any subset; what is left out keeps its current value. */
export const RetentionUpdateSchema = RetentionSettingsSchema.partial()
  .strict()
  .refine((v) => Object.keys(v).length > 0, "give at least one of faceDataDays, eventDays, historyDays");

/** `POST /v1/privacy/export` and `/redact`: one shopper (by id and/or email), or the whole shop. */
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

export const RETENTION_DEFAULTS: RetentionSettings = {
  faceDataDays: RETENTION_BOUNDS.faceDataDays.default,
  eventDays: RETENTION_BOUNDS.eventDays.default,
  historyDays: RETENTION_BOUNDS.historyDays.default,
};

/**
 * Lawful basis of what a storefront sends with a shopper id: an event or a recommendation
 * request without one is anonymous (the merchant's legitimate interest in counting and
 * ranking; no consent needed); with one it is personal data used for profiling, kept only
 * when the widget says the shopper consented (`consent: true`). Face analyses have their own,
 * explicit consent (the form's `consent` field).
 */
export const CONSENT_REQUIRED = "CONSENT_REQUIRED";
export const CONSENT_REQUIRED_MESSAGE =
  "A shopperId is kept only with the shopper's consent: send consent: true, or leave the shopperId out";

export function shopperIdAllowed(input: { shopperId?: string | undefined; consent?: boolean | undefined }): boolean {
  return input.shopperId === undefined || input.consent === true;
}

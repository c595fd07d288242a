import { AppError } from "@varai/schema";
import { errors, jwtVerify } from "jose";
import { z } from "zod";

/** BigCommerce's clock and ours may disagree a little: `exp` / `nbf` get this much slack. */
export const SIGNED_PAYLOAD_LEEWAY_S = 60;

const UserSchema = z.object({ id: z.number().int(), email: z.string(), locale: z.string().optional() });

/** The claims of `signed_payload_jwt` (bigcommerce/docs `callbacks.mdx`) that we use. */
const SignedPayloadSchema = z.object({
  sub: z.string().regex(/^stores\/[a-z0-9]+$/i),
  user: UserSchema,
  owner: UserSchema.pick({ id: true, email: true }),
  url: z.string().optional(),
  channel_id: z.number().int().nullable().optional(),
});

export interface SignedPayload {
  storeHash: string;
  user: { id: number; email: string; locale?: string };
  owner: { id: number; email: string };
  url: string | null;
}

/**
 * Verifies a callback's `signed_payload_jwt` with jose: HS256 only, keyed by the client secret,
 * `aud` = client id, `iss` = "bc", `sub` = "stores/{hash}", `exp` and `nbf` required. The reference
 * client never checks `aud` (research: wave2-apps.md 2.2), so a payload signed for another app
 * is refused here. Every failure is one UNAUTHENTICATED error; `details.reason` names the check
 * (jose's error code), never the token.
 */
export async function verifySignedPayload(
  token: unknown,
  app: { clientId: string; clientSecret: string },
  now: Date,
): Promise<SignedPayload> {
  if (typeof token !== "string" || token.length === 0 || token.length > 8192)
    throw new AppError("UNAUTHENTICATED", "signed_payload_jwt is missing");
  let payload: unknown;
  try {
    ({ payload } = await jwtVerify(token, new TextEncoder().encode(app.clientSecret), {
      algorithms: ["HS256"],
      audience: app.clientId,
      issuer: "bc",
      requiredClaims: ["exp", "nbf", "sub"],
      clockTolerance: SIGNED_PAYLOAD_LEEWAY_S,
      currentDate: now,
    }));
  } catch (error) {
    const reason = error instanceof errors.JOSEError ? error.code : "invalid";
    throw new AppError("UNAUTHENTICATED", "signed_payload_jwt is not valid", { details: { reason } });
  }
  const claims = SignedPayloadSchema.safeParse(payload);
  if (!claims.success)
    throw new AppError("UNAUTHENTICATED", "signed_payload_jwt is not valid", { details: { reason: "claims" } });
  const { sub, user, owner, url } = claims.data;
  return {
    storeHash: sub.slice("stores/".length).toLowerCase(),
    user: { id: user.id, email: user.email, ...(user.locale ? { locale: user.locale } : {}) },
    owner,
    url: url ?? null,
  };
}

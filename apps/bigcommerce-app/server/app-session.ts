import { hkdfSync } from "node:crypto";
import { AppError } from "@varai/schema";
import { jwtVerify, SignJWT } from "jose";
import type { AppContext } from "./context.ts";
import { userKey } from "./stores.ts";

/** How long the app view's context token lasts: the UI trades it for 15-min tenant tokens meanwhile. */
export const CONTEXT_TTL_S = 60 * 60;
const AUDIENCE = "varai-bigcommerce-app";

/** Its own key, derived from the client secret, so a BigCommerce payload can never pass as one. */
const keyOf = (c: AppContext) =>
  new Uint8Array(hkdfSync("sha256", c.app.clientSecret, "", "varai bigcommerce app context v1", 32));

/**
 * The app view's context: a short-lived HS256 token naming the store and the user, handed to the
 * UI inside the view (never in a URL) and sent back as a bearer to `POST /bigcommerce/api/session`.
 */
export function signAppContext(c: AppContext, storeHash: string, userId: number): Promise<string> {
  return new SignJWT({ store: storeHash, uid: userId })
    .setProtectedHeader({ alg: "HS256" })
    .setAudience(AUDIENCE)
    .setIssuedAt(Math.floor(c.clock().getTime() / 1000))
    .setExpirationTime(Math.floor(c.clock().getTime() / 1000) + CONTEXT_TTL_S)
    .sign(keyOf(c));
}

/**
 * A fresh 15-min tenant session for the bearer of a valid context, as long as the store is still
 * installed and the user still linked (uninstall and remove_user end it at the next refresh).
 */
export async function renewAppSession(c: AppContext, authorization: string | undefined) {
  const token = /^Bearer (\S+)$/.exec(authorization ?? "")?.[1];
  if (!token) throw new AppError("UNAUTHENTICATED", "The app context token is missing");
  let claims: Record<string, unknown>;
  try {
    ({ payload: claims } = await jwtVerify(token, keyOf(c), {
      algorithms: ["HS256"],
      audience: AUDIENCE,
      currentDate: c.clock(),
    }));
  } catch {
    throw new AppError("UNAUTHENTICATED", "The app context has expired: open the app again from Apps");
  }
  const { store, uid } = claims;
  if (typeof store !== "string" || typeof uid !== "number")
    throw new AppError("UNAUTHENTICATED", "The app context is not valid");
  const [doc, link] = await Promise.all([
    c.stores.stores.findById(store),
    c.stores.users.findById(userKey(store, uid)),
  ]);
  if (doc?.status !== "installed" || !link) throw new AppError("FORBIDDEN", "This user can no longer open the app");
  const email = link.email;
  const session = await c.installs.openSession(store, { userId: String(uid), email });
  return { accessToken: session.accessToken, expiresIn: session.expiresIn, tenantId: session.tenantId };
}

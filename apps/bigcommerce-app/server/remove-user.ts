import { verifySignedPayload } from "./bc/jwt.ts";
import type { AppContext } from "./context.ts";
import { userKey } from "./stores.ts";

/** The remove_user callback: only that user's link to the store goes; the store and others stay. */
export async function removeUser(c: AppContext, signedPayload: unknown): Promise<{ removed: boolean }> {
  const { storeHash, user } = await verifySignedPayload(signedPayload, c.app, c.clock());
  // The installs' platform user too, so no new session is opened for them.
  await c.installs.removeUser(storeHash, String(user.id));
  const removed = await c.stores.users.deleteOne({ id: userKey(storeHash, user.id) });
  return { removed: removed > 0 };
}

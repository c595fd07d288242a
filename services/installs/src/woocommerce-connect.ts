import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import type { GlobalCollection, SecretBox } from "@varai/runtime";
import { AppError, StoreIdSchema } from "@varai/schema";
import { z } from "zod";
import type { InstallsPort } from "./port.ts";

/**
 * The WooCommerce plugin's "Connect to VARAi", VARAi's side (the plugin's is class-connect.php):
 *  1. start: the plugin asks for a one-time state (it becomes wc-auth's `user_id`) and gets a
 *     claim token only its server holds;
 *  2. callback: WooCommerce POSTs the REST keys the merchant approved, with that state; the store
 *     is installed (tenant, connection, first sync, publishable key) before the 200;
 *  3. complete: the plugin, with the claim token, collects the connection and a site token it
 *     uses to disconnect.
 * The state travels through browser URLs, so it is stored hashed and is worth nothing without the
 * claim token; both expire after 15 minutes and are spent once.
 */
export const CONNECT_TTL_MS = 15 * 60_000;

export interface ConnectStateDoc {
  /** SHA-256 of the state. */
  id: string;
  claimHash: string;
  storeId: string;
  storeUrl: string;
  storeName: string;
  country?: string;
  webhookSecretCipher: string;
  linkCodeCipher?: string;
  status: "pending" | "installing" | "granted" | "failed" | "claimed";
  result?: { connectionId: string; tenantId: string; keyId: number };
  failure?: string;
  expiresAt: Date;
}

/** A connected site: its token (hashed) names the store for disconnect and status. */
export interface WooSiteDoc {
  id: string;
  storeId: string;
  tenantId: string;
  connectionId: string;
  createdAt: string;
}

export const WOO_CONNECT_COLLECTIONS = {
  states: { name: "woocommerce_connect_states", scope: "global", ttlField: "expiresAt" },
  sites: { name: "woocommerce_sites", scope: "global" },
} as const;

export interface WooConnectContext {
  port: InstallsPort;
  states: GlobalCollection<ConnectStateDoc>;
  sites: GlobalCollection<WooSiteDoc>;
  secretBox: SecretBox;
  clock: () => Date;
  /** Where WooCommerce and the plugin reach VARAi (the catalog's webhook URLs use the same). */
  publicBaseUrl: string;
}

export const sha256 = (s: string) => createHash("sha256").update(s).digest("hex");
const token = (prefix: string) => `${prefix}_${randomBytes(24).toString("base64url")}`;
const sameHash = (a: string, b: string) => timingSafeEqual(Buffer.from(a, "hex"), Buffer.from(b, "hex"));

export const StartConnectSchema = z
  .object({
    storeUrl: z
      .string()
      .url()
      .max(500)
      .refine((u) => /^https?:\/\//.test(u), "storeUrl must be http(s)"),
    storeName: z.string().trim().min(1).max(200),
    country: z
      .string()
      .regex(/^[A-Za-z]{2}$/)
      .optional(),
    // The plugin's generator: letters and digits (no & or ;, which old WooCommerce escaped).
    webhookSecret: z.string().regex(/^[A-Za-z0-9]{16,128}$/, "webhookSecret must be 16-128 letters and digits"),
    linkCode: z.string().min(8).max(100).optional(),
  })
  .strict();

export async function startConnect(c: WooConnectContext, input: z.infer<typeof StartConnectSchema>) {
  const storeId = StoreIdSchema.safeParse(new URL(input.storeUrl).host.toLowerCase());
  if (!storeId.success) throw new AppError("INVALID_INPUT", "storeUrl has no usable host name");
  const state = token("wcs");
  const claimToken = token("wcc");
  const expiresAt = new Date(c.clock().getTime() + CONNECT_TTL_MS);
  await c.states.insertOne({
    id: sha256(state),
    claimHash: sha256(claimToken),
    storeId: storeId.data,
    storeUrl: input.storeUrl,
    storeName: input.storeName,
    ...(input.country ? { country: input.country.toUpperCase() } : {}),
    webhookSecretCipher: c.secretBox.encrypt(input.webhookSecret),
    ...(input.linkCode ? { linkCodeCipher: c.secretBox.encrypt(input.linkCode) } : {}),
    status: "pending",
    expiresAt,
  });
  return {
    state,
    claimToken,
    callbackUrl: `${c.publicBaseUrl}/woocommerce/auth/callback`,
    expiresAt: expiresAt.toISOString(),
  };
}

/** What WooCommerce's WC_Auth POSTs to the callback_url (class-wc-auth.php). */
export const WooKeysSchema = z.object({
  key_id: z.number().int().positive(),
  user_id: z.string().min(1).max(200),
  consumer_key: z.string().regex(/^ck_[A-Za-z0-9]{16,80}$/),
  consumer_secret: z.string().regex(/^cs_[A-Za-z0-9]{16,80}$/),
  key_permissions: z.enum(["read", "write", "read_write"]),
});

/** A live state, or UNAUTHENTICATED: unknown, expired and spent states look the same. */
async function liveState(c: WooConnectContext, state: string): Promise<ConnectStateDoc> {
  const doc = await c.states.findById(sha256(state));
  if (!doc || doc.expiresAt.getTime() <= c.clock().getTime())
    throw new AppError("UNAUTHENTICATED", "The connect state is unknown or expired: start the connection again");
  return doc;
}

/**
 * Step 2. WooCommerce deletes the key unless the answer is exactly 200, so everything is in place
 * before it: the install (idempotent in installs) and the state marked granted.
 */
export async function receiveKeys(c: WooConnectContext, keys: z.infer<typeof WooKeysSchema>) {
  const doc = await liveState(c, keys.user_id);
  if (keys.key_permissions !== "read_write")
    throw new AppError("INVALID_INPUT", "VARAi needs read_write access (it re-activates disabled webhooks)");
  const claimed = await c.states.updateOne({ id: doc.id, status: "pending" }, { $set: { status: "installing" } });
  if (claimed.matched === 0) throw new AppError("CONFLICT", "These keys were already handed over for this state");
  try {
    const view = await c.port.install(doc.storeId, {
      ...(doc.country ? { country: doc.country } : {}),
      ...(doc.linkCodeCipher ? { linkCode: c.secretBox.decrypt(doc.linkCodeCipher) } : {}),
      connection: {
        platform: "woocommerce",
        name: doc.storeName,
        storeUrl: doc.storeUrl,
        credentials: { consumerKey: keys.consumer_key, consumerSecret: keys.consumer_secret },
        webhookSecret: c.secretBox.decrypt(doc.webhookSecretCipher),
      },
    });
    const result = { connectionId: view.connectionId, tenantId: view.tenantId, keyId: keys.key_id };
    await c.states.updateOne({ id: doc.id }, { $set: { status: "granted", result } });
    return { ok: true };
  } catch (error) {
    const failure = error instanceof AppError ? error.code : "INTERNAL";
    await c.states.updateOne({ id: doc.id }, { $set: { status: "failed", failure } });
    throw error;
  }
}

export const CompleteConnectSchema = z
  .object({ state: z.string().min(1).max(200), claimToken: z.string().min(1).max(200) })
  .strict();

/** Step 3: the connection for the plugin, once; the state is spent. */
export async function completeConnect(c: WooConnectContext, input: z.infer<typeof CompleteConnectSchema>) {
  const doc = await liveState(c, input.state);
  if (!sameHash(doc.claimHash, sha256(input.claimToken)))
    throw new AppError("UNAUTHENTICATED", "The claim token does not match this connect state");
  if (doc.status === "pending" || doc.status === "installing")
    throw new AppError("CONFLICT", "WooCommerce has not handed the keys over yet", { details: { status: doc.status } });
  if (doc.status !== "granted" || !doc.result)
    throw new AppError("CONFLICT", `The connection did not complete (${doc.failure ?? doc.status})`, {
      details: { status: doc.status },
    });
  const spent = await c.states.updateOne({ id: doc.id, status: "granted" }, { $set: { status: "claimed" } });
  if (spent.matched === 0) throw new AppError("CONFLICT", "This connect state was already completed");
  const view = await c.port.get(doc.storeId);
  if (!view?.publishableKey) throw new AppError("CONFLICT", "The store is not installed any more");
  const siteToken = token("wst");
  await c.sites.insertOne({
    id: sha256(siteToken),
    storeId: doc.storeId,
    tenantId: view.tenantId,
    connectionId: view.connectionId,
    createdAt: c.clock().toISOString(),
  });
  await c.states.deleteOne({ id: doc.id });
  return {
    connectionId: view.connectionId,
    tenantId: view.tenantId,
    publishableKey: view.publishableKey,
    deliveryUrl: `${c.publicBaseUrl}/webhooks/woocommerce/${view.connectionId}`,
    siteToken,
    keyId: doc.result.keyId,
  };
}

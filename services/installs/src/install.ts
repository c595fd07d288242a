import { type GlobalCollection, parseInput, type SecretBox } from "@varai/runtime";
import {
  AppError,
  InstallInputSchema,
  type InstallPlatform,
  type InstallView,
  newId,
  regionForCountry,
  storeIdOf,
} from "@varai/schema";
import type { InstallDoc } from "./collections.ts";
import type { LinkCodes } from "./link-codes.ts";
import type { InstallsDeps } from "./ports.ts";
import { installKey, toView } from "./view.ts";

export interface InstallContext {
  deps: InstallsDeps;
  installs: GlobalCollection<InstallDoc>;
  linkCodes: LinkCodes;
  secretBox: SecretBox;
  clock: () => Date;
}

/**
 * `PUT /v1/installs/{platform}/{storeId}`: the app's first successful authentication of a store
 * provisions it; every later one hands over fresh credentials. The ids are chosen and written
 * first, so a call cut short anywhere is finished by the next one without a second tenant,
 * connection or key (at worst one unused key, if it stopped between creating the key and
 * recording it).
 */
export async function install(
  c: InstallContext,
  platform: InstallPlatform,
  storeId: string,
  body: unknown,
): Promise<InstallView> {
  const input = parseInput(InstallInputSchema, body);
  if (input.connection.platform !== platform || storeIdOf(input.connection) !== storeId) {
    throw new AppError("INVALID_INPUT", `The connection must be the ${platform} store ${storeId}`, {
      details: { issues: [{ path: "connection", message: "platform and store must match the path" }] },
    });
  }
  const existing = await c.installs.findById(installKey(platform, storeId));
  if (existing?.state === "installed") return reinstall(c, existing, input);
  const doc = existing ?? (await begin(c, platform, storeId, input));
  return finish(c, doc, input);
}

type Input = ReturnType<typeof InstallInputSchema.parse>;

/** The install's ids, written before anything is created. A concurrent first call wins or joins. */
async function begin(c: InstallContext, platform: InstallPlatform, storeId: string, input: Input): Promise<InstallDoc> {
  // A link code joins the store to the tenant that made it (and its region), once.
  const linked = input.linkCode ? await c.deps.tenants.get(await c.linkCodes.redeem(input.linkCode)) : null;
  const at = c.clock().toISOString();
  const doc: InstallDoc = {
    id: installKey(platform, storeId),
    platform,
    storeId,
    tenantId: linked?.id ?? newId("tenant"),
    connectionId: newId("connection"),
    region: linked?.region ?? regionForCountry(input.country),
    state: "provisioning",
    keyId: null,
    publishableKeyCipher: null,
    installedAt: at,
    updatedAt: at,
  };
  try {
    return await c.installs.insertOne(doc);
  } catch (error) {
    if (!(error instanceof AppError && error.code === "CONFLICT")) throw error;
    const other = await c.installs.findById(doc.id);
    if (!other) throw error;
    return other;
  }
}

async function finish(c: InstallContext, doc: InstallDoc, input: Input): Promise<InstallView> {
  const { deps } = c;
  await deps.tenants.provision({ id: doc.tenantId, name: input.connection.name, region: doc.region });
  await deps.connections.create(doc.tenantId, input.connection, { id: doc.connectionId });
  const installed: InstallDoc = { ...doc, ...(await ensureKey(c, doc, input)), state: "installed" };
  await save(c, installed);
  return toView(c.secretBox, installed, "active", true);
}

/** Installed before: new credentials; after an uninstall, the connection comes back with a new key. */
async function reinstall(c: InstallContext, doc: InstallDoc, input: Input): Promise<InstallView> {
  const { connection } = input;
  await c.deps.connections.reinstall(doc.tenantId, doc.connectionId, {
    credentials: connection.credentials as Record<string, string>,
    ...("webhookSecret" in connection ? { webhookSecret: connection.webhookSecret } : {}),
  });
  const updated: InstallDoc = { ...doc, ...(await ensureKey(c, doc, input)) };
  await save(c, updated);
  return toView(c.secretBox, updated, "active", false);
}

/** The storefront's publishable key: kept while installed, a new one after an uninstall revoked it. */
async function ensureKey(c: InstallContext, doc: InstallDoc, input: Input) {
  if (doc.keyId && doc.publishableKeyCipher)
    return { keyId: doc.keyId, publishableKeyCipher: doc.publishableKeyCipher };
  const created = await c.deps.keys.createPublishable({
    tenantId: doc.tenantId,
    allowedOrigins: input.allowedOrigins ?? ["*"],
    createdBy: `app:${doc.platform}`,
  });
  return { keyId: created.apiKey.id, publishableKeyCipher: c.secretBox.encrypt(created.key) };
}

async function save(c: InstallContext, doc: InstallDoc): Promise<void> {
  doc.updatedAt = c.clock().toISOString();
  const { state, keyId, publishableKeyCipher, updatedAt } = doc;
  await c.installs.updateOne({ id: doc.id }, { $set: { state, keyId, publishableKeyCipher, updatedAt } });
}

import { AppError } from "@varai/schema";
import { z } from "zod";
import { exchangeCode, type TokenResponse } from "./bc/oauth.ts";
import { ensureLoaderScript, loaderHtml, type ScriptCheck } from "./bc/scripts.ts";
import { createStoreApi, type StoreApi } from "./bc/store-api.ts";
import { type AppContext, DEFAULT_API_BASE_URL } from "./context.ts";
import type { InstallView } from "./installs-port.ts";
import { userKey } from "./stores.ts";

export const AuthQuerySchema = z.object({
  code: z.string().min(1).max(512),
  scope: z.string().min(1).max(4096),
  context: z.string().regex(/^stores\/[a-z0-9]{4,20}$/i, "expected stores/{hash}"),
  account_uuid: z.string().max(128).optional(),
});

const StoreInfoSchema = z.object({
  name: z.string().optional(),
  country_code: z.string().optional(),
  secure_url: z.string().url().startsWith("https://").optional(),
});

export interface InstalledStore {
  storeHash: string;
  install: InstallView & { publishableKey: string };
  user: { id: number; email: string };
  script: ScriptCheck | { error: string };
}

/**
 * The auth callback's work, in the order that keeps a failure harmless: exchange the code (a
 * refused code writes nothing), read the store's name and country, provision through the shared
 * installs port (tenant, connection with its backfill and product hooks, publishable key; idempotent,
 * so a second install repairs), seal the token, link the installing user, then put the loader
 * script on the storefront. A script failure is reported, not fatal: every load repairs it.
 */
export async function installStore(c: AppContext, query: z.infer<typeof AuthQuerySchema>): Promise<InstalledStore> {
  const redirectUri = `${c.publicBaseUrl()}/bigcommerce/auth`;
  const token = await exchangeCode(query, { ...c.app, loginBaseUrl: c.loginBaseUrl, redirectUri }, c.fetch);
  const storeHash = token.context.slice("stores/".length).toLowerCase();
  const api = storeApiFor(c, storeHash, token.access_token);
  const info = await storeInfo(api);
  const install = await c.installs.install(storeHash, {
    ...(info.country_code ? { country: info.country_code } : {}),
    // The publishable key works from the store's own storefront (its primary https URL).
    ...(info.secure_url ? { allowedOrigins: [new URL(info.secure_url).origin] } : {}),
    connection: {
      platform: "bigcommerce",
      name: info.name ?? `BigCommerce store ${storeHash}`,
      storeHash,
      ...(c.apiBaseUrl !== DEFAULT_API_BASE_URL ? { apiBaseUrl: c.apiBaseUrl } : {}),
      credentials: { accessToken: token.access_token },
    },
  });
  if (!install.publishableKey) throw new AppError("INTERNAL", "The install has no publishable key");
  await recordInstall(c, storeHash, token, install.tenantId);
  const script = await repairScript(c, storeHash, api, install.publishableKey);
  return { storeHash, install: { ...install, publishableKey: install.publishableKey }, user: token.user, script };
}

export function storeApiFor(c: AppContext, storeHash: string, accessToken: string): StoreApi {
  return createStoreApi({ apiBaseUrl: c.apiBaseUrl, storeHash, accessToken, fetch: c.fetch });
}

async function storeInfo(api: StoreApi) {
  const r = await api("GET", "/v2/store");
  const info = StoreInfoSchema.safeParse(r.body);
  if (r.status !== 200 || !info.success)
    throw new AppError("INVALID_RESPONSE", "BigCommerce's store information was not understood");
  return info.data;
}

async function recordInstall(c: AppContext, storeHash: string, token: TokenResponse, tenantId: string) {
  const t = c.clock().toISOString();
  await c.stores.stores.updateOne(
    { id: storeHash },
    {
      $set: {
        status: "installed",
        tokenCipher: c.stores.sealToken(token.access_token),
        scope: token.scope,
        tenantId,
        uninstalledAt: null,
        updatedAt: t,
      },
      $setOnInsert: { installedAt: t, scriptUuid: null, scriptCheckedAt: null },
    },
    { upsert: true },
  );
  await linkUser(c, storeHash, { id: token.user.id, email: token.user.email }, token.owner?.id ?? token.user.id);
}

/** Links a BigCommerce user to the store (idempotent): who may open the app's view. */
export async function linkUser(c: AppContext, storeHash: string, user: { id: number; email: string }, ownerId: number) {
  const t = c.clock().toISOString();
  await c.stores.users.updateOne(
    { id: userKey(storeHash, user.id) },
    {
      $set: { storeHash, userId: user.id, email: user.email, owner: user.id === ownerId, lastLoadAt: t },
      $setOnInsert: { linkedAt: t },
    },
    { upsert: true },
  );
}

/** Ensures the one loader script and records what it found; failures are logged and returned. */
export async function repairScript(
  c: AppContext,
  storeHash: string,
  api: StoreApi,
  publishableKey: string,
): Promise<ScriptCheck | { error: string }> {
  try {
    const check = await ensureLoaderScript(api, loaderHtml({ widgetBaseUrl: c.publicBaseUrl(), publishableKey }));
    await c.stores.stores.updateOne(
      { id: storeHash },
      { $set: { scriptUuid: check.uuid, scriptCheckedAt: c.clock().toISOString() } },
    );
    if (check.action !== "present") c.logger.info({ storeHash, action: check.action }, "storefront script written");
    return check;
  } catch (error) {
    const code = error instanceof AppError ? error.code : "INTERNAL";
    c.logger.warn({ storeHash, code }, "storefront script check failed");
    return { error: error instanceof AppError ? error.message : "The storefront script could not be checked" };
  }
}

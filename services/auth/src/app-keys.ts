import { randomBytes, timingSafeEqual } from "node:crypto";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { AppError, INSTALL_PLATFORMS, type InstallPlatform, InstallPlatformSchema } from "@varai/schema";
import { sha256 } from "./tokens.ts";

/**
 * App keys: the credential of our own platform apps (the Shopify app's server, the BigCommerce
 * app, the WooCommerce connect flow) on the installs API, and nothing else. One per app,
 * `vak_<app>_<43 chars>`. They travel in `X-VARAi-App-Key`, a header the general authenticate
 * middleware ignores, so on any other route an app key authenticates nobody (401 / 403).
 */
export type AppKeys = Readonly<Partial<Record<InstallPlatform, string>>>;

export const APP_KEY_HEADER = "x-varai-app-key";
const APP_KEY = /^vak_(shopify|bigcommerce|woocommerce)_[A-Za-z0-9_-]{32,128}$/;

export function newAppKey(app: InstallPlatform): string {
  return `vak_${app}_${randomBytes(32).toString("base64url")}`;
}

/** `VARAI_APP_KEYS=shopify=vak_shopify_…,bigcommerce=vak_bigcommerce_…` (production: from the secret manager). */
export function parseAppKeys(value: string): AppKeys {
  const keys: Partial<Record<InstallPlatform, string>> = {};
  for (const entry of value.split(",").map((e) => e.trim())) {
    if (!entry) continue;
    const at = entry.indexOf("=");
    const app = InstallPlatformSchema.safeParse(entry.slice(0, at));
    const key = entry.slice(at + 1);
    if (at < 0 || !app.success)
      throw new AppError(
        "INVALID_CONFIG",
        `VARAI_APP_KEYS: "<app>=<key>" with app one of ${INSTALL_PLATFORMS.join(", ")}`,
      );
    if (!APP_KEY.test(key) || !key.startsWith(`vak_${app.data}_`))
      throw new AppError("INVALID_CONFIG", `VARAI_APP_KEYS: the ${app.data} key must be vak_${app.data}_<32+ chars>`);
    keys[app.data] = key;
  }
  return keys;
}

/** The app a presented key belongs to, or null. Compared as SHA-256 digests in constant time. */
export function appOfKey(keys: AppKeys, presented: string | undefined): InstallPlatform | null {
  if (!presented || !APP_KEY.test(presented)) return null;
  const digest = Buffer.from(sha256(presented), "hex");
  for (const app of INSTALL_PLATFORMS) {
    const key = keys[app];
    if (key && timingSafeEqual(digest, Buffer.from(sha256(key), "hex"))) return app;
  }
  return null;
}

/**
 * The default install's app keys, generated once in `<dir>/app-keys.json` (mode 0600), so the
 * apps it mounts in-process and an app started beside it (which reads the same file or
 * `VARAI_APP_KEYS`) agree across restarts.
 */
export async function loadOrCreateAppKeys(options: { dir: string }): Promise<AppKeys> {
  const file = join(options.dir, "app-keys.json");
  try {
    return parseAppKeys(
      Object.entries(JSON.parse(await readFile(file, "utf8")) as Record<string, string>)
        .map(([app, key]) => `${app}=${key}`)
        .join(","),
    );
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  const keys = Object.fromEntries(INSTALL_PLATFORMS.map((app) => [app, newAppKey(app)]));
  await mkdir(options.dir, { recursive: true });
  try {
    await writeFile(file, `${JSON.stringify(keys)}\n`, { mode: 0o600, flag: "wx" });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return loadOrCreateAppKeys(options);
    throw error;
  }
  return keys;
}

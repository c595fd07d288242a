import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { AuthService } from "@varai/auth";
import { DEMO_TENANT } from "./frames.ts";

/**
 * The demo store's publishable key. Keys are stored hashed and shown once, so the default
 * install keeps the demo key's plaintext in DATA_DIR (a publishable key is public anyway: it sits
 * in every storefront page). A new key is made when the file is missing or the origin changed.
 */
export async function ensureDemoKey(
  auth: Pick<AuthService, "createApiKey">,
  options: { dataDir: string; origin: string },
): Promise<string> {
  const file = join(options.dataDir, "demo-key.json");
  const saved = await readFile(file, "utf8")
    .then((text) => JSON.parse(text) as { key?: unknown; origin?: unknown })
    .catch(() => null);
  if (saved && typeof saved.key === "string" && saved.origin === options.origin) return saved.key;

  const { key } = await auth.createApiKey({
    tenantId: DEMO_TENANT.id,
    kind: "publishable",
    // "*" rather than the demo's own origin: the demo pages call the API from that same origin,
    // and browsers send no Origin header on same-origin GETs (/widget/config, /widget/products),
    // which auth refuses for a key with an origin list. A demo key over a demo catalog is public.
    allowedOrigins: ["*"],
    createdBy: "demo-seed",
  });
  await writeFile(file, `${JSON.stringify({ key, origin: options.origin })}\n`, { mode: 0o600 });
  return key;
}

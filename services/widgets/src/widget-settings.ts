import { setAuditContext } from "@varai/auth";
import {
  actingTenant,
  type OpenApiFragment,
  type PrivacyParticipant,
  parseInput,
  problemResponse,
  type RuntimeDeps,
  type TenantCollection,
  zodIssues,
} from "@varai/runtime";
import { AppError } from "@varai/schema";
import { type WidgetConfig, WidgetConfigSchema } from "@varai/widget-kit/config";
import { Router } from "express";
import { z } from "zod";

/**
 * A tenant's widget settings (theme, language, features; `WidgetConfigSchema` of
 * @varai/widget-kit). One document per tenant, id `widget-settings`; absent means defaults.
 */
export const WIDGET_SETTINGS = { name: "widget_settings", scope: "tenant" } as const;
/** Every saved version, kept so a merchant can see (and an auditor check) what storefronts got when. */
export const WIDGET_SETTINGS_VERSIONS = { name: "widget_settings_versions", scope: "tenant" } as const;

export interface WidgetSettingsDoc {
  id: string;
  tenantId: string;
  config: Record<string, unknown>;
  /** 1 for the first save; absent on documents written before settings had versions. */
  version?: number;
  updatedAt?: string;
  updatedBy?: string;
}

interface WidgetSettingsVersionDoc {
  id: string;
  tenantId: string;
  version: number;
  config: WidgetConfig;
  savedAt: string;
  savedBy: string;
}

const DOC_ID = "widget-settings";

const PutInputSchema = z
  .object({
    /** The version the editor started from (0 when there were no settings): a stale save is 409. */
    version: z.number().int().min(0),
    config: z.record(z.string(), z.unknown()),
  })
  .strict();

/**
 * Keys of `input` the parsed config dropped: the widget schema strips unknown keys (so an old
 * stored document never breaks a storefront), but a merchant's save naming one is a typo to report.
 */
function unknownKeys(input: unknown, parsed: unknown, path = ""): string[] {
  if (typeof input !== "object" || input === null || Array.isArray(input)) return [];
  if (typeof parsed !== "object" || parsed === null) return [];
  const out: string[] = [];
  for (const [key, value] of Object.entries(input)) {
    const where = path ? `${path}.${key}` : key;
    if (!(key in parsed)) out.push(where);
    else out.push(...unknownKeys(value, (parsed as Record<string, unknown>)[key], where));
  }
  return out;
}

/** The settings a merchant may save: the widget's own schema, with no unknown keys. */
export function parseWidgetSettings(config: unknown): WidgetConfig {
  const parsed = WidgetConfigSchema.safeParse(config);
  if (!parsed.success) {
    const issues = zodIssues(parsed.error).map((i) => ({ ...i, path: i.path ? `config.${i.path}` : "config" }));
    throw new AppError(
      "INVALID_INPUT",
      `Invalid widget settings: ${issues.map((i) => `${i.path}: ${i.message}`).join("; ")}`,
      {
        details: { issues },
      },
    );
  }
  const extra = unknownKeys(config, parsed.data);
  if (extra.length > 0) {
    const issues = extra.map((path) => ({ path: `config.${path}`, message: "unknown setting" }));
    throw new AppError("INVALID_INPUT", `Unknown widget settings: ${extra.join(", ")}`, { details: { issues } });
  }
  return parsed.data;
}

/** `GET/PUT /v1/widget-settings` (versioned, audited); storefronts read the result at `/widget/config`. */
export function createWidgetSettingsRouter(deps: RuntimeDeps): Router {
  const settings = deps.store.tenantCollection<WidgetSettingsDoc>(WIDGET_SETTINGS);
  const versions = deps.store.tenantCollection<WidgetSettingsVersionDoc>(WIDGET_SETTINGS_VERSIONS);
  deps.privacy.register(widgetSettingsPrivacy(settings, versions));
  const router = Router();

  const view = (doc: WidgetSettingsDoc | null) => {
    const parsed = WidgetConfigSchema.safeParse(doc?.config ?? {});
    return {
      version: doc ? (doc.version ?? 0) : 0,
      config: parsed.success ? parsed.data : WidgetConfigSchema.parse({}),
      updatedAt: doc?.updatedAt ?? null,
      updatedBy: doc?.updatedBy ?? null,
    };
  };

  router.get("/v1/widget-settings", async (req, res) => {
    const { tenantId } = actingTenant(req, res, "tenants:read");
    res.setHeader("Cache-Control", "no-store");
    res.json(view(await settings.findById(tenantId, DOC_ID)));
  });

  router.get("/v1/widget-settings/versions", async (req, res) => {
    const { tenantId } = actingTenant(req, res, "tenants:read");
    const items = await versions.find(tenantId, {}, { sort: { version: -1 }, limit: 50 });
    res.json({ items: items.map(({ version, config, savedAt, savedBy }) => ({ version, config, savedAt, savedBy })) });
  });

  router.put("/v1/widget-settings", async (req, res) => {
    const { tenantId, principal } = actingTenant(req, res, "widgets:manage");
    setAuditContext(res, { tenantId });
    const input = parseInput(PutInputSchema, req.body);
    const next = await saveWidgetSettings(deps, { settings, versions }, tenantId, principal.userId, input);
    setAuditContext(res, { target: { type: "widget-settings", id: `v${next.version}` } });
    res.json(view({ id: DOC_ID, tenantId, ...next }));
  });

  return router;
}

type SettingsCollections = {
  settings: TenantCollection<WidgetSettingsDoc>;
  versions: TenantCollection<WidgetSettingsVersionDoc>;
};

/**
 * Saves a new version of a tenant's widget settings, from the version the caller loaded; a save
 * from an older version is 409 CONFLICT with `currentVersion` (so are concurrent saves' losers).
 */
async function saveWidgetSettings(
  deps: RuntimeDeps,
  { settings, versions }: SettingsCollections,
  tenantId: string,
  userId: string,
  input: z.infer<typeof PutInputSchema>,
) {
  const config = parseWidgetSettings(input.config);
  const current = await settings.findById(tenantId, DOC_ID);
  const currentVersion = current ? (current.version ?? 0) : 0;
  const stale = () =>
    new AppError("CONFLICT", "The widget settings changed since you loaded them; reload and save again", {
      details: { currentVersion },
    });
  if (input.version !== currentVersion) throw stale();
  const version = currentVersion + 1;
  const savedAt = deps.clock().toISOString();
  // The version row first: if the save below loses a race, the row names a version that never
  // became current, which the next successful save of that number overwrites.
  await versions.updateOne(
    tenantId,
    { id: `v${version}` },
    { $set: { version, config, savedAt, savedBy: userId } },
    { upsert: true },
  );
  const next = { config, version, updatedAt: savedAt, updatedBy: userId };
  if (current) {
    // Compare-and-set on the version: of two concurrent saves from the same version, one wins.
    const updated = await settings.updateOne(
      tenantId,
      { id: DOC_ID, ...(current.version === undefined ? {} : { version: currentVersion }) },
      { $set: next },
    );
    if (updated.matched === 0) throw stale();
  } else {
    try {
      await settings.insertOne(tenantId, { id: DOC_ID, ...next });
    } catch (error) {
      if (error instanceof AppError && error.code === "CONFLICT") throw stale();
      throw error;
    }
  }
  return next;
}

/** No shopper data here, but the documents name the users who saved them: a tenant's erasure removes them. */
function widgetSettingsPrivacy(
  settings: SettingsCollections["settings"],
  versions: SettingsCollections["versions"],
): PrivacyParticipant {
  return {
    name: "gateway.widget-settings",
    async export(subject) {
      if (subject.kind !== "tenant") return [];
      const [current, saved] = await Promise.all([
        settings.find(subject.tenantId, {}),
        versions.find(subject.tenantId, {}, { sort: { version: 1 } }),
      ]);
      return [...current, ...saved].map((doc) => ({ ...doc }));
    },
    async erase(subject) {
      if (subject.kind !== "tenant") return 0;
      return (await settings.deleteMany(subject.tenantId, {})) + (await versions.deleteMany(subject.tenantId, {}));
    },
  };
}

export function widgetSettingsOpenApi(): OpenApiFragment {
  const settingsSchema = {
    type: "object",
    required: ["version", "config", "updatedAt", "updatedBy"],
    properties: {
      version: { type: "integer", description: "0 until the first save" },
      config: { $ref: "#/components/schemas/WidgetSettingsConfig" },
      updatedAt: { type: ["string", "null"], format: "date-time" },
      updatedBy: { type: ["string", "null"], description: "user id" },
    },
  };
  return {
    schemas: {
      WidgetSettingsConfig: z.toJSONSchema(WidgetConfigSchema, { io: "input" }),
      WidgetSettings: settingsSchema,
    },
    paths: {
      "/v1/widget-settings": {
        get: {
          summary: "The tenant's widget settings (defaults filled in)",
          security: [{ bearerAuth: [] }],
          responses: {
            "200": {
              description: "Current settings",
              content: { "application/json": { schema: { $ref: "#/components/schemas/WidgetSettings" } } },
            },
          },
        },
        put: {
          summary: "Save the tenant's widget settings",
          description:
            "Send the version you loaded; a save from an older version is 409 CONFLICT with `currentVersion`. Unknown keys and invalid values are 400 INVALID_INPUT with `issues` (paths like `config.theme.primary`). Every save is a new version (`/v1/widget-settings/versions`), is audited, and is what `/widget/config` serves next.",
          security: [{ bearerAuth: [] }],
          requestBody: {
            required: true,
            content: {
              "application/json": {
                schema: {
                  type: "object",
                  required: ["version", "config"],
                  additionalProperties: false,
                  properties: {
                    version: { type: "integer", minimum: 0 },
                    config: { $ref: "#/components/schemas/WidgetSettingsConfig" },
                  },
                },
              },
            },
          },
          responses: {
            "200": {
              description: "Saved",
              content: { "application/json": { schema: { $ref: "#/components/schemas/WidgetSettings" } } },
            },
            "400": problemResponse("Invalid settings"),
            "403": problemResponse("The role may not change widget settings (viewers)"),
            "409": problemResponse("Saved meanwhile by someone else"),
          },
        },
      },
      "/v1/widget-settings/versions": {
        get: {
          summary: "The last 50 saved versions, newest first",
          security: [{ bearerAuth: [] }],
          responses: { "200": { description: "`{items: [{version, config, savedAt, savedBy}]}`" } },
        },
      },
    },
  };
}

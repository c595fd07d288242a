import { z } from "zod";
import { IsoDateTimeSchema, RegionSchema } from "./common.ts";
import { IdSchema } from "./ids.ts";

export const TenantSchema = z.object({
  id: IdSchema,
  name: z.string().min(1).max(200),
  region: RegionSchema,
  status: z.enum(["active", "suspended"]).default("active"),
  createdAt: IsoDateTimeSchema,
  updatedAt: IsoDateTimeSchema,
});
export type Tenant = z.infer<typeof TenantSchema>;

export const CreateTenantInputSchema = z
  .object({ name: z.string().trim().min(1).max(200), region: RegionSchema })
  .strict();

/** `PATCH /v1/tenants/:id` (platform admins): a tenant's region, e.g. a shop provisioned in the wrong one. */
export const UpdateTenantInputSchema = z.object({ region: RegionSchema }).strict();

export const ROLES = ["platform_admin", "tenant_admin", "tenant_staff", "viewer"] as const;
export const RoleSchema = z.enum(ROLES);
export type Role = z.infer<typeof RoleSchema>;

/**
 * Every permission a route can ask for. The role table below is the only place that
 * says who holds which; routes name a permission, never a role.
 */
export const PERMISSIONS = [
  "tenants:create",
  // Every tenant of the deployment (the platform admin's tenant directory).
  "tenants:list",
  // A tenant's region (platform admins; the data move is an operations runbook).
  "tenants:manage",
  "tenants:read",
  "users:manage",
  "api-keys:manage",
  "connections:manage",
  "connections:read",
  "catalog:read",
  "catalog:write",
  "analytics:read",
  "recommendations:manage",
  "widgets:manage",
  "privacy:manage",
  "audit:read",
] as const;
export const PermissionSchema = z.enum(PERMISSIONS);
export type Permission = z.infer<typeof PermissionSchema>;

const PLATFORM_ONLY: readonly Permission[] = ["tenants:create", "tenants:list", "tenants:manage"];
const TENANT_ADMIN: readonly Permission[] = PERMISSIONS.filter((p) => !PLATFORM_ONLY.includes(p));
export const ROLE_PERMISSIONS: Readonly<Record<Role, readonly Permission[]>> = {
  platform_admin: PERMISSIONS,
  tenant_admin: TENANT_ADMIN,
  tenant_staff: [
    "tenants:read",
    "connections:read",
    "catalog:read",
    "catalog:write",
    "analytics:read",
    "recommendations:manage",
    "widgets:manage",
  ],
  viewer: ["tenants:read", "connections:read", "catalog:read", "analytics:read"],
};

export function roleHasPermission(role: Role, permission: Permission): boolean {
  return ROLE_PERMISSIONS[role].includes(permission);
}

export const UserSchema = z.object({
  id: IdSchema,
  tenantId: IdSchema,
  email: z.string().email().max(320),
  role: RoleSchema,
  status: z.enum(["active", "disabled"]).default("active"),
  createdAt: IsoDateTimeSchema,
  updatedAt: IsoDateTimeSchema,
});
export type User = z.infer<typeof UserSchema>;

export const API_KEY_KINDS = ["publishable", "secret"] as const;
export const ApiKeyKindSchema = z.enum(API_KEY_KINDS);
export type ApiKeyKind = z.infer<typeof ApiKeyKindSchema>;

/** The stored form: the key itself is only ever shown once, at creation. */
export const ApiKeySchema = z.object({
  id: IdSchema,
  tenantId: IdSchema,
  kind: ApiKeyKindSchema,
  /** First characters of the key, for people to recognise it (`pk_live_ab12…`). */
  prefix: z.string(),
  allowedOrigins: z.array(z.string()).default([]),
  createdBy: z.string(),
  revokedAt: IsoDateTimeSchema.nullable().default(null),
  createdAt: IsoDateTimeSchema,
});
export type ApiKey = z.infer<typeof ApiKeySchema>;

/** `POST /v1/tenants/:id/users` (platform admins are made at bootstrap, never through the API). */
export const TenantRoleSchema = RoleSchema.exclude(["platform_admin"]);
export type TenantRole = z.infer<typeof TenantRoleSchema>;
// Passwords are bounded: scrypt's cost grows with input, and nobody types more than 1 KB.
export const PasswordSchema = z.string().min(12).max(1024);
export const CreateUserInputSchema = z
  .object({
    email: z.string().trim().toLowerCase().email().max(320),
    role: TenantRoleSchema,
    password: PasswordSchema.optional(),
  })
  .strict();
/** `PATCH /v1/tenants/:id/users/:userId`. */
export const ChangeRoleInputSchema = z.object({ role: TenantRoleSchema }).strict();

/** An exact web origin: scheme, host and optional port, nothing else (what browsers send in `Origin`). */
export const OriginSchema = z
  .string()
  .max(300)
  .refine((value) => {
    try {
      const url = new URL(value);
      return (url.protocol === "https:" || url.protocol === "http:") && url.origin === value;
    } catch {
      return false;
    }
  }, "must be an origin like https://shop.example.com (no path, no trailing slash)");

export const CreateApiKeyInputSchema = z
  .discriminatedUnion("kind", [
    z
      .object({
        kind: z.literal("publishable"),
        // `["*"]` is the explicit opt-in to any origin; an empty list is refused rather than read as "all".
        allowedOrigins: z.union([z.tuple([z.literal("*")]), z.array(OriginSchema).min(1).max(50)]),
        name: z.string().trim().min(1).max(100).optional(),
      })
      .strict(),
    z
      .object({
        kind: z.literal("secret"),
        // Secret keys are for servers and are refused from any browser origin.
        allowedOrigins: z.array(z.never()).max(0).default([]),
        name: z.string().trim().min(1).max(100).optional(),
      })
      .strict(),
  ])
  .describe("CreateApiKeyInput");
export type CreateApiKeyInput = z.infer<typeof CreateApiKeyInputSchema>;

/** Who is calling: set by the gateway's auth middleware, read by every route. */
export type Principal =
  | { kind: "user"; userId: string; tenantId: string; role: Role; email: string }
  | { kind: "storefront"; tenantId: string; keyId: string; origin: string | null }
  | { kind: "secret-key"; tenantId: string; keyId: string }
  | { kind: "platform"; tenantId: string; source: string };

export const AuditEntrySchema = z.object({
  id: IdSchema,
  tenantId: IdSchema,
  actor: z.object({ kind: z.string(), id: z.string() }),
  action: z.string().max(200),
  target: z.object({ type: z.string(), id: z.string() }).optional(),
  requestId: z.string().optional(),
  outcome: z.enum(["success", "failure"]).default("success"),
  at: IsoDateTimeSchema,
});
export type AuditEntry = z.infer<typeof AuditEntrySchema>;

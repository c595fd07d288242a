import { AppError, newId, type Role, type User } from "@varai/schema";
import type { UserDoc } from "./collections.ts";
import { type AuthContext, nowIso } from "./context.ts";
import { generatePassword, hashPassword } from "./passwords.ts";

export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** A user as answered: never the password hash. */
export function publicUser(doc: UserDoc): User {
  const { passwordHash: _hash, ...user } = doc;
  return user;
}

type UserDeps = Pick<AuthContext, "collections" | "clock">;

/** `POST /v1/tenants/:id/users`: without a password, one is generated and returned once. */
export async function createUser(
  ctx: UserDeps & Pick<AuthContext, "scrypt">,
  input: { tenantId: string; email: string; role: Role; password?: string },
): Promise<{ user: User; generatedPassword: string | null }> {
  const { identities, users } = ctx.collections;
  const email = normaliseEmail(input.email);
  const generatedPassword = input.password === undefined ? generatePassword() : null;
  const passwordHash = await hashPassword(input.password ?? (generatedPassword as string), ctx.scrypt);
  const id = newId("user");
  // The identity insert is the uniqueness check (its id is the email): it goes first, so a
  // clash leaves nothing behind, and a failed user insert takes it back out.
  await identities.insertOne({ id: email, tenantId: input.tenantId, userId: id });
  const at = nowIso(ctx);
  try {
    const doc = await users.insertOne(input.tenantId, {
      id,
      email,
      role: input.role,
      status: "active",
      passwordHash,
      createdAt: at,
      updatedAt: at,
    });
    return { user: publicUser(doc), generatedPassword };
  } catch (error) {
    await identities.deleteOne({ id: email });
    throw error;
  }
}

export async function listUsers(ctx: Pick<AuthContext, "collections">, tenantId: string): Promise<User[]> {
  const docs = await ctx.collections.users.find(tenantId, {}, { sort: { createdAt: 1 }, limit: 1000 });
  return docs.map(publicUser);
}

/** `PATCH /v1/tenants/:id/users/:userId`; the session check picks the new role up within its TTL. */
export async function changeUserRole(
  ctx: UserDeps,
  input: { tenantId: string; userId: string; role: Role; changedBy: string },
): Promise<User> {
  const { tenantId, userId, role, changedBy } = input;
  const { users } = ctx.collections;
  if (role === "platform_admin") throw new AppError("INVALID_INPUT", "A tenant user cannot be a platform admin");
  const doc = await users.findById(tenantId, userId);
  if (!doc) throw new AppError("NOT_FOUND", "User not found");
  if (userId === changedBy) throw new AppError("CONFLICT", "You cannot change your own role");
  if (doc.role !== role) await users.updateOne(tenantId, { id: userId }, { $set: { role, updatedAt: nowIso(ctx) } });
  return publicUser((await users.findById(tenantId, userId)) as UserDoc);
}

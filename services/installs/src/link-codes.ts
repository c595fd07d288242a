import { createHash, randomBytes } from "node:crypto";
import type { GlobalCollection } from "@varai/runtime";
import { AppError, type LinkCode } from "@varai/schema";
import type { LinkCodeDoc } from "./collections.ts";

/** How long a link code made in Studio can be used: long enough to install a plugin, no longer. */
export const LINK_CODE_TTL_MS = 30 * 60_000;

export interface LinkCodes {
  create(tenantId: string, createdBy: string): Promise<LinkCode>;
  /** The tenant the code was made for; the code is spent. UNAUTHENTICATED for an unknown, used or expired one. */
  redeem(code: string): Promise<string>;
}

const digest = (code: string) => createHash("sha256").update(code).digest("hex");

export function createLinkCodes(codes: GlobalCollection<LinkCodeDoc>, clock: () => Date): LinkCodes {
  return {
    async create(tenantId, createdBy) {
      const code = `vlc_${randomBytes(18).toString("base64url")}`;
      const expiresAt = new Date(clock().getTime() + LINK_CODE_TTL_MS);
      await codes.insertOne({ id: digest(code), tenantId, createdBy, expiresAt });
      return { code, expiresAt: expiresAt.toISOString() };
    },
    async redeem(code) {
      const id = digest(code);
      const doc = await codes.findById(id);
      // Deleting is the claim: of two uses at once, one deletes it.
      const claimed = doc ? (await codes.deleteOne({ id })) === 1 : false;
      if (!doc || !claimed || doc.expiresAt.getTime() <= clock().getTime())
        throw new AppError("UNAUTHENTICATED", "The link code is unknown, used or expired");
      return doc.tenantId;
    },
  };
}

import type { PrivacyParticipant, RuntimeDeps, ServiceModule } from "@varai/runtime";
import { storageOpenApi } from "./openapi.ts";
import { createStoragePrivacy } from "./privacy.ts";
import { createStorageRoutes } from "./routes.ts";
import { createShopperBlobs, type ShopperBlobs } from "./shopper-blobs.ts";
import { type SweepResult, sweepExpired } from "./sweep-expired.ts";

export interface StorageServiceOptions {
  /**
   * How often expired data (every TTL collection, photos and renders) is deleted; also once at
   * start. Default 10 minutes; 0 disables the timer (and the start-up sweep).
   */
  sweepIntervalMs?: number;
}

export interface StorageService extends ServiceModule {
  blobs: ShopperBlobs;
  /** Deletes everything expired at `now` (default: the clock), across tenants, physically. */
  sweepExpired(now?: Date): Promise<SweepResult>;
  privacy: PrivacyParticipant;
}

/**
 * Shopper photos and renders: retention (every blob has an expiry; a sweep deletes it) and the
 * privacy participant that exports and erases a shopper's blobs. The photos themselves are
 * biometric data: only their metadata is ever exported, never the pixels.
 */
export function createStorageService(deps: RuntimeDeps, options: StorageServiceOptions = {}): StorageService {
  const blobs = createShopperBlobs(deps.blobs, deps.clock);
  const sweepIntervalMs = options.sweepIntervalMs ?? 10 * 60_000;
  let timer: NodeJS.Timeout | null = null;

  const privacy = createStoragePrivacy(deps, blobs);
  deps.privacy.register(privacy);

  const sweep = (now: Date = deps.clock()) => sweepExpired(deps, now);

  const router = createStorageRoutes(deps, blobs);

  return {
    name: "storage",
    router,
    blobs,
    privacy,
    sweepExpired: sweep,
    openapi: storageOpenApi,
    async start() {
      if (sweepIntervalMs > 0 && !timer) {
        // At start: what expired while no process ran goes before the first request is served.
        await sweep().catch((err) => deps.logger.warn({ err }, "retention sweep failed"));
        timer = setInterval(() => {
          sweep().catch((err) => deps.logger.warn({ err }, "retention sweep failed"));
        }, sweepIntervalMs);
        timer.unref();
      }
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = null;
    },
    async ready() {
      await deps.blobs.ping();
    },
  };
}

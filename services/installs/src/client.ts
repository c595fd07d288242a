import type { InstallInput, InstallPlatform, InstallSession, InstallView, OpenInstallSession } from "@varai/schema";
import type { InstallsPort } from "./port.ts";

/**
 * The installs API over HTTP, for a platform app that runs apart from the gateway. Errors are
 * thrown as `InstallsCallError` carrying the problem document's status and code.
 */
export function createInstallsClient(options: {
  /** The VARAi API's origin, e.g. https://api.varai.example. */
  baseUrl: string;
  platform: InstallPlatform;
  appKey: string;
  fetch?: typeof fetch;
}): InstallsPort {
  const call = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const response = await (options.fetch ?? fetch)(`${options.baseUrl}/v1/installs/${options.platform}/${path}`, {
      method,
      headers: {
        "x-varai-app-key": options.appKey,
        ...(body === undefined ? {} : { "content-type": "application/json" }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const payload = (await response.json().catch(() => null)) as Record<string, unknown> | null;
    if (!response.ok)
      throw new InstallsCallError(
        response.status,
        String(payload?.code ?? "UPSTREAM"),
        String(payload?.detail ?? payload?.title ?? response.statusText),
      );
    return payload as T;
  };
  const store = (storeId: string) => encodeURIComponent(storeId);
  return {
    platform: options.platform,
    install: (storeId, input: InstallInput) => call<InstallView>("PUT", store(storeId), input),
    async get(storeId) {
      try {
        return await call<InstallView>("GET", store(storeId));
      } catch (error) {
        if (error instanceof InstallsCallError && error.status === 404) return null;
        throw error;
      }
    },
    uninstall: (storeId) => call("DELETE", store(storeId)),
    openSession: (storeId, who: OpenInstallSession = {}) =>
      call<InstallSession>("POST", `${store(storeId)}/sessions`, who),
    removeUser: (storeId, userId) => call("DELETE", `${store(storeId)}/users/${encodeURIComponent(userId)}`),
  };
}

export class InstallsCallError extends Error {
  readonly status: number;
  readonly code: string;
  constructor(status: number, code: string, message: string) {
    super(message);
    this.name = "InstallsCallError";
    this.status = status;
    this.code = code;
  }
}

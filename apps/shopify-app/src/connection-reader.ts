import type { InstallsPort } from "./installs-port.ts";

/** The connection fields the embedded UI's status shows. */
export interface ConnectionStatus {
  id: string;
  status: string;
  health: string;
  lastSyncAt: string | null;
}

export type ConnectionReader = (shop: string, connectionId: string) => Promise<ConnectionStatus | null>;

/**
 * Reads a connection through the public API (`GET /v1/connections/{id}`) with a tenant session
 * from the installs port: the catalog's documents stay the catalog's, in-process or alone.
 */
export function createApiConnectionReader(options: {
  installs: InstallsPort;
  apiBaseUrl: () => string;
  fetch?: typeof fetch;
}): ConnectionReader {
  const call = options.fetch ?? fetch;
  return async (shop, connectionId) => {
    const { accessToken } = await options.installs.openSession(shop);
    const response = await call(`${options.apiBaseUrl()}/v1/connections/${encodeURIComponent(connectionId)}`, {
      headers: { authorization: `Bearer ${accessToken}` },
      signal: AbortSignal.timeout(10_000),
    });
    if (!response.ok) return null;
    const body = (await response.json()) as Partial<ConnectionStatus>;
    return {
      id: connectionId,
      status: String(body.status ?? "unknown"),
      health: String(body.health ?? "unknown"),
      lastSyncAt: typeof body.lastSyncAt === "string" ? body.lastSyncAt : null,
    };
  };
}

import http from "node:http";
import type { AddressInfo } from "node:net";
import { createLogger, createMemoryCache } from "@varai/runtime";
import { afterAll, describe, expect, it } from "vitest";
import { openLive } from "./live-client.test-helper.ts";
import { createMemoryLiveBus } from "./memory-bus.ts";
import { createLiveSockets } from "./sockets.ts";
import { createLiveTickets } from "./tickets.ts";

/** Heartbeats and the cut of a client that stopped answering, on a short period. */

const tickets = createLiveTickets(createMemoryCache());
const sockets = createLiveSockets({
  bus: createMemoryLiveBus(),
  tickets,
  logger: createLogger({ level: "silent" }),
  heartbeatMs: 100,
});
const server = http.createServer((_req, res) => res.end());
sockets.attach(server);
const base = await new Promise<string>((resolve) =>
  server.listen(0, "127.0.0.1", () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)),
);
afterAll(async () => {
  await sockets.close();
  await new Promise((r) => server.close(r));
});

const open = async () => {
  const ticket = await tickets.issue({ tenantId: "ten_h", userId: "usr_h", role: "viewer" });
  const result = await openLive(base, { ticket });
  if (!("opened" in result)) throw new Error(`refused ${result.refused}`);
  return result.opened;
};

describe("live heartbeats", () => {
  it("sends a heartbeat every period to a client that answers pings", async () => {
    const live = await open();
    await new Promise((r) => setTimeout(r, 450));
    expect(live.messages.filter((m) => m.type === "heartbeat").length).toBeGreaterThanOrEqual(3);
    expect(live.ws.readyState).toBe(live.ws.OPEN);
    live.ws.close();
  });

  it("cuts a client that stops answering pings within two periods or so", async () => {
    const live = await open();
    expect(sockets.connections).toBeGreaterThanOrEqual(1);
    // Stop the client's automatic pong: it looks like a laptop that went to sleep.
    (live.ws as unknown as { pong: () => void }).pong = () => {};
    const socket = (live.ws as unknown as { _socket: { pause(): void } })._socket;
    socket.pause();
    await expect.poll(() => sockets.connections, { timeout: 2000, interval: 50 }).toBe(0);
  });
});

import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "../logger.ts";
import { createWebhookNotifier } from "./notifier.ts";

describe("webhook notifier", () => {
  const received: Array<{ body: unknown; authorization?: string }> = [];
  let status = 204;
  const server = createServer((req, res) => {
    let text = "";
    req.on("data", (c: Buffer) => {
      text += c.toString();
    });
    req.on("end", () => {
      received.push({ body: JSON.parse(text), authorization: req.headers.authorization });
      res.writeHead(status).end();
    });
  });
  let url = "";
  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("POSTs the notification with the token, and only logs when the hook refuses or is down", async () => {
    const logs: string[] = [];
    const logger = createLogger({ level: "warn", destination: { write: (line: string) => void logs.push(line) } });
    const notification = {
      tenantId: "ten_1",
      kind: "privacy.export.ready" as const,
      path: "/v1/privacy/exports/pex_1/download",
      expiresAt: "2026-01-01T00:00:00.000Z",
    };
    const notifier = createWebhookNotifier({ url, fetch, logger, token: "hook-token-0123456789" });
    await notifier.notify(notification);
    expect(received).toEqual([{ body: notification, authorization: "Bearer hook-token-0123456789" }]);
    status = 500;
    await notifier.notify(notification);
    await createWebhookNotifier({ url: "http://127.0.0.1:9/none", fetch, logger }).notify(notification);
    expect(logs.map((l) => JSON.parse(l).msg)).toEqual(["notifier refused", "notifier unreachable"]);
  });
});

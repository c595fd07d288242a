import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { rawRequest, sendRaw } from "@varai/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHttpServer } from "./http-server.ts";

let server: Server;
let base = "";

beforeAll(async () => {
  // Answers after reading the body, a little later, as a route that parses an upload does.
  server = createHttpServer((req, res) => {
    req.resume();
    req.on("end", () =>
      setTimeout(() => {
        res.writeHead(400, { "content-type": "application/problem+json" });
        res.end(JSON.stringify({ code: "INVALID_INPUT", reason: "BAD_MULTIPART" }));
      }, 30),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe("createHttpServer", () => {
  for (const [name, connection] of [
    ["Connection: close", "close"],
    ["keep-alive", "keep-alive"],
  ] as const) {
    it(`answers a request whose body runs past its Content-Length with the route's own answer (${name})`, async () => {
      const body = Buffer.concat([Buffer.from("form bytes"), Buffer.alloc(200_000, "garbage ")]);
      const response = await sendRaw(
        base,
        rawRequest({ path: "/upload", headers: { connection, "content-length": "10" }, body }),
      );
      expect(response.socketError).toBeNull();
      expect(response.status).toBe(400);
      expect(response.headers["content-type"]).toBe("application/problem+json");
      expect(JSON.parse(response.body.toString())).toEqual({ code: "INVALID_INPUT", reason: "BAD_MULTIPART" });
    });
  }

  it("answers a chunked body broken inside with node's bare 400 instead of waiting for the rest", async () => {
    const body = Buffer.from("4\r\nform\r\nzz;\r\nmore\r\n0\r\n\r\n");
    const headers = { "content-length": null, "transfer-encoding": "chunked" };
    const response = await sendRaw(base, rawRequest({ path: "/upload", headers, body }), { timeoutMs: 3000 });
    expect(response.timedOut).toBe(false);
    expect(response.status).toBe(400);
  });

  it("answers bytes that are not HTTP with node's bare 400 and closes the connection", async () => {
    const response = await sendRaw(base, Buffer.from("\x16\x03\x01 not http at all\r\n\r\n"));
    expect(response.status).toBe(400);
    expect(response.headers.connection).toBe("close");
  });

  it("answers 431 to a header block over node's limit", async () => {
    const response = await sendRaw(base, rawRequest({ path: "/", headers: { "x-big": "a".repeat(20_000) } }));
    expect(response.status).toBe(431);
  });
});

import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { rawRequest, sendRaw } from "@varai/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHttpServer } from "./http-server.ts";

let server: Server;
let base = "";

beforeAll(async () => {
  server = createHttpServer((req, res) => {
    if (req.url === "/early") {
      // Refused from its headers, as an upload over the size limit or without credentials is.
      res.writeHead(413, { "content-type": "application/problem+json", connection: "close" });
      res.end('{"code":"PAYLOAD_TOO_LARGE"}');
      return;
    }
    // Answers after reading the body, a little later, as a route that parses an upload does.
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
  for (const connection of ["close", "keep-alive"]) {
    it(`answers a request whose body runs past its Content-Length with the route's own answer (Connection: ${connection})`, async () => {
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

  it("answers a chunked body broken inside with a 400 problem document instead of waiting for the rest", async () => {
    const body = Buffer.concat([
      Buffer.from("4\r\nform\r\nzz;\r\n"),
      Buffer.alloc(2_000_000, "more "),
      Buffer.from("\r\n0\r\n\r\n"),
    ]);
    const headers = { "content-length": null, "transfer-encoding": "chunked" };
    const response = await sendRaw(base, rawRequest({ path: "/upload", headers, body }), { timeoutMs: 3000 });
    expect(response.timedOut).toBe(false);
    expect(response.socketError).toBeNull();
    expect(response.status).toBe(400);
    expect(JSON.parse(response.body.toString())).toMatchObject({ code: "INVALID_INPUT", reason: "BAD_HTTP_FRAMING" });
  });

  it("delivers an answer sent before the body has arrived, without resetting the connection", async () => {
    for (let i = 0; i < 5; i++) {
      const body = Buffer.alloc(8 * 1024 * 1024, "x");
      const response = await sendRaw(base, rawRequest({ path: "/early", body }));
      expect(response.socketError).toBeNull();
      expect(response.status).toBe(413);
    }
  });

  it("answers bytes that are not HTTP with node's bare 400 and closes the connection", async () => {
    const response = await sendRaw(
      base,
      Buffer.concat([Buffer.from("\x16\x03\x01 not http\r\n\r\n"), Buffer.alloc(1_000_000)]),
    );
    expect(response.socketError).toBeNull();
    expect(response.status).toBe(400);
    expect(response.headers.connection).toBe("close");
  });

  it("answers 431 to a header block over node's limit", async () => {
    const response = await sendRaw(base, rawRequest({ path: "/", headers: { "x-big": "a".repeat(20_000) } }));
    expect(response.status).toBe(431);
  });
});

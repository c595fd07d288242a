import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createHttpServer } from "@varai/runtime";
import { createTestApp, rawRequest, sendRaw } from "@varai/testkit";
import { Router } from "express";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readPhotoForm } from "./multipart.ts";

// readPhotoForm on a real socket, with bodies no HTTP client library would send. An uncaught
// error on any stream fails the suite (this package's vitest set-up), even when the 400 went out.

const router = Router();
router.post("/form", async (req, res) => {
  const form = await readPhotoForm(req, 1024 * 1024);
  res.json({ photoBytes: form.photo?.length ?? null, fields: form.fields });
});
let server: Server;
let base = "";

beforeAll(async () => {
  server = createHttpServer(createTestApp({ modules: [{ name: "form", router }] }));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const MULTIPART = { "content-type": "multipart/form-data; boundary=x" };
const filePart = (name: string, content: string) =>
  `--x\r\nContent-Disposition: form-data; name="${name}"; filename="a.jpg"\r\nContent-Type: image/jpeg\r\n\r\n${content}`;
const field = (name: string, value: string) =>
  `--x\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;
const post = (body: string, headers: Record<string, string> = {}) =>
  sendRaw(
    base,
    rawRequest({ path: "/form", headers: { ...MULTIPART, ...headers }, body: Buffer.from(body, "latin1") }),
  );

async function expectBadMultipart(response: Awaited<ReturnType<typeof sendRaw>>) {
  expect(response.socketError).toBeNull();
  expect(response.status).toBe(400);
  expect(response.headers["content-type"]).toMatch(/^application\/problem\+json/);
  expect(JSON.parse(response.body.toString())).toMatchObject({ code: "INVALID_INPUT", reason: "BAD_MULTIPART" });
  // And the server goes on serving.
  const next = await post(`${field("consent", "true")}${filePart("photo", "abc")}\r\n--x--\r\n`);
  expect(next.status).toBe(200);
  expect(JSON.parse(next.body.toString())).toEqual({ photoBytes: 3, fields: { consent: "true" } });
}

describe("readPhotoForm on malformed uploads", () => {
  it("answers 400 BAD_MULTIPART to a form that ends inside the photo (no closing boundary)", async () => {
    await expectBadMultipart(await post(filePart("photo", "abc")));
  });

  it("answers 400 BAD_MULTIPART to a form that ends inside a file part it does not read", async () => {
    await expectBadMultipart(await post(`${field("consent", "true")}${filePart("selfie", "def")}`));
  });

  it("answers 400 BAD_MULTIPART when the Content-Length stops inside the photo", async () => {
    const body = `${filePart("photo", "a".repeat(100))}\r\n--x--\r\n`;
    await expectBadMultipart(await post(body, { "content-length": String(body.length - 60) }));
  });

  it("answers 400 BAD_MULTIPART to a malformed part header", async () => {
    await expectBadMultipart(await post(`--x\r\nContent-Disposition form-data\r\n${"h".repeat(20_000)}`));
  });

  it("stays up when a client declares more than it sends and goes away mid-photo", async () => {
    const body = filePart("photo", "a".repeat(1000));
    const gone = await sendRaw(
      base,
      rawRequest({
        path: "/form",
        headers: { ...MULTIPART, "content-length": String(body.length + 50_000) },
        body: Buffer.from(body),
      }),
      { destroyAfterMs: 200 },
    );
    expect(gone.status).toBeNull();
    const next = await post(`${filePart("photo", "abc")}\r\n--x--\r\n`);
    expect(next.status).toBe(200);
  });
});

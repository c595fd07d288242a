import { readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createServer as createTlsServer } from "node:https";
import type { AddressInfo } from "node:net";
import { buildConnector } from "undici";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { addressRange } from "./address-policy.ts";
import { createGuardedFetch, type GuardedFetch, type LookupAddress, UPSTREAM_REFUSED } from "./guarded-fetch.ts";

// The network is outside our walls: DNS is a stub (`lookup`), and sockets for "public" addresses
// are routed to a local plain-HTTP server (`connect`, which records the address it was asked to
// reach and stands in for TLS too, so https:// URLs are what these tests call).
const PUBLIC_A = "93.184.215.14";
const PUBLIC_B = "151.101.1.69";

type Handler = (req: IncomingMessage, res: ServerResponse) => void;
let handler: Handler = (_req, res) => res.end("ok");
let server: Server;
let port = 0;
const seenHeaders: Array<Record<string, string | string[] | undefined>> = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    seenHeaders.push(req.headers);
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const fetches: GuardedFetch[] = [];
afterEach(async () => {
  handler = (_req, res) => res.end("ok");
  seenHeaders.length = 0;
  for (const f of fetches.splice(0)) await f.close();
});

const DNS: Record<string, string[]> = {
  "shop.example": [PUBLIC_A],
  "cdn.example": [PUBLIC_B],
  "internal.example": ["10.0.0.7"],
  "localhost.example": ["127.0.0.1"],
  "metadata.example": ["169.254.169.254"],
  "mixed.example": [PUBLIC_A, "192.168.1.20"],
  "v6loop.example": ["::1"],
};

function harness(policy: Parameters<typeof createGuardedFetch>[0] = {}, dns = DNS) {
  const connectedTo: string[] = [];
  const lookups: string[] = [];
  const real = buildConnector({});
  const guarded = createGuardedFetch(policy, {
    lookup: async (hostname): Promise<LookupAddress[]> => {
      lookups.push(hostname);
      const answers = dns[hostname];
      if (!answers) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: "ENOTFOUND" });
      return answers.map((address) => ({ address, family: address.includes(":") ? 6 : 4 }));
    },
    connect: (options, callback) => {
      connectedTo.push(options.hostname);
      real({ ...options, protocol: "http:", hostname: "127.0.0.1", port: String(port) }, callback);
    },
  });
  fetches.push(guarded);
  return { guarded, connectedTo, lookups };
}

async function refusal(promise: Promise<unknown>) {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error, "the call was refused").toBeTruthy();
  return error as { code?: string; message: string; details?: Record<string, unknown> };
}

describe("addressRange (ipaddr.js)", () => {
  it("calls global unicast addresses public and names every special range", () => {
    expect(addressRange(PUBLIC_A)).toBe("unicast");
    expect(addressRange("2606:4700:4700::1111")).toBe("unicast");
    expect(addressRange("127.0.0.1")).toBe("loopback");
    expect(addressRange("10.1.2.3")).toBe("private");
    expect(addressRange("172.16.0.1")).toBe("private");
    expect(addressRange("192.168.0.1")).toBe("private");
    expect(addressRange("169.254.169.254")).toBe("metadata");
    expect(addressRange("169.254.10.1")).toBe("linkLocal");
    expect(addressRange("100.64.0.1")).toBe("carrierGradeNat");
    expect(addressRange("100.100.100.200")).toBe("metadata");
    expect(addressRange("0.0.0.0")).toBe("unspecified");
    expect(addressRange("::1")).toBe("loopback");
    expect(addressRange("::ffff:127.0.0.1")).toBe("loopback");
    expect(addressRange("[::ffff:7f00:1]")).toBe("loopback");
    expect(addressRange("fd12:3456::1")).toBe("uniqueLocal");
    expect(addressRange("fd00:ec2::254")).toBe("metadata");
    expect(addressRange("fe80::1")).toBe("linkLocal");
    expect(addressRange("64:ff9b::7f00:1")).toBe("rfc6052");
    expect(addressRange("not-an-ip")).toBe("invalid");
  });
});

describe("createGuardedFetch", () => {
  it.each([
    ["loopback", "https://127.0.0.1/admin"],
    ["loopback written in hex", "https://0x7f000001/"],
    ["private", "https://10.0.0.5/"],
    ["private", "https://192.168.1.1/"],
    ["cloud metadata", "https://169.254.169.254/latest/meta-data/"],
    ["CGNAT", "https://100.64.0.1/"],
    ["unspecified", "https://0.0.0.0/"],
    ["IPv6 loopback", "https://[::1]/"],
    ["IPv4-mapped IPv6 loopback", "https://[::ffff:127.0.0.1]/"],
    ["IPv6 unique-local", "https://[fd00::1]/"],
    ["a name that resolves to loopback", "https://localhost.example/"],
    ["a name that resolves to the metadata address", "https://metadata.example/"],
    ["a name that resolves to IPv6 loopback", "https://v6loop.example/"],
    ["a name with one private answer among public ones", "https://mixed.example/"],
  ])("refuses %s (%s) without opening a socket", async (_what, url) => {
    const { guarded, connectedTo } = harness();
    const error = await refusal(guarded(url));
    expect(error).toMatchObject({ code: "INVALID_INPUT", details: { reason: UPSTREAM_REFUSED } });
    expect(connectedTo).toEqual([]);
    expect(seenHeaders).toHaveLength(0);
  });

  it("refuses http:// unless configured for development, before any lookup", async () => {
    const { guarded, connectedTo, lookups } = harness();
    const error = await refusal(guarded("http://shop.example/products"));
    expect(error).toMatchObject({ code: "INVALID_INPUT", details: { reason: UPSTREAM_REFUSED, refusal: "scheme" } });
    expect(error.message).toContain("https only");
    expect(lookups).toEqual([]);
    expect(connectedTo).toEqual([]);
    await expect(harness({ allowHttp: true }).guarded("ftp://shop.example/")).rejects.toMatchObject({
      details: { refusal: "scheme" },
    });
  });

  it("reaches a public host, connecting to the address it checked", async () => {
    const { guarded, connectedTo, lookups } = harness();
    const response = await guarded("https://shop.example/hello");
    expect(response.status).toBe(200);
    expect(await response.text()).toBe("ok");
    expect(lookups).toEqual(["shop.example"]);
    expect(connectedTo).toEqual([PUBLIC_A]);
  });

  it("checks the answer it connects to: a name that passed check() and now resolves inside is refused (rebinding)", async () => {
    let calls = 0;
    const rebinding = new Proxy(DNS, {
      get: (target, name: string) =>
        name === "rebind.example" ? (calls++ === 0 ? [PUBLIC_A] : ["127.0.0.1"]) : target[name],
    });
    const { guarded, connectedTo } = harness({}, rebinding);
    await guarded.check("https://rebind.example/");
    const error = await refusal(guarded("https://rebind.example/"));
    expect(error).toMatchObject({ details: { reason: UPSTREAM_REFUSED, refusal: "address" } });
    expect(calls).toBe(2);
    expect(connectedTo).toEqual([]);
  });

  it("speaks TLS to the checked address with the host name's identity (SNI and certificate check)", async () => {
    // A self-signed certificate for shop.example only (fixtures/, test use only).
    const cert = readFileSync(new URL("./fixtures/test-only-shop.example.cert.pem", import.meta.url));
    const key = readFileSync(new URL("./fixtures/test-only-shop.example.key.pem", import.meta.url));
    const tls = createTlsServer({ key, cert }, (req, res) => res.end(`tls ${req.headers.host}`));
    await new Promise<void>((resolve) => tls.listen(0, "127.0.0.1", resolve));
    const tlsPort = (tls.address() as AddressInfo).port;
    const trusting = buildConnector({ ca: cert });
    const connectedTo: string[] = [];
    const guarded = createGuardedFetch(
      {},
      {
        lookup: async (hostname) => [{ address: hostname === "shop.example" ? PUBLIC_A : PUBLIC_B, family: 4 }],
        connect: (options, callback) => {
          connectedTo.push(options.hostname);
          trusting({ ...options, hostname: "127.0.0.1", port: String(tlsPort) }, callback);
        },
      },
    );
    fetches.push(guarded);
    try {
      const response = await guarded("https://shop.example/secure");
      expect(await response.text()).toBe("tls shop.example");
      expect(connectedTo).toEqual([PUBLIC_A]);
      // The certificate is checked against the name, not the address: another name fails.
      await expect(guarded("https://cdn.example/secure")).rejects.toThrow();
    } finally {
      tls.close();
    }
  });

  it("follows redirects between public hosts, checking every hop", async () => {
    handler = (req, res) => {
      if (req.headers.host === "shop.example") {
        res.writeHead(302, { location: "https://cdn.example/image.png" });
        return res.end();
      }
      res.end("image");
    };
    const { guarded, connectedTo } = harness();
    const response = await guarded("https://shop.example/product.png");
    expect(await response.text()).toBe("image");
    expect(connectedTo).toEqual([PUBLIC_A, PUBLIC_B]);
  });

  it.each([
    ["a name that resolves to a private address", "https://internal.example/secret"],
    ["the metadata address", "https://169.254.169.254/latest/meta-data/"],
    ["IPv6 loopback", "https://[::1]:8080/"],
  ])("refuses a redirect from a public host to %s", async (_what, target) => {
    handler = (_req, res) => {
      res.writeHead(301, { location: target });
      res.end();
    };
    const { guarded, connectedTo } = harness();
    const error = await refusal(guarded("https://shop.example/redirect-me"));
    expect(error).toMatchObject({ code: "INVALID_INPUT", details: { reason: UPSTREAM_REFUSED } });
    expect(connectedTo).toEqual([PUBLIC_A]);
    expect(seenHeaders).toHaveLength(1);
  });

  it("refuses a redirect from https to http when http is not allowed", async () => {
    handler = (_req, res) => {
      res.writeHead(302, { location: "http://cdn.example/" });
      res.end();
    };
    const { guarded, connectedTo } = harness();
    await expect(guarded("https://shop.example/")).rejects.toMatchObject({ details: { refusal: "scheme" } });
    expect(connectedTo).toEqual([PUBLIC_A]);
  });

  it("drops credentials on a redirect to another origin and keeps them on the same origin", async () => {
    handler = (req, res) => {
      if (req.url === "/start") {
        res.writeHead(307, { location: "/same" });
        return res.end();
      }
      if (req.url === "/same") {
        res.writeHead(308, { location: "https://cdn.example/other" });
        return res.end();
      }
      res.end("done");
    };
    const { guarded } = harness();
    const response = await guarded("https://shop.example/start", {
      method: "POST",
      body: "{}",
      headers: {
        "x-shopify-access-token": "shpat_secret",
        authorization: "Basic c2VjcmV0",
        "content-type": "application/json",
      },
    });
    expect(await response.text()).toBe("done");
    expect(seenHeaders.map((h) => h["x-shopify-access-token"])).toEqual(["shpat_secret", "shpat_secret", undefined]);
    expect(seenHeaders.map((h) => h.authorization)).toEqual(["Basic c2VjcmV0", "Basic c2VjcmV0", undefined]);
    expect(seenHeaders[2]?.["content-type"]).toBe("application/json");
  });

  it("stops after maxRedirects", async () => {
    let n = 0;
    handler = (_req, res) => {
      res.writeHead(302, { location: `/hop-${++n}` });
      res.end();
    };
    const { guarded } = harness({ maxRedirects: 3 });
    await expect(guarded("https://shop.example/")).rejects.toMatchObject({ code: "INVALID_RESPONSE" });
    expect(seenHeaders).toHaveLength(4);
  });

  it("refuses a response whose declared size is over the limit", async () => {
    handler = (_req, res) => {
      res.writeHead(200, { "content-length": String(2048) });
      res.end(Buffer.alloc(2048));
    };
    const { guarded } = harness({ maxResponseBytes: 1024 });
    await expect(guarded("https://shop.example/big")).rejects.toMatchObject({ code: "INVALID_RESPONSE" });
  });

  it("cuts a chunked body when it passes the limit", async () => {
    handler = (_req, res) => {
      res.writeHead(200, { "content-type": "application/octet-stream" });
      for (let i = 0; i < 8; i++) res.write(Buffer.alloc(512));
      res.end();
    };
    const { guarded } = harness({ maxResponseBytes: 1024 });
    const response = await guarded("https://shop.example/chunked");
    await expect(response.arrayBuffer()).rejects.toMatchObject({ code: "INVALID_RESPONSE" });
    const small = await harness({ maxResponseBytes: 4096 }).guarded("https://shop.example/chunked");
    expect((await small.arrayBuffer()).byteLength).toBe(4096);
  });

  it("gives up on an upstream that does not answer within the time limit", async () => {
    handler = () => {}; // never answers
    const { guarded } = harness({ timeoutMs: 150 });
    await expect(guarded("https://shop.example/slow")).rejects.toMatchObject({ code: "UPSTREAM_UNAVAILABLE" });
  });

  it("gives up on a body that stalls past the time limit", async () => {
    handler = (_req, res) => {
      res.writeHead(200, { "content-type": "text/plain" });
      res.write("partial");
    };
    const { guarded } = harness({ timeoutMs: 150 });
    const response = await guarded("https://shop.example/stall");
    await expect(response.text()).rejects.toMatchObject({ code: "UPSTREAM_UNAVAILABLE" });
  });

  it("check() validates a URL at the door without calling it", async () => {
    const { guarded, connectedTo } = harness();
    await expect(guarded.check("https://shop.example/wp-json")).resolves.toBeUndefined();
    await expect(guarded.check("https://internal.example/")).rejects.toMatchObject({
      code: "INVALID_INPUT",
      details: { reason: UPSTREAM_REFUSED, refusal: "address" },
    });
    await expect(guarded.check("https://nowhere.example/")).rejects.toMatchObject({
      details: { reason: UPSTREAM_REFUSED, refusal: "unresolvable" },
    });
    await expect(guarded.check("http://shop.example/")).rejects.toMatchObject({ details: { refusal: "scheme" } });
    await expect(guarded.check("https://user:pw@shop.example/")).rejects.toMatchObject({
      details: { refusal: "credentials" },
    });
    expect(connectedTo).toEqual([]);
  });

  it("reaches loopback only when private addresses are allowed (development)", async () => {
    const strict = createGuardedFetch({ allowHttp: true });
    const dev = createGuardedFetch({ allowHttp: true, allowPrivateAddresses: true });
    fetches.push(strict, dev);
    await expect(strict(`http://127.0.0.1:${port}/`)).rejects.toMatchObject({ details: { reason: UPSTREAM_REFUSED } });
    const response = await dev(`http://127.0.0.1:${port}/`);
    expect(await response.text()).toBe("ok");
  });

  it("reaches a trusted origin as it is, and nothing else on loopback (the demo's simulator)", async () => {
    const origin = `http://127.0.0.1:${port}`;
    const guarded = createGuardedFetch({ trustedOrigin: (o) => o === origin });
    fetches.push(guarded);
    expect(await (await guarded(`${origin}/`)).text()).toBe("ok");
    await expect(guarded.check(`${origin}/shopify`)).resolves.toBeUndefined();
    await expect(guarded.check(`http://127.0.0.1:${port + 1}/`)).rejects.toMatchObject({
      details: { reason: UPSTREAM_REFUSED, refusal: "scheme" },
    });
    await expect(guarded(`https://127.0.0.1:${port}/`)).rejects.toMatchObject({
      details: { reason: UPSTREAM_REFUSED, refusal: "address" },
    });
    await expect(guarded(`http://localhost:${port}/`)).rejects.toMatchObject({ details: { reason: UPSTREAM_REFUSED } });
  });
});

import net from "node:net";

export interface RawResponse {
  /** The first response's status; null when none arrived. */
  status: number | null;
  headers: Record<string, string>;
  /** The first response's body (by its Content-Length or chunks; everything after the head otherwise). */
  body: Buffer;
  /** A socket error before the server closed (ECONNRESET, EPIPE): the server dropped the request. */
  socketError: string | null;
  timedOut: boolean;
}

/**
 * Sends bytes exactly as given over a fresh TCP connection and reads until the server closes it:
 * for requests no HTTP client will send (a Content-Length that lies, a body cut mid-part). The
 * request should carry `Connection: close`. `destroyAfterMs` drops the connection from our side
 * after that long without an answer (a client that gives up mid-upload).
 */
export function sendRaw(
  url: string,
  bytes: Uint8Array,
  options: { timeoutMs?: number; destroyAfterMs?: number } = {},
): Promise<RawResponse> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let socketError: string | null = null;
    let timedOut = false;
    const socket = net.connect(Number(port), hostname);
    const timer = setTimeout(
      () => {
        timedOut = options.destroyAfterMs === undefined;
        socket.destroy();
      },
      options.destroyAfterMs ?? options.timeoutMs ?? 10_000,
    );
    socket.on("data", (chunk: Buffer) => chunks.push(chunk));
    socket.on("error", (error: NodeJS.ErrnoException) => {
      socketError = error.code ?? error.message;
    });
    socket.on("close", () => {
      clearTimeout(timer);
      resolve({ ...parseResponse(Buffer.concat(chunks)), socketError, timedOut });
    });
    socket.write(bytes);
  });
}

function parseResponse(data: Buffer): Pick<RawResponse, "status" | "headers" | "body"> {
  const headEnd = data.indexOf("\r\n\r\n");
  const head = data.subarray(0, headEnd < 0 ? data.length : headEnd).toString("latin1");
  const [statusLine = "", ...lines] = head.split("\r\n");
  const status = /^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1];
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(":");
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  const rest = headEnd < 0 ? Buffer.alloc(0) : data.subarray(headEnd + 4);
  const length = Number(headers["content-length"]);
  const body = headers["transfer-encoding"] === "chunked" ? dechunk(rest) : rest;
  return {
    status: status ? Number(status) : null,
    headers,
    body: Number.isInteger(length) ? body.subarray(0, length) : body,
  };
}

function dechunk(data: Buffer): Buffer {
  const parts: Buffer[] = [];
  let at = 0;
  while (at < data.length) {
    const lineEnd = data.indexOf("\r\n", at);
    const size = Number.parseInt(data.subarray(at, lineEnd).toString("latin1"), 16);
    if (lineEnd < 0 || !(size > 0)) break;
    parts.push(data.subarray(lineEnd + 2, lineEnd + 2 + size));
    at = lineEnd + 2 + size + 2;
  }
  return Buffer.concat(parts);
}

/**
 * The bytes of one HTTP/1.1 request with `Connection: close` and the body's Content-Length,
 * unless `headers` says otherwise (a `null` value leaves that header out).
 */
export function rawRequest(request: {
  method?: string;
  path: string;
  headers?: Record<string, string | null>;
  body?: Uint8Array;
}): Buffer {
  const body = request.body ?? Buffer.alloc(0);
  const all: Record<string, string | null> = {
    host: "127.0.0.1",
    connection: "close",
    "content-length": String(body.length),
    ...request.headers,
  };
  const lines = Object.entries(all).flatMap(([name, value]) => (value === null ? [] : [`${name}: ${value}`]));
  const head = [`${request.method ?? "POST"} ${request.path} HTTP/1.1`, ...lines, "", ""].join("\r\n");
  return Buffer.concat([Buffer.from(head, "latin1"), body]);
}

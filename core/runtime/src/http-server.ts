import http, { type RequestListener, type ServerResponse } from "node:http";
import type { Socket } from "node:net";
import type { Duplex } from "node:stream";
import { AppError } from "@varai/schema";
import { writeProblem } from "./http.ts";

/** How long a closing connection goes on reading what the client still sends. */
const LINGER_MS = 5_000;

/** node's own answers to bytes that are not HTTP (what its default `clientError` handling writes). */
function bareStatus(error: NodeJS.ErrnoException): string {
  if (error.code === "HPE_HEADER_OVERFLOW") return "431 Request Header Fields Too Large";
  if (error.code === "HPE_CHUNK_EXTENSIONS_OVERFLOW") return "413 Payload Too Large";
  if (error.code === "ERR_HTTP_REQUEST_TIMEOUT") return "408 Request Timeout";
  return "400 Bad Request";
}

/**
 * Closes in stages (RFC 9112 section 9.6): our side first, then the socket goes on reading (and
 * node's parser dropping) what the client still sends until it closes too, LINGER_MS at most.
 * Closing both ways at once while a client is still sending makes the kernel reset the
 * connection, and the client (a browser mid-upload) loses the answer already sent for a
 * network error.
 */
function lingeringClose(socket: Duplex): void {
  if (socket.destroyed) return;
  socket.end();
  const timer = setTimeout(() => socket.destroy(), LINGER_MS);
  timer.unref();
  socket.once("close", () => clearTimeout(timer));
}

/**
 * `http.createServer` that gets its answers to clients that send more than they should:
 *
 * - every connection node closes after a response (`Connection: close`, an upload refused before
 *   its body has all arrived) closes with `lingeringClose`, not at once;
 * - a body longer than its Content-Length leaves bytes node parses as the next request; by
 *   default it then writes a bare 400 and destroys the socket, so the answer being prepared for
 *   the request itself (a problem document) is lost. Here that request is answered first. When
 *   the broken bytes are inside a request's body (a bad chunk), its route would wait for the
 *   rest forever: that request gets a 400 problem document at once.
 */
export function createHttpServer(listener?: RequestListener): http.Server {
  const server = http.createServer();
  server.on("connection", (socket: Socket) => {
    // node's http server calls destroySoon after the last response of a connection.
    socket.destroySoon = () => lingeringClose(socket);
  });
  const answering = new WeakMap<Duplex, ServerResponse>();
  server.on("request", (req, res) => {
    answering.set(req.socket, res);
    res.once("close", () => {
      if (answering.get(req.socket) === res) answering.delete(req.socket);
    });
  });
  if (listener) server.on("request", listener);

  const closing = new WeakSet<Duplex>();
  server.on("clientError", (error: NodeJS.ErrnoException, socket: Duplex) => {
    // The broken parser reports again for every further chunk the client sends.
    if (closing.has(socket)) return;
    closing.add(socket);
    const inFlight = answering.get(socket);
    if (inFlight && error.code?.startsWith("HPE_")) {
      inFlight.shouldKeepAlive = false;
      if (!inFlight.req.complete && !inFlight.headersSent) {
        const requestId = inFlight.getHeader("x-request-id");
        writeProblem(
          inFlight,
          new AppError("INVALID_INPUT", "Malformed HTTP request body", { details: { reason: "BAD_HTTP_FRAMING" } }),
          typeof requestId === "string" ? requestId : undefined,
        );
      }
      // The response's end closes the connection (destroySoon above).
      return;
    }
    if (socket.writable && !inFlight?.headersSent) {
      socket.write(`HTTP/1.1 ${bareStatus(error)}\r\nConnection: close\r\n\r\n`);
    }
    if (error.code === "ECONNRESET") socket.destroy();
    else lingeringClose(socket);
  });
  return server;
}

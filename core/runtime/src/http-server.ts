import http, { type RequestListener, type ServerResponse } from "node:http";
import type { Duplex } from "node:stream";

/** node's own answers to bytes that are not HTTP (what its default `clientError` handling writes). */
function bareStatus(error: NodeJS.ErrnoException): string {
  if (error.code === "HPE_HEADER_OVERFLOW") return "431 Request Header Fields Too Large";
  if (error.code === "ERR_HTTP_REQUEST_TIMEOUT") return "408 Request Timeout";
  return "400 Bad Request";
}

/**
 * `http.createServer` whose answer to a request survives the garbage that follows it. A body
 * longer than its Content-Length leaves bytes that node parses as the next request on the
 * connection; its default `clientError` handling then writes a bare 400 and destroys the socket
 * at once, so the answer being prepared for the request itself (a problem document) is lost.
 * Here a request that arrived whole and is still being answered finishes first, and the
 * connection closes after it; otherwise node's default answer stands.
 */
export function createHttpServer(listener?: RequestListener): http.Server {
  const server = http.createServer();
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
    // node stops listening for the socket's errors once it reports one here.
    if (socket.listenerCount("error") === 0) socket.on("error", () => socket.destroy());
    // The broken parser reports again for every further chunk the client sends: read and drop them
    // (leaving them unread would reset the connection on close, taking the answer with it).
    if (closing.has(socket)) return;
    const inFlight = answering.get(socket);
    // Only a request that arrived whole can still be answered: when the error is inside its body
    // (a broken chunk), the route would wait for the rest forever.
    if (inFlight?.req.complete && error.code?.startsWith("HPE_")) {
      closing.add(socket);
      inFlight.shouldKeepAlive = false;
      inFlight.once("close", () => socket.end());
      return;
    }
    if (socket.writable && (socket as Duplex & { bytesWritten?: number }).bytesWritten === 0) {
      socket.write(`HTTP/1.1 ${bareStatus(error)}\r\nConnection: close\r\n\r\n`);
    }
    socket.destroy();
  });
  return server;
}

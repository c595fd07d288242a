import WebSocket from "ws";

export type LiveMessage = {
  type: string;
  id?: string;
  topic?: string;
  data?: Record<string, unknown>;
  resumed?: boolean;
};

export interface OpenedLive {
  ws: WebSocket;
  messages: LiveMessage[];
  /** Resolves with the first message (already received or future) that matches. */
  next(match: (m: LiveMessage) => boolean, timeoutMs?: number): Promise<LiveMessage>;
}

/** Opens `/v1/live` with node's ws client: the socket, or the HTTP status of the refused upgrade. */
export function openLive(
  base: string,
  query: Record<string, string>,
): Promise<{ opened: OpenedLive } | { refused: number; body: string }> {
  const url = `${base.replace(/^http/, "ws")}/v1/live?${new URLSearchParams(query)}`;
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    const messages: LiveMessage[] = [];
    const waiters: Array<{ match: (m: LiveMessage) => boolean; resolve: (m: LiveMessage) => void }> = [];
    ws.on("message", (raw) => {
      const message = JSON.parse(String(raw)) as LiveMessage;
      messages.push(message);
      for (const w of [...waiters])
        if (w.match(message)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(message);
        }
    });
    ws.on("unexpected-response", (_req, res) => {
      let body = "";
      res.on("data", (chunk) => {
        body += chunk;
      });
      res.on("end", () => resolve({ refused: res.statusCode ?? 0, body }));
    });
    ws.on("error", (error) => {
      if (ws.readyState !== WebSocket.CLOSED) reject(error);
    });
    ws.on("open", () =>
      resolve({
        opened: {
          ws,
          messages,
          next(match, timeoutMs = 10_000) {
            const found = messages.find(match);
            if (found) return Promise.resolve(found);
            return new Promise((res, rej) => {
              const timer = setTimeout(() => rej(new Error("no matching live message")), timeoutMs);
              waiters.push({
                match,
                resolve: (m) => {
                  clearTimeout(timer);
                  res(m);
                },
              });
            });
          },
        },
      }),
    );
  });
}

import { lookup as dnsLookup } from "node:dns/promises";
import { isIP } from "node:net";
import { AppError, isAppError } from "@varai/schema";
import { Agent, buildConnector, fetch as undiciFetch } from "undici";
import { addressRange } from "./address-policy.ts";

/** `details.reason` of the error a refused URL gets, at the door (`check`) and at fetch time. */
export const UPSTREAM_REFUSED = "UPSTREAM_REFUSED";

export interface OutboundPolicy {
  /** Allow `http:` (development: the platform simulator). Default false: https only. */
  allowHttp?: boolean;
  /** Allow loopback, private, link-local, CGNAT, unique-local... addresses (development only). Default false. */
  allowPrivateAddresses?: boolean;
  /**
   * Origins this deployment serves itself and may call as they are (the default install's platform
   * simulator on `http://127.0.0.1:<port>`): called with a URL's exact origin; true skips the scheme
   * and address checks for that URL only, not for other ports or hosts. Default: none.
   */
  trustedOrigin?: (origin: string) => boolean;
  /** Redirects followed, each hop checked like the first. Default 5. */
  maxRedirects?: number;
  /** The whole exchange, redirects and body included. Default 15 s. */
  timeoutMs?: number;
  /** Response body size cap. Default 32 MiB. */
  maxResponseBytes?: number;
}

export interface LookupAddress {
  address: string;
  family: number;
}

export interface OutboundDeps {
  /** DNS: every address of a host name. Default `dns.promises.lookup(host, { all: true })`. Tests pass a stub. */
  lookup?: (hostname: string) => Promise<LookupAddress[]>;
  /**
   * Opens the socket to an address that passed the checks (`options.hostname` is that address;
   * `options.host` keeps the name for TLS). Default undici's connector. Tests route it to a local server.
   */
  connect?: buildConnector.connector;
}

/** A `fetch` for URLs we were given rather than chose: what adapters and the image fetcher receive as `fetch`. */
export interface GuardedFetch {
  (input: string | URL | Request, init?: RequestInit): Promise<Response>;
  /** Checks a URL against the policy (scheme, every address its host resolves to) without calling it. */
  check(url: string | URL): Promise<void>;
  /** Closes pooled connections. */
  close(): Promise<void>;
}

export function isUpstreamRefused(error: unknown): error is AppError {
  return isAppError(error) && error.details?.reason === UPSTREAM_REFUSED;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const NULL_BODY = new Set([101, 204, 205, 304]);
/** Request headers kept when a redirect leaves the origin: credentials (any custom token header) stay behind. */
const CROSS_ORIGIN_SAFE = new Set(["accept", "accept-language", "content-type", "user-agent"]);

const stripBrackets = (host: string) => (host.startsWith("[") && host.endsWith("]") ? host.slice(1, -1) : host);

function refused(host: string, why: string, refusal: string): AppError {
  return new AppError("INVALID_INPUT", `Refused to call ${host}: ${why}`, {
    details: { reason: UPSTREAM_REFUSED, refusal },
  });
}

/**
 * The one fetch for tenant- and platform-supplied URLs (connections' API calls, product images,
 * app callbacks). https only; every host's addresses are resolved and checked (address-policy.ts)
 * when a connection is opened, and the socket goes to the address that was checked, so a DNS answer
 * that changes between check and connect (rebinding) changes nothing. Redirects are followed here,
 * one checked hop at a time, up to `maxRedirects`; the exchange is bounded in time and size.
 */
export function createGuardedFetch(policy: OutboundPolicy = {}, deps: OutboundDeps = {}): GuardedFetch {
  const allowHttp = policy.allowHttp ?? false;
  const allowPrivate = policy.allowPrivateAddresses ?? false;
  const maxRedirects = policy.maxRedirects ?? 5;
  const timeoutMs = policy.timeoutMs ?? 15_000;
  const maxBytes = policy.maxResponseBytes ?? 32 * 1024 * 1024;
  const trustedOrigin = policy.trustedOrigin ?? (() => false);
  const lookup = deps.lookup ?? ((hostname: string) => dnsLookup(hostname, { all: true, verbatim: true }));
  const openSocket = deps.connect ?? buildConnector({});

  const checkAddress = (host: string, address: string) => {
    if (allowPrivate) return;
    const range = addressRange(address);
    if (range !== "unicast") throw refused(host, `${address} is a ${range} address`, "address");
  };

  /** The address to connect to: a literal as given, else the first answer, once every answer passed. */
  const resolve = async (hostname: string): Promise<string> => {
    const host = stripBrackets(hostname);
    if (isIP(host)) {
      checkAddress(host, host);
      return host;
    }
    const answers = await lookup(host);
    if (answers.length === 0) throw refused(host, "the name has no address", "unresolvable");
    // Every answer, not just the one used: a name that also points inside is refused outright.
    for (const answer of answers) checkAddress(host, answer.address);
    return answers[0]!.address;
  };

  const agent = new Agent({
    connect: (options, callback) => {
      resolve(options.hostname).then(
        (address) => openSocket({ ...options, hostname: address }, callback),
        (error: Error) => callback(error, null),
      );
    },
  });

  // A trusted origin is one of our own servers: its sockets skip the address check (own pool).
  const trustedAgent = new Agent();

  /** What can be decided from the URL alone, before any socket. True: a trusted origin. */
  const checkUrl = (url: URL): boolean => {
    if (url.username || url.password) throw refused(url.host, "credentials in the URL", "credentials");
    if (trustedOrigin(url.origin)) return true;
    if (url.protocol !== "https:" && !(allowHttp && url.protocol === "http:"))
      throw refused(
        url.host,
        `${url.protocol.replace(/:$/, "")} is not allowed${allowHttp ? "" : " (https only)"}`,
        "scheme",
      );
    const host = stripBrackets(url.hostname);
    if (isIP(host)) checkAddress(host, host);
    return false;
  };

  const guarded = async (input: string | URL | Request, init: RequestInit = {}): Promise<Response> => {
    const request = input instanceof Request ? input : null;
    let url = new URL(request ? request.url : input.toString());
    let method = (init.method ?? request?.method ?? "GET").toUpperCase();
    let headers = new Headers(init.headers ?? request?.headers);
    let body: RequestInit["body"] =
      init.body ?? (request && method !== "GET" && method !== "HEAD" ? await request.arrayBuffer() : undefined);
    const timeout = AbortSignal.timeout(timeoutMs);
    const callerSignal = init.signal ?? request?.signal ?? null;
    const signal = callerSignal ? AbortSignal.any([callerSignal, timeout]) : timeout;
    const mapError = (error: unknown): unknown => {
      if (timeout.aborted && !callerSignal?.aborted)
        return new AppError("UPSTREAM_UNAVAILABLE", `${url.host} did not answer within ${timeoutMs} ms`, {
          cause: error,
        });
      const cause = (error as { cause?: unknown } | null)?.cause;
      return isAppError(cause) ? cause : error;
    };

    for (let hop = 0; ; hop++) {
      const trusted = checkUrl(url);
      let response: Awaited<ReturnType<typeof undiciFetch>>;
      try {
        response = await undiciFetch(url, {
          method,
          headers: [...headers],
          body: body as never,
          redirect: "manual",
          signal,
          dispatcher: trusted ? trustedAgent : agent,
          ...(body instanceof ReadableStream ? { duplex: "half" } : {}),
        } as Parameters<typeof undiciFetch>[1]);
      } catch (error) {
        throw mapError(error);
      }
      const location = response.headers.get("location");
      if (!REDIRECTS.has(response.status) || !location || init.redirect === "manual")
        return limited(response, method, maxBytes, mapError);
      await response.body?.cancel().catch(() => undefined);
      if (init.redirect === "error") throw new AppError("INVALID_RESPONSE", `${url.host} answered with a redirect`);
      if (hop >= maxRedirects) throw new AppError("INVALID_RESPONSE", `More than ${maxRedirects} redirects`);
      const next = new URL(location, url);
      if (next.origin !== url.origin)
        headers = new Headers([...headers].filter(([name]) => CROSS_ORIGIN_SAFE.has(name.toLowerCase())));
      if (response.status === 303 || ((response.status === 301 || response.status === 302) && method === "POST")) {
        method = method === "HEAD" ? "HEAD" : "GET";
        body = undefined;
        headers.delete("content-type");
        headers.delete("content-length");
      } else if (body instanceof ReadableStream) {
        throw new AppError("INVALID_RESPONSE", `${url.host} redirected a streamed body`);
      }
      url = next;
    }
  };

  return Object.assign(guarded, {
    async check(value: string | URL) {
      const url = new URL(value.toString());
      if (checkUrl(url)) return;
      try {
        await resolve(url.hostname);
      } catch (error) {
        if (isAppError(error)) throw error;
        const code = (error as { code?: string }).code;
        if (code === "ENOTFOUND" || code === "EAI_NONAME" || code === "ENODATA")
          throw refused(url.host, "the name does not resolve", "unresolvable");
        throw new AppError("UPSTREAM_UNAVAILABLE", `Could not resolve ${url.host}`, { cause: error });
      }
    },
    close: async () => {
      await Promise.all([agent.close(), trustedAgent.close()]);
    },
  });
}

/** The response as the caller sees it: its body counted against the cap, its errors mapped. */
function limited(
  response: Awaited<ReturnType<typeof undiciFetch>>,
  method: string,
  maxBytes: number,
  mapError: (error: unknown) => unknown,
): Response {
  const tooLarge = () => new AppError("INVALID_RESPONSE", `Upstream response over ${maxBytes} bytes`);
  const source = response.body;
  const init = { status: response.status, statusText: response.statusText, headers: [...response.headers] };
  if (!source || NULL_BODY.has(response.status) || method === "HEAD") {
    void source?.cancel().catch(() => undefined);
    return new Response(null, init);
  }
  if (Number(response.headers.get("content-length") ?? 0) > maxBytes) {
    void source.cancel().catch(() => undefined);
    throw tooLarge();
  }
  const reader = source.getReader();
  let size = 0;
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const { done, value } = await reader.read();
        if (done) return controller.close();
        size += value.byteLength;
        if (size > maxBytes) {
          await reader.cancel().catch(() => undefined);
          return controller.error(tooLarge());
        }
        controller.enqueue(value);
      } catch (error) {
        controller.error(mapError(error));
      }
    },
    cancel: (reason) => reader.cancel(reason),
  });
  return new Response(body, init);
}

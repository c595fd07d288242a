import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { type BigCommerceSim, type BigCommerceSimOptions, createBigCommerceSim } from "./bigcommerce.ts";
import { createMagentoSim, type MagentoSim, type MagentoSimOptions } from "./magento.ts";
import { createShopifySim, type ShopifySim, type ShopifySimOptions } from "./shopify.ts";
import { deliver, type SimWebhook } from "./store.ts";
import { createWooSim, type WooSim, type WooSimOptions } from "./woocommerce.ts";

/** A simulated platform store: handles API requests whose path is relative to its base URL. */
export interface SimulatedPlatform {
  readonly platform: string;
  handle(request: Request, path: string): Promise<Response | null>;
}

export interface PlatformSimulatorOptions {
  shopify?: ShopifySimOptions;
  woocommerce?: WooSimOptions;
  magento?: MagentoSimOptions;
  bigcommerce?: BigCommerceSimOptions;
}

export const SIMULATED_PLATFORMS = ["shopify", "woocommerce", "magento", "bigcommerce"] as const;
export type SimulatedPlatformName = (typeof SIMULATED_PLATFORMS)[number];

export interface PlatformSimulator {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  readonly shopify: ShopifySim;
  readonly woocommerce: WooSim;
  readonly magento: MagentoSim;
  readonly bigcommerce: BigCommerceSim;
  /** Base URL per platform (what a connection's `apiBaseUrl` points at). */
  baseUrl(platform: SimulatedPlatformName): string;
  /** POSTs prepared webhooks to `target` in order; returns their statuses. */
  send(target: string, webhooks: SimWebhook | SimWebhook[]): Promise<number[]>;
  close(): Promise<void>;
}

async function toRequest(req: IncomingMessage, origin: string): Promise<Request> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const headers = new Headers();
  for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string") headers.set(k, v);
  const hasBody = req.method !== "GET" && req.method !== "HEAD";
  return new Request(`${origin}${req.url}`, {
    method: req.method ?? "GET",
    headers,
    ...(hasBody ? { body: Buffer.concat(chunks) } : {}),
  });
}

/**
 * A local HTTP server (port 0) playing every simulated platform, each under its own prefix
 * (`/shopify`, `/woocommerce`, `/magento`, `/bigcommerce`). The platform modules are plain
 * fetch-style handlers, so the same code also backs the msw handlers used by adapter unit tests.
 */
export async function startPlatformSimulator(options: PlatformSimulatorOptions = {}): Promise<PlatformSimulator> {
  const shopify = createShopifySim(options.shopify);
  const woocommerce = createWooSim(options.woocommerce);
  const magento = createMagentoSim(options.magento);
  const bigcommerce = createBigCommerceSim(options.bigcommerce);
  const platforms: Record<string, SimulatedPlatform> = { shopify, woocommerce, magento, bigcommerce };
  let origin = "";
  const server: Server = createServer((req, res) => {
    void (async () => {
      try {
        const [, prefix = "", ...rest] = (req.url ?? "/").split("?")[0]!.split("/");
        const platform = platforms[prefix];
        const request = await toRequest(req, origin);
        const response = platform ? await platform.handle(request, `/${rest.join("/")}`) : null;
        if (!response) {
          res.writeHead(404, { "content-type": "application/json" }).end('{"errors":"Not Found"}');
          return;
        }
        const headers: Record<string, string> = {};
        response.headers.forEach((v, k) => {
          headers[k] = v;
        });
        res.writeHead(response.status, headers).end(Buffer.from(await response.arrayBuffer()));
      } catch (error) {
        res.writeHead(500).end(String(error));
      }
    })();
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: origin,
    shopify,
    woocommerce,
    magento,
    bigcommerce,
    baseUrl: (platform) => `${origin}/${platform}`,
    async send(target, webhooks) {
      const statuses: number[] = [];
      for (const webhook of Array.isArray(webhooks) ? webhooks : [webhooks])
        statuses.push(await deliver(target, webhook));
      return statuses;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

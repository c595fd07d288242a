import { QueryClient } from "@tanstack/react-query";
import { createAdminApi, createLiveConnection, createTokenSession } from "@varai/admin-kit";
import { createVaraiClient } from "@varai/clients";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import "@shopify/polaris/build/esm/styles.css";
import "./app.css";
import { appBridge } from "./app-bridge.ts";
import { AppShell, StartupError } from "./screens/app-shell.tsx";
import { createShopifyApi } from "./shopify-api.ts";

/**
 * Start-up: App Bridge's session token -> the app server (`/shopify/api`) -> a short-lived VARAi
 * tenant token -> the admin kit against `/v1` and the live socket, as in Studio. No password and
 * nothing stored in the browser: a reload starts over from App Bridge.
 */
async function start(root: HTMLElement) {
  const reactRoot = createRoot(root);
  try {
    const bridge = appBridge();
    const shopifyApi = createShopifyApi({ baseUrl: location.origin, idToken: () => bridge.idToken() });
    const first = await shopifyApi.session();
    const baseUrl = new URL(first.apiBaseUrl, location.origin).origin;
    let pending: typeof first | null = first;
    const session = createTokenSession({
      baseUrl,
      // The first token was fetched above (it named the API's base); later ones are fresh.
      obtain: async () => {
        const token = pending ?? (await shopifyApi.session());
        pending = null;
        return token;
      },
    });
    await session.restore();
    const client = createVaraiClient({
      baseUrl,
      fetch: (input, init) => session.authorizedFetch(String(input), init),
    });
    const api = createAdminApi(client);
    const live = createLiveConnection({ baseUrl, getTicket: api.liveTicket });
    const queryClient = new QueryClient({
      defaultOptions: {
        queries: {
          staleTime: 30_000,
          refetchOnWindowFocus: false,
          retry: (count, error) => count < 2 && !(error as { status?: number }).status?.toString().startsWith("4"),
        },
      },
    });
    reactRoot.render(
      <StrictMode>
        <AppShell
          queryClient={queryClient}
          session={session}
          api={api}
          live={live}
          shopifyApi={shopifyApi}
          bridge={bridge}
        />
      </StrictMode>,
    );
  } catch (error) {
    reactRoot.render(<StartupError error={error} />);
  }
}

const root = document.getElementById("root");
if (root) void start(root);

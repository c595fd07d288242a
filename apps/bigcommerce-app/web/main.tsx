import { GlobalStyles } from "@bigcommerce/big-design";
import { theme } from "@bigcommerce/big-design-theme";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { AdminProvider, createAdminApi, createLiveConnection, createTokenSession } from "@varai/admin-kit";
import { createVaraiClient } from "@varai/clients";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { ThemeProvider } from "styled-components";
import { App, NoSession } from "./app.tsx";
import { readBoot } from "./boot.ts";

// Same origin as the API: the gateway serves this view (the load callback's answer).
const baseUrl = window.location.origin;
const boot = readBoot();
const root = document.getElementById("root");

/**
 * The view's first tenant session came inside the page; later ones are obtained from the app's
 * server with the app context (1 h), never with anything long-lived and never through a URL.
 */
function obtainer(first: { accessToken: string; expiresIn: number }, context: string) {
  let initial: typeof first | null = first;
  return async () => {
    if (initial) {
      const token = initial;
      initial = null;
      return token;
    }
    const response = await fetch(`${baseUrl}/bigcommerce/api/session`, {
      method: "POST",
      headers: { Authorization: `Bearer ${context}` },
    });
    if (!response.ok) throw new Error(`session renewal answered ${response.status}`);
    return (await response.json()) as { accessToken: string; expiresIn: number };
  };
}

function render() {
  if (!root) return;
  const tree = (children: React.ReactNode) => (
    <StrictMode>
      <ThemeProvider theme={theme}>
        <GlobalStyles />
        {children}
      </ThemeProvider>
    </StrictMode>
  );
  if (!boot) {
    createRoot(root).render(tree(<NoSession />));
    return;
  }
  const session = createTokenSession({ baseUrl, obtain: obtainer(boot.session, boot.context) });
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
  void session.restore();
  createRoot(root).render(
    tree(
      <QueryClientProvider client={queryClient}>
        <AdminProvider session={session} api={api} live={live}>
          <App boot={boot} />
        </AdminProvider>
      </QueryClientProvider>,
    ),
  );
}

render();

import { AppProvider, type AppProviderProps, Banner, Layout, Page } from "@shopify/polaris";
import en from "@shopify/polaris/locales/en.json";
import { type QueryClient, QueryClientProvider } from "@tanstack/react-query";
import {
  type AdminApi,
  AdminProvider,
  type AdminSession,
  type LiveConnection,
  useLiveQueryBridge,
} from "@varai/admin-kit";
import type { ComponentProps } from "react";
import type { AppBridge } from "../app-bridge.ts";
import { hrefOf, navigate, ROUTES, type RouteName, useRoute } from "../router.ts";
import type { ShopifyApi } from "../shopify-api.ts";
import { ShopifyProvider } from "../shopify-hooks.ts";
import { BillingScreen } from "./billing.tsx";
import { CatalogReadinessScreen } from "./catalog-readiness.tsx";
import { ImpactScreen } from "./impact.tsx";
import { OnboardingScreen } from "./onboarding.tsx";
import { messageOf } from "./states.tsx";
import { WidgetSettingsScreen } from "./widget-settings.tsx";

type LinkLikeComponentProps = ComponentProps<NonNullable<AppProviderProps["linkComponent"]>>;

/** Polaris links (`url` props) route in place for our own pages, like App Bridge's nav does. */
function AppLink({ children, url, external, ...rest }: LinkLikeComponentProps) {
  return (
    <a
      href={url}
      {...rest}
      // An admin page (the theme editor) replaces the admin's top window, not a new tab.
      {...(external ? { target: "_top", rel: "noopener noreferrer" } : {})}
      onClick={(event) => {
        if (external || event.metaKey || event.ctrlKey) return;
        event.preventDefault();
        navigate(url);
      }}
    >
      {children}
    </a>
  );
}

const SCREENS: Record<RouteName, () => React.JSX.Element> = {
  onboarding: OnboardingScreen,
  catalog: CatalogReadinessScreen,
  widget: WidgetSettingsScreen,
  impact: ImpactScreen,
  billing: BillingScreen,
};

function Screens({ queryClient }: { queryClient: QueryClient }) {
  useLiveQueryBridge(queryClient);
  const route = useRoute();
  const Screen = SCREENS[route];
  return (
    <>
      <ui-nav-menu>
        <a href={hrefOf("onboarding")} rel="home">
          {ROUTES.onboarding.title}
        </a>
        {(["catalog", "widget", "impact", "billing"] as const).map((name) => (
          <a key={name} href={hrefOf(name)}>
            {ROUTES[name].title}
          </a>
        ))}
      </ui-nav-menu>
      <Screen />
    </>
  );
}

export function AppShell(props: {
  queryClient: QueryClient;
  session: AdminSession;
  api: AdminApi;
  live: LiveConnection;
  shopifyApi: ShopifyApi;
  bridge: AppBridge;
}) {
  return (
    <AppProvider i18n={en} linkComponent={AppLink}>
      <QueryClientProvider client={props.queryClient}>
        <AdminProvider session={props.session} api={props.api} live={props.live}>
          <ShopifyProvider api={props.shopifyApi} bridge={props.bridge}>
            <Screens queryClient={props.queryClient} />
          </ShopifyProvider>
        </AdminProvider>
      </QueryClientProvider>
    </AppProvider>
  );
}

/** Shown when the app cannot start (no App Bridge, the server refused the session). */
export function StartupError({ error }: { error: unknown }) {
  return (
    <AppProvider i18n={en}>
      <Page title="VARAi">
        <Layout>
          <Layout.Section>
            <Banner tone="critical" title="VARAi could not start">
              <p>{messageOf(error)}</p>
              <p>Reload the page from the Shopify admin; if it persists, reinstall the app.</p>
            </Banner>
          </Layout.Section>
        </Layout>
      </Page>
    </AppProvider>
  );
}

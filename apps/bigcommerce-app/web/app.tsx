import { Box, H1, Message, Tabs, Text } from "@bigcommerce/big-design";
import { useQueryClient } from "@tanstack/react-query";
import { useLiveQueryBridge, useSession } from "@varai/admin-kit";
import { useState } from "react";
import type { Boot } from "./boot.ts";
import { CatalogScreen } from "./screens/catalog.tsx";
import { ImpactScreen } from "./screens/impact.tsx";
import { OnboardingScreen } from "./screens/onboarding.tsx";
import { WidgetSettingsScreen } from "./screens/widget-settings.tsx";

// One panel element shows the active tab, so every tab controls it (aria-controls must name an element that exists).
const PANEL_ID = "varai-tab-panel";
const TABS = [
  { id: "overview", title: "Get started", ariaControls: PANEL_ID },
  { id: "catalog", title: "Catalog readiness", ariaControls: PANEL_ID },
  { id: "widget", title: "Widget settings", ariaControls: PANEL_ID },
  { id: "impact", title: "Try-on impact", ariaControls: PANEL_ID },
];

/** Opened outside the control panel (or the page was reloaded): only BigCommerce's load opens a session. */
export function NoSession() {
  return (
    <Box padding="xLarge" as="main">
      <H1>VARAi virtual try-on</H1>
      <Message
        type="warning"
        header="Open VARAi from your BigCommerce control panel"
        messages={[{ text: "This page only works inside the control panel: go to Apps > My Apps > VARAi." }]}
      />
    </Box>
  );
}

export function App({ boot }: { boot: Boot }) {
  const state = useSession();
  const queryClient = useQueryClient();
  useLiveQueryBridge(queryClient);
  const [tab, setTab] = useState("overview");
  if (state.status === "signed-out")
    return (
      <Box padding="xLarge" as="main">
        <H1>VARAi virtual try-on</H1>
        <Message
          type="warning"
          header="Your session has ended"
          messages={[{ text: "Open VARAi again from Apps > My Apps to continue." }]}
        />
      </Box>
    );
  return (
    <Box as="main" padding="xLarge" backgroundColor="secondary10" style={{ minHeight: "100vh" }}>
      <H1>VARAi virtual try-on</H1>
      <Text color="secondary60">
        Store {boot.storeHash} · signed in as {boot.user.email}
      </Text>
      <Tabs activeTab={tab} items={TABS} onTabClick={setTab} aria-label="VARAi sections" />
      <Box marginTop="large" id={PANEL_ID} role="tabpanel" aria-label={TABS.find((t) => t.id === tab)?.title}>
        {state.status !== "signed-in" ? (
          <Text>Loading…</Text>
        ) : tab === "overview" ? (
          <OnboardingScreen boot={boot} onNext={setTab} />
        ) : tab === "catalog" ? (
          <CatalogScreen />
        ) : tab === "widget" ? (
          <WidgetSettingsScreen />
        ) : (
          <ImpactScreen />
        )}
      </Box>
    </Box>
  );
}

import { Badge, BlockStack, Button, Card, InlineGrid, InlineStack, Layout, List, Page, Text } from "@shopify/polaris";
import type { Plan } from "../shopify-api.ts";
import { useBilling, useSubscribe } from "../shopify-hooks.ts";
import { ErrorBanner, ErrorPage, LoadingPage } from "./states.tsx";

const FEATURE_NAMES: Record<string, string> = {
  "try-on": "Virtual try-on on product pages",
  recommendations: "Fit-aware frame recommendations",
  "fit-analytics": "Fit and try-on analytics",
};

function price(plan: Plan): string {
  if (plan.amount === 0) return "Free";
  const amount = new Intl.NumberFormat(undefined, { style: "currency", currency: plan.currencyCode }).format(
    plan.amount,
  );
  return plan.interval === "ANNUAL" ? `${amount} / year` : `${amount} / 30 days`;
}

export function BillingScreen() {
  const billing = useBilling();
  const subscribe = useSubscribe();
  const title = "Plan and billing";
  if (billing.isPending) return <LoadingPage title={title} />;
  if (billing.isError) return <ErrorPage title={title} error={billing.error} retry={() => void billing.refetch()} />;
  const { plan: current, plans, status } = billing.data;

  return (
    <Page title={title} subtitle="Charges are billed by Shopify, on your Shopify invoice.">
      <Layout>
        {subscribe.isError ? (
          <Layout.Section>
            <ErrorBanner error={subscribe.error} title="The plan could not be changed" />
          </Layout.Section>
        ) : null}
        <Layout.Section>
          <InlineGrid columns={{ xs: 1, md: plans.length > 1 ? 2 : 1 }} gap="400">
            {plans.map((plan) => {
              const isCurrent = plan.id === current;
              return (
                <Card key={plan.id}>
                  <BlockStack gap="300">
                    <InlineStack align="space-between" blockAlign="center">
                      <Text as="h2" variant="headingMd">
                        {plan.name}
                      </Text>
                      {isCurrent ? (
                        <Badge tone="success">{`Current plan${status !== "none" ? ` (${status.toLowerCase()})` : ""}`}</Badge>
                      ) : null}
                    </InlineStack>
                    <Text as="p" variant="headingXl">
                      {price(plan)}
                    </Text>
                    {plan.trialDays ? (
                      <Text as="p" tone="subdued">
                        {plan.trialDays}-day free trial
                      </Text>
                    ) : null}
                    <List>
                      {plan.features.map((f) => (
                        <List.Item key={f}>{FEATURE_NAMES[f] ?? f}</List.Item>
                      ))}
                    </List>
                    {!isCurrent && plan.amount > 0 ? (
                      <div>
                        <Button
                          variant="primary"
                          loading={subscribe.isPending && subscribe.variables === plan.id}
                          onClick={() => subscribe.mutate(plan.id)}
                        >
                          {`Choose ${plan.name}`}
                        </Button>
                      </div>
                    ) : null}
                  </BlockStack>
                </Card>
              );
            })}
          </InlineGrid>
        </Layout.Section>
      </Layout>
    </Page>
  );
}

import { Badge, BlockStack, Card, DataTable, InlineGrid, Layout, Page, Select, Text } from "@shopify/polaris";
import { useImpactSummary } from "@varai/admin-kit";
import { useState } from "react";
import { ErrorPage, LoadingPage } from "./states.tsx";

const percent = (rate: number | null) => (rate === null ? "—" : `${(rate * 100).toFixed(1)} %`);
const RANGES = [
  { label: "Last 7 days", value: "7" },
  { label: "Last 30 days", value: "30" },
  { label: "Last 90 days", value: "90" },
];

function Metric({ label, value, help }: { label: string; value: string; help?: string }) {
  return (
    <Card>
      <BlockStack gap="100">
        <Text as="h3" variant="headingSm" tone="subdued">
          {label}
        </Text>
        <Text as="p" variant="heading2xl">
          {value}
        </Text>
        {help ? (
          <Text as="p" variant="bodySm" tone="subdued">
            {help}
          </Text>
        ) : null}
      </BlockStack>
    </Card>
  );
}

export function ImpactScreen() {
  const [days, setDays] = useState("30");
  const summary = useImpactSummary(Number(days));
  const title = "Try-on impact";
  if (summary.isPending) return <LoadingPage title={title} />;
  if (summary.isError) return <ErrorPage title={title} error={summary.error} retry={() => void summary.refetch()} />;
  const impact = summary.impact;
  if (!impact) return <LoadingPage title={title} />;
  // The API's lift is a ratio of the two conversion rates.
  const lift = impact.lift === null ? "—" : `${impact.lift.toFixed(2)}×`;

  return (
    <Page title={title} subtitle={`${impact.from} to ${impact.to}`}>
      <Layout>
        <Layout.Section>
          <div style={{ maxWidth: "14rem" }}>
            <Select label="Date range" options={RANGES} value={days} onChange={setDays} />
          </div>
        </Layout.Section>
        {impact.empty ? (
          <Layout.Section>
            <Card>
              <Text as="p" tone="subdued">
                No shopper has used try-on in this period yet. Numbers appear here as soon as the widget is shown on
                your storefront.
              </Text>
            </Card>
          </Layout.Section>
        ) : null}
        <Layout.Section>
          <InlineGrid columns={{ xs: 1, sm: 2, md: 4 }} gap="400">
            <Metric label="Try-ons" value={String(impact.tryOns)} help={`Widget shown ${impact.widgetShown} times`} />
            <Metric label="Orders" value={String(impact.purchases)} help={`${impact.addToCart} added to cart`} />
            <Metric
              label="Conversion with try-on"
              value={percent(impact.conversionWithTryOn)}
              help={`Without try-on: ${percent(impact.conversionWithoutTryOn)}`}
            />
            <Card>
              <BlockStack gap="100">
                <Text as="h3" variant="headingSm" tone="subdued">
                  Conversion lift
                </Text>
                <Text as="p" variant="heading2xl">
                  {lift}
                </Text>
                <div>
                  <Badge tone={impact.significant ? "success" : "info"}>
                    {impact.significant ? "Beyond chance (95 %)" : "Not yet conclusive"}
                  </Badge>
                </div>
              </BlockStack>
            </Card>
          </InlineGrid>
        </Layout.Section>
        <Layout.Section>
          <Card padding="0">
            <div style={{ padding: "var(--p-space-400)" }}>
              <Text as="h2" variant="headingMd">
                Most tried-on frames
              </Text>
            </div>
            <DataTable
              columnContentTypes={["text", "numeric", "numeric", "numeric"]}
              headings={["Frame", "Views", "Try-ons", "Orders"]}
              rows={impact.topFrames.map((f) => [f.title ?? f.productId, f.views, f.tryOns, f.purchases])}
              footerContent={impact.topFrames.length === 0 ? "No try-ons yet" : undefined}
            />
          </Card>
        </Layout.Section>
        {impact.revenue.length > 0 ? (
          <Layout.Section>
            <Card>
              <BlockStack gap="200">
                <Text as="h2" variant="headingMd">
                  Revenue tracked
                </Text>
                {impact.revenue.map((r) => (
                  <Text as="p" key={r.currency}>
                    {new Intl.NumberFormat(undefined, { style: "currency", currency: r.currency }).format(r.amount)}
                  </Text>
                ))}
              </BlockStack>
            </Card>
          </Layout.Section>
        ) : null}
      </Layout>
    </Page>
  );
}

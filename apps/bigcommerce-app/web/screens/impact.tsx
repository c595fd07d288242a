import { Flex, Message, Panel, Table, Text } from "@bigcommerce/big-design";
import { useImpactSummary } from "@varai/admin-kit";
import { Figure } from "../parts.tsx";

const percent = (rate: number | null) => (rate === null ? "–" : `${(rate * 100).toFixed(1)} %`);

/** What try-on does to conversion over the last 30 days, and whether it is beyond noise. */
export function ImpactScreen() {
  const { impact, isError } = useImpactSummary(30);
  if (isError) return <Text>The numbers could not be loaded.</Text>;
  if (!impact) return <Text>Loading…</Text>;
  if (impact.empty)
    return (
      <Panel header="Try-on impact">
        <Message
          type="info"
          messages={[
            { text: "No try-on activity yet. Numbers appear here once shoppers use the try-on on your store." },
          ]}
        />
      </Panel>
    );
  return (
    <Flex flexDirection="column" flexGap="1.5rem">
      <Panel header="Try-on impact" description={`From ${impact.from} to ${impact.to}`}>
        <Flex flexGap="2rem" flexWrap="wrap">
          <Figure label="Try-ons" value={String(impact.tryOns)} />
          <Figure label="Purchases" value={String(impact.purchases)} />
          <Figure label="Conversion with try-on" value={percent(impact.conversionWithTryOn)} />
          <Figure label="Conversion without" value={percent(impact.conversionWithoutTryOn)} />
          <Figure label="Lift" value={impact.lift === null ? "–" : `${(impact.lift * 100).toFixed(0)} %`} />
        </Flex>
        <Text marginTop="medium">
          {impact.significant
            ? "The difference is beyond noise (95 % interval)."
            : "Not enough data yet to tell the difference from noise."}
        </Text>
      </Panel>
      {impact.topFrames.length > 0 ? (
        <Panel header="Most tried-on frames">
          <Table
            keyField="productId"
            items={impact.topFrames}
            columns={[
              { header: "Frame", hash: "title", render: (f) => f.title ?? f.productId },
              { header: "Try-ons", hash: "tryOns", render: (f) => String(f.tryOns) },
            ]}
          />
        </Panel>
      ) : null}
    </Flex>
  );
}

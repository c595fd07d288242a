import { Badge, Flex, Panel, Table, Text } from "@bigcommerce/big-design";
import { type ProductView, useCatalogReadiness } from "@varai/admin-kit";
import { Figure } from "../parts.tsx";

type Row = { product: ProductView; missing: string[] };

/** Which frames can be tried on, and what the others lack (sizes, a prepared try-on image). */
export function CatalogScreen() {
  const { readiness, isError } = useCatalogReadiness();
  if (isError) return <Text>The catalog could not be loaded.</Text>;
  if (!readiness) return <Text>Loading the catalog…</Text>;
  const rows: Row[] = readiness.needsWork.slice(0, 50).map(({ product, missing }) => ({ product, missing }));
  return (
    <Flex flexDirection="column" flexGap="1.5rem">
      <Panel header="Catalog readiness">
        <Flex flexGap="2rem" aria-label="Readiness counts">
          <Figure label="Frames" value={readiness.total} />
          <Figure label="Ready for try-on" value={readiness.ready} />
          <Figure label="Missing sizes" value={readiness.missingDimensions} />
          <Figure label="Try-on image not ready" value={readiness.missingAsset} />
        </Flex>
      </Panel>
      <Panel
        header="Frames to complete"
        description="Add lens, bridge and frame width as custom fields in BigCommerce (for example Frame Width: 138 mm); they sync in by themselves."
      >
        {rows.length === 0 ? (
          <Text>Every frame is ready for try-on.</Text>
        ) : (
          <Table
            itemName="Frames"
            keyField="id"
            items={rows.map((r) => ({ ...r, id: r.product.id }))}
            columns={[
              { header: "Frame", hash: "title", render: (r: Row) => r.product.title },
              { header: "SKU", hash: "sku", render: (r: Row) => r.product.variants[0]?.sku ?? "" },
              {
                header: "Missing",
                hash: "missing",
                render: (r: Row) => (
                  <Flex flexGap="0.25rem" flexWrap="wrap">
                    {r.missing.map((m) => (
                      <Badge key={m} label={m} variant="warning" />
                    ))}
                  </Flex>
                ),
              },
            ]}
          />
        )}
      </Panel>
    </Flex>
  );
}

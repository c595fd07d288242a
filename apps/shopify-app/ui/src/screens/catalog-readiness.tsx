import {
  Badge,
  BlockStack,
  Button,
  Card,
  FormLayout,
  IndexTable,
  InlineStack,
  Layout,
  Modal,
  Page,
  Select,
  Tabs,
  Text,
  TextField,
} from "@shopify/polaris";
import {
  type CatalogReadiness,
  type ProductView,
  problemsByField,
  useCan,
  useCatalogReadiness,
  usePrepareTryOnAsset,
  useUpdateFrame,
} from "@varai/admin-kit";
import { FRAME_SHAPES, FramePatchSchema } from "@varai/schema";
import { useState } from "react";
import { ErrorPage, LoadingPage } from "./states.tsx";

const DIMENSIONS = [
  ["lensWidthMm", "Lens width"],
  ["bridgeWidthMm", "Bridge width"],
  ["templeLengthMm", "Temple length"],
  ["frameWidthMm", "Frame width"],
  ["lensHeightMm", "Lens height"],
] as const;
type DimensionKey = (typeof DIMENSIONS)[number][0];
const PAGE_SIZE = 25;

const FILTERS = [
  { id: "all", content: "Needs work" },
  { id: "size", content: "Missing sizes" },
  { id: "asset", content: "Missing try-on asset" },
] as const;

function sizeLabel(p: ProductView): string {
  const d = p.frame.dimensions;
  return d.lensWidthMm && d.bridgeWidthMm ? `${d.lensWidthMm}-${d.bridgeWidthMm}-${d.templeLengthMm ?? "?"}` : "—";
}

/** The frame's shape and sizes in mm, checked with the API's own schema before sending. */
function EditFrameModal({ product, onClose }: { product: ProductView; onClose: () => void }) {
  const update = useUpdateFrame();
  const [shape, setShape] = useState<string>(product.frame.shape ?? "");
  const [values, setValues] = useState<Record<DimensionKey, string>>(
    () =>
      Object.fromEntries(DIMENSIONS.map(([key]) => [key, String(product.frame.dimensions[key] ?? "")])) as Record<
        DimensionKey,
        string
      >,
  );
  const [local, setLocal] = useState<Record<string, string>>({});
  const api = problemsByField(update.error);
  const errors = { ...api.fields, ...local };
  const save = () => {
    const dimensions = Object.fromEntries(
      DIMENSIONS.filter(([key]) => values[key].trim() !== "").map(([key]) => [key, Number(values[key])]),
    );
    const parsed = FramePatchSchema.safeParse({ ...(shape ? { shape } : {}), dimensions });
    if (!parsed.success) {
      setLocal(Object.fromEntries(parsed.error.issues.map((i) => [i.path.join("."), i.message])));
      return;
    }
    setLocal({});
    update.mutate({ id: product.id, patch: parsed.data }, { onSuccess: onClose });
  };
  return (
    <Modal
      open
      onClose={onClose}
      title={`Edit ${product.title}`}
      primaryAction={{ content: "Save frame", onAction: save, loading: update.isPending }}
      secondaryActions={[{ content: "Cancel", onAction: onClose }]}
    >
      <Modal.Section>
        <FormLayout>
          {api.form ? (
            <Text as="p" tone="critical">
              {api.form}
            </Text>
          ) : null}
          <Select
            label="Shape"
            options={[{ label: "Not set", value: "" }, ...FRAME_SHAPES.map((s) => ({ label: s, value: s }))]}
            value={shape}
            onChange={setShape}
            error={errors.shape}
          />
          {[DIMENSIONS.slice(0, 3), DIMENSIONS.slice(3)].map((group) => (
            <FormLayout.Group key={group[0]?.[0]}>
              {group.map(([key, label]) => (
                <TextField
                  key={key}
                  label={label}
                  type="number"
                  suffix="mm"
                  autoComplete="off"
                  value={values[key]}
                  onChange={(value) => {
                    setLocal({});
                    if (update.error) update.reset();
                    setValues((v) => ({ ...v, [key]: value }));
                  }}
                  error={errors[`dimensions.${key}`]}
                />
              ))}
            </FormLayout.Group>
          ))}
        </FormLayout>
      </Modal.Section>
    </Modal>
  );
}

function rowsFor(readiness: CatalogReadiness, filter: (typeof FILTERS)[number]["id"]) {
  if (filter === "size") return readiness.needsWork.filter((w) => w.gaps.size || w.gaps.frameWidth);
  if (filter === "asset") return readiness.needsWork.filter((w) => w.gaps.asset !== "ready");
  return readiness.needsWork;
}

function AssetBadge({ status }: { status: ProductView["tryOn"]["assetStatus"] }) {
  const tone =
    status === "ready" ? "success" : status === "failed" ? "critical" : status === "pending" ? "info" : undefined;
  const label = { ready: "Ready", failed: "Failed", pending: "Preparing", none: "None" }[status];
  return <Badge {...(tone ? { tone } : {})}>{label}</Badge>;
}

export function CatalogReadinessScreen() {
  const catalog = useCatalogReadiness();
  const prepare = usePrepareTryOnAsset();
  const canEdit = useCan("catalog:write");
  const [tab, setTab] = useState(0);
  const [page, setPage] = useState(0);
  const [editing, setEditing] = useState<ProductView | null>(null);
  const title = "Catalog readiness";
  if (catalog.isPending) return <LoadingPage title={title} />;
  if (catalog.isError) return <ErrorPage title={title} error={catalog.error} retry={() => void catalog.refetch()} />;
  const readiness = catalog.readiness;
  if (!readiness) return <LoadingPage title={title} />;
  const filter = FILTERS[tab]?.id ?? "all";
  const matching = rowsFor(readiness, filter);
  const pages = Math.max(1, Math.ceil(matching.length / PAGE_SIZE));
  const current = Math.min(page, pages - 1);
  const rows = matching.slice(current * PAGE_SIZE, (current + 1) * PAGE_SIZE);
  const counts = { all: readiness.needsWork.length, size: readiness.missingDimensions, asset: readiness.missingAsset };

  return (
    <Page title={title} subtitle="Frames need their sizes for fit and a prepared try-on image for the virtual try-on.">
      <Layout>
        <Layout.Section>
          <Card>
            <InlineStack gap="800" wrap>
              <Summary label="Frames" value={readiness.total} />
              <Summary label="Ready for try-on" value={readiness.ready} />
              <Summary label="Missing sizes" value={readiness.missingDimensions} />
              <Summary label="Missing try-on asset" value={readiness.missingAsset} />
            </InlineStack>
          </Card>
        </Layout.Section>
        <Layout.Section>
          <Card padding="0">
            <Tabs
              tabs={FILTERS.map((f) => ({ id: f.id, content: `${f.content} (${counts[f.id]})` }))}
              selected={tab}
              onSelect={(index) => {
                setTab(index);
                setPage(0);
              }}
            />
            {readiness.total === 0 ? (
              <Empty text="No products yet: they appear here once your catalog has synced." />
            ) : rows.length === 0 ? (
              <Empty text="Every frame here is ready for try-on." />
            ) : (
              <IndexTable
                resourceName={{ singular: "frame", plural: "frames" }}
                itemCount={rows.length}
                selectable={false}
                pagination={{
                  hasPrevious: current > 0,
                  hasNext: current < pages - 1,
                  onPrevious: () => setPage(current - 1),
                  onNext: () => setPage(current + 1),
                  label: `${current * PAGE_SIZE + 1}-${current * PAGE_SIZE + rows.length} of ${matching.length}`,
                }}
                headings={[
                  { title: "Frame" },
                  { title: "Size (lens-bridge-temple)" },
                  { title: "Missing" },
                  { title: "Try-on asset" },
                  { title: "Actions", hidden: true },
                ]}
              >
                {rows.map(({ product, gaps, missing }, index) => (
                  <IndexTable.Row id={product.id} key={product.id} position={index}>
                    <IndexTable.Cell>
                      <Text as="span" variant="bodyMd" fontWeight="semibold">
                        {product.title}
                      </Text>
                    </IndexTable.Cell>
                    <IndexTable.Cell>{sizeLabel(product)}</IndexTable.Cell>
                    <IndexTable.Cell>
                      <InlineStack gap="100">
                        {missing.map((m) => (
                          <Badge key={m} tone="warning">
                            {m}
                          </Badge>
                        ))}
                      </InlineStack>
                    </IndexTable.Cell>
                    <IndexTable.Cell>
                      <AssetBadge status={gaps.asset} />
                    </IndexTable.Cell>
                    <IndexTable.Cell>
                      {canEdit ? (
                        <InlineStack gap="200" align="end">
                          <Button
                            size="slim"
                            onClick={() => setEditing(product)}
                            accessibilityLabel={`Edit ${product.title}`}
                          >
                            Edit
                          </Button>
                          {gaps.asset === "none" || gaps.asset === "failed" ? (
                            <Button
                              size="slim"
                              onClick={() => prepare.mutate(product.id)}
                              loading={prepare.isPending && prepare.variables === product.id}
                              accessibilityLabel={`Prepare try-on for ${product.title}`}
                            >
                              Prepare try-on
                            </Button>
                          ) : null}
                        </InlineStack>
                      ) : null}
                    </IndexTable.Cell>
                  </IndexTable.Row>
                ))}
              </IndexTable>
            )}
          </Card>
        </Layout.Section>
      </Layout>
      {editing ? <EditFrameModal product={editing} onClose={() => setEditing(null)} /> : null}
    </Page>
  );
}

function Summary({ label, value }: { label: string; value: number }) {
  return (
    <BlockStack gap="100">
      <Text as="span" tone="subdued">
        {label}
      </Text>
      <Text as="span" variant="headingLg">
        {value}
      </Text>
    </BlockStack>
  );
}

function Empty({ text }: { text: string }) {
  return (
    <div style={{ padding: "var(--p-space-600)" }}>
      <Text as="p" alignment="center" tone="subdued">
        {text}
      </Text>
    </div>
  );
}

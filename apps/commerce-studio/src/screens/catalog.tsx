import {
  type ProductView,
  problemsByField,
  useAllProducts,
  useCan,
  useFrameAssetUrl,
  usePrepareTryOnAsset,
  useUpdateFrame,
} from "@varai/admin-kit";
import { FRAME_SHAPES, FramePatchSchema } from "@varai/schema";
import { useMemo, useState } from "react";
import {
  Button,
  Dialog,
  FieldError,
  Form,
  Heading,
  Input,
  Label,
  ListBox,
  ListBoxItem,
  Modal,
  NumberField,
  Popover,
  SearchField,
  Select,
  SelectValue,
} from "react-aria-components";
import { DialogFooter, Empty, ErrorState, Loading, PageHeader } from "../parts.tsx";

const DIMENSIONS = [
  ["lensWidthMm", "Lens width"],
  ["bridgeWidthMm", "Bridge width"],
  ["templeLengthMm", "Temple length"],
  ["lensHeightMm", "Lens height"],
  ["frameWidthMm", "Frame width"],
] as const;

type Filter = "all" | "missing-size" | "not-try-on-ready";

/** What try-on and fit need that this product lacks (flagged in the table). */
function gaps(p: ProductView): string[] {
  const out: string[] = [];
  const d = p.frame.dimensions;
  if (!d.lensWidthMm || !d.bridgeWidthMm) out.push("size (lens, bridge)");
  if (!d.frameWidthMm && !(d.lensWidthMm && d.bridgeWidthMm)) out.push("frame width");
  if (p.tryOn.assetStatus === "none") out.push("try-on asset");
  else if (p.tryOn.assetStatus !== "ready") out.push(`try-on asset (${p.tryOn.assetStatus})`);
  return out;
}

function sizeLabel(p: ProductView): string {
  const d = p.frame.dimensions;
  return d.lensWidthMm && d.bridgeWidthMm
    ? `${d.lensWidthMm}-${d.bridgeWidthMm}-${d.templeLengthMm ?? "?"}`
    : "unknown";
}

/** The cut-out frame the try-on places on a face, as ml prepared it (transparent PNG). */
function AssetPreview({ product }: { product: ProductView }) {
  const ready = product.tryOn.assetStatus === "ready";
  const { url, error } = useFrameAssetUrl(ready ? product.tryOn.assetId : null);
  if (!ready) return null;
  if (error) return <span className="muted">preview unavailable</span>;
  if (!url) return <span className="asset-preview placeholder" aria-hidden="true" />;
  return <img className="asset-preview" src={url} alt={`Cut-out frame of ${product.title}`} />;
}

function EditFrame({ product, onClose }: { product: ProductView; onClose: () => void }) {
  const update = useUpdateFrame();
  const [local, setLocal] = useState<Record<string, string>>({});
  const api = problemsByField(update.error);
  const [shape, setShape] = useState<string | null>(product.frame.shape ?? null);
  // The API's issues are named after the body (`dimensions.lensWidthMm`); the form's fields too.
  const errors = { ...api.fields, ...local };
  return (
    <Modal className="modal" isDismissable isOpen onOpenChange={(open) => !open && onClose()}>
      <Dialog className="dialog">
        <Form
          validationErrors={errors}
          onSubmit={(e) => {
            e.preventDefault();
            const data = new FormData(e.currentTarget);
            const dimensions: Record<string, number> = {};
            for (const [field] of DIMENSIONS) {
              const raw = String(data.get(`dimensions.${field}`) ?? "").trim();
              if (raw) dimensions[field] = Number(raw);
            }
            const body = { ...(shape ? { shape } : {}), dimensions };
            // The same schema the API validates with, so most mistakes never leave the page.
            const parsed = FramePatchSchema.safeParse(body);
            if (!parsed.success) {
              setLocal(Object.fromEntries(parsed.error.issues.map((i) => [i.path.join("."), i.message])));
              return;
            }
            setLocal({});
            update.mutate({ id: product.id, patch: parsed.data }, { onSuccess: onClose });
          }}
        >
          <Heading slot="title">Frame of {product.title}</Heading>
          <Select selectedKey={shape} onSelectionChange={(key) => setShape(String(key))}>
            <Label>Shape</Label>
            <Button className="select-button">
              <SelectValue />
            </Button>
            <Popover>
              <ListBox>
                {FRAME_SHAPES.map((s) => (
                  <ListBoxItem key={s} id={s}>
                    {s}
                  </ListBoxItem>
                ))}
              </ListBox>
            </Popover>
          </Select>
          <div className="grid-2">
            {DIMENSIONS.map(([field, label]) => (
              <NumberField
                key={field}
                name={`dimensions.${field}`}
                defaultValue={product.frame.dimensions[field]}
                minValue={0}
                step={0.5}
                formatOptions={{ maximumFractionDigits: 1 }}
                onChange={() => {
                  setLocal({});
                  if (update.error) update.reset();
                }}
              >
                <Label>{label} (mm)</Label>
                <Input />
                <FieldError />
              </NumberField>
            ))}
          </div>
          <DialogFooter
            error={api.form}
            pending={update.isPending}
            onCancel={onClose}
            submit="Save"
            pendingLabel="Saving…"
          />
        </Form>
      </Dialog>
    </Modal>
  );
}

export function CatalogScreen() {
  const products = useAllProducts();
  const canEdit = useCan("catalog:write");
  const prepare = usePrepareTryOnAsset();
  const [search, setSearch] = useState("");
  const [filter, setFilter] = useState<Filter>("all");
  const [editing, setEditing] = useState<ProductView | null>(null);
  const shown = useMemo(() => {
    const needle = search.trim().toLowerCase();
    return (products.data ?? []).filter((p) => {
      if (needle && !`${p.title} ${p.brand} ${p.variants.map((v) => v.sku).join(" ")}`.toLowerCase().includes(needle))
        return false;
      if (filter === "missing-size") return gaps(p).some((g) => g.startsWith("size") || g === "frame width");
      if (filter === "not-try-on-ready") return p.tryOn.assetStatus !== "ready";
      return true;
    });
  }, [products.data, search, filter]);

  return (
    <section>
      <PageHeader title="Catalog" />
      <div className="toolbar">
        <SearchField value={search} onChange={setSearch} aria-label="Search products">
          <Label>Search</Label>
          <Input placeholder="Title, brand or SKU" />
        </SearchField>
        <Select selectedKey={filter} onSelectionChange={(key) => setFilter(key as Filter)}>
          <Label>Show</Label>
          <Button className="select-button">
            <SelectValue />
          </Button>
          <Popover>
            <ListBox>
              <ListBoxItem id="all">All products</ListBoxItem>
              <ListBoxItem id="missing-size">Missing sizes</ListBoxItem>
              <ListBoxItem id="not-try-on-ready">Not try-on ready</ListBoxItem>
            </ListBox>
          </Popover>
        </Select>
      </div>
      {products.isPending ? (
        <Loading what="products" />
      ) : products.isError ? (
        <ErrorState error={products.error} retry={() => void products.refetch()} />
      ) : products.data.length === 0 ? (
        <Empty>
          <p>No products yet. Connect a store and its catalog syncs in.</p>
        </Empty>
      ) : shown.length === 0 ? (
        <Empty>
          <p>No product matches.</p>
        </Empty>
      ) : (
        <table className="table">
          <caption className="visually-hidden">Products ({shown.length})</caption>
          <thead>
            <tr>
              <th scope="col">Product</th>
              <th scope="col">Shape</th>
              <th scope="col">Size (mm)</th>
              <th scope="col">Frame width</th>
              <th scope="col">Try-on</th>
              <th scope="col">Needs</th>
              {canEdit && (
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              )}
            </tr>
          </thead>
          <tbody>
            {shown.map((p) => {
              const missing = gaps(p);
              return (
                <tr key={p.id} data-product-id={p.id}>
                  <th scope="row">
                    {p.title}
                    {p.brand && <span className="muted"> · {p.brand}</span>}
                  </th>
                  <td>{p.frame.shape ?? "—"}</td>
                  <td className="size">{sizeLabel(p)}</td>
                  <td className="frame-width">{p.frame.dimensions.frameWidthMm ?? "—"}</td>
                  <td>
                    <div className="try-on">
                      <span className={`badge asset-${p.tryOn.assetStatus}`} title={p.tryOn.failureReason}>
                        {p.tryOn.assetStatus}
                      </span>
                      <AssetPreview product={p} />
                    </div>
                  </td>
                  <td>{missing.length ? <span className="flag">{missing.join(", ")}</span> : "—"}</td>
                  {canEdit && (
                    <td>
                      <Button
                        className="button small"
                        onPress={() => setEditing(p)}
                        aria-label={`Edit frame of ${p.title}`}
                      >
                        Edit frame
                      </Button>
                      <Button
                        className="button small"
                        isDisabled={
                          p.tryOn.assetStatus === "pending" || (prepare.isPending && prepare.variables === p.id)
                        }
                        onPress={() => prepare.mutate(p.id)}
                        aria-label={`Re-prepare try-on of ${p.title}`}
                      >
                        Re-prepare try-on
                      </Button>
                    </td>
                  )}
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      {editing && <EditFrame product={editing} onClose={() => setEditing(null)} />}
    </section>
  );
}

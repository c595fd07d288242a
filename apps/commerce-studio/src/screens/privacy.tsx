import {
  type PrivacyExportResult,
  type PrivacyRequestInput,
  problemsByField,
  type RetentionView,
  type StoredExport,
  useDownloadStoredExport,
  useExportShopper,
  useRedactShopper,
  useRetention,
  useSaveRetention,
  useStoredExports,
} from "@varai/admin-kit";
import { PrivacyRequestSchema, RetentionUpdateSchema } from "@varai/schema";
import { useEffect, useState } from "react";
import {
  Button,
  Dialog,
  FieldError,
  Form,
  Heading,
  Input,
  Label,
  Modal,
  NumberField,
  TextField,
} from "react-aria-components";
import { Empty, ErrorState, Loading, PageHeader } from "../parts.tsx";

/** Saves a JSON document as a file (the export stays in this tab's memory, never in storage). */
function saveJson(name: string, value: unknown) {
  const url = URL.createObjectURL(new Blob([JSON.stringify(value, null, 2)], { type: "application/json" }));
  const link = document.createElement("a");
  link.href = url;
  link.download = name;
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** The API's schema for one shopper (its other branch is the whole shop, not offered here). */
const ShopperRequestSchema = PrivacyRequestSchema.options[1];

/** The request body from the form; the "id or email" rule has no path and lands on the id. */
function readSubject(draft: { shopperId: string; email: string }) {
  const body: Record<string, string> = {};
  if (draft.shopperId.trim()) body.shopperId = draft.shopperId.trim();
  if (draft.email.trim()) body.email = draft.email.trim();
  const parsed = ShopperRequestSchema.safeParse(body);
  if (parsed.success) return { body: parsed.data as PrivacyRequestInput, errors: {} };
  const errors: Record<string, string> = {};
  for (const issue of parsed.error.issues) errors[String(issue.path[0] ?? "shopperId")] ??= issue.message;
  return { body: null, errors };
}

function ExportResult({ result }: { result: PrivacyExportResult }) {
  const entries = Object.entries(result.data);
  const total = entries.reduce((n, [, items]) => n + items.length, 0);
  return (
    <div className="card result" role="status">
      <h3>Export ready: {total} records</h3>
      <ul>
        {entries.map(([participant, items]) => (
          <li key={participant}>
            {participant}: {items.length}
          </li>
        ))}
      </ul>
      <Button className="button secondary" onPress={() => saveJson("shopper-export.json", result)}>
        Download JSON
      </Button>
    </div>
  );
}

function ShopperRequests() {
  const [draft, setDraft] = useState({ shopperId: "", email: "" });
  const [local, setLocal] = useState<Record<string, string>>({});
  const [confirming, setConfirming] = useState<PrivacyRequestInput | null>(null);
  const exporter = useExportShopper();
  const redactor = useRedactShopper();
  const failed = exporter.error ?? redactor.error;
  const api = problemsByField(failed);
  const errors = { ...api.fields, ...local };
  const edit = (field: "shopperId" | "email") => (value: string) => {
    setDraft((d) => ({ ...d, [field]: value }));
    setLocal({});
    exporter.reset();
    redactor.reset();
  };
  const submit = (then: (body: PrivacyRequestInput) => void) => {
    const { body, errors: found } = readSubject(draft);
    setLocal(found);
    if (body) then(body);
  };
  return (
    <section className="card" aria-labelledby="shopper-requests">
      <h2 id="shopper-requests">Export or erase a shopper</h2>
      <p className="muted">
        By the shopper id your store sends, their email, or both. An export gathers what every part of VARAi holds about
        them; an erasure removes it everywhere and cannot be undone. Both are audited.
      </p>
      <Form
        validationErrors={errors}
        onSubmit={(e) => {
          e.preventDefault();
          submit((body) => {
            redactor.reset();
            exporter.mutate(body);
          });
        }}
      >
        <div className="grid-2">
          <TextField name="shopperId" value={draft.shopperId} onChange={edit("shopperId")} maxLength={128}>
            <Label>Shopper id</Label>
            <Input autoComplete="off" />
            <FieldError />
          </TextField>
          <TextField name="email" type="email" value={draft.email} onChange={edit("email")}>
            <Label>Shopper email</Label>
            <Input autoComplete="off" />
            <FieldError />
          </TextField>
        </div>
        {api.form && (
          <p className="form-error" role="alert">
            {api.form}
          </p>
        )}
        <div className="card-actions">
          <Button type="submit" className="button primary" isDisabled={exporter.isPending}>
            {exporter.isPending ? "Exporting…" : "Export data"}
          </Button>
          <Button className="button danger" onPress={() => submit(setConfirming)} isDisabled={redactor.isPending}>
            {redactor.isPending ? "Erasing…" : "Erase data…"}
          </Button>
        </div>
      </Form>
      {exporter.isSuccess && <ExportResult result={exporter.data} />}
      {redactor.isSuccess && (
        <div className="card result" role="status">
          <h3>Erased {Object.values(redactor.data.erased).reduce((a, b) => a + b, 0)} records (a repeat erases 0)</h3>
          <ul>
            {Object.entries(redactor.data.erased).map(([participant, count]) => (
              <li key={participant}>
                {participant}: {count}
              </li>
            ))}
          </ul>
        </div>
      )}
      {confirming && (
        <Modal className="modal" isDismissable isOpen onOpenChange={(open) => !open && setConfirming(null)}>
          <Dialog className="dialog" role="alertdialog">
            {({ close }) => (
              <>
                <Heading slot="title">Erase this shopper's data?</Heading>
                <p>
                  Everything VARAi holds about{" "}
                  <strong>
                    {["shopperId" in confirming && confirming.shopperId, "email" in confirming && confirming.email]
                      .filter(Boolean)
                      .join(" / ")}
                  </strong>{" "}
                  is removed: analyses, photos, renders, events, recommendation history and stored exports. This cannot
                  be undone.
                </p>
                <div className="dialog-actions">
                  <Button className="button secondary" onPress={close}>
                    Cancel
                  </Button>
                  <Button
                    className="button danger"
                    onPress={() => {
                      exporter.reset();
                      redactor.mutate(confirming);
                      setConfirming(null);
                    }}
                  >
                    Erase
                  </Button>
                </div>
              </>
            )}
          </Dialog>
        </Modal>
      )}
    </section>
  );
}

function StoredExports() {
  const exports = useStoredExports();
  const download = useDownloadStoredExport();
  const { form } = problemsByField(download.error);
  const fetchAndSave = (item: StoredExport) =>
    download.mutate(item.id, { onSuccess: (doc) => saveJson(`${item.id}.json`, doc) });
  return (
    <section className="card" aria-labelledby="stored-exports">
      <h2 id="stored-exports">Exports platforms asked for</h2>
      <p className="muted">
        A platform's data request (Shopify <code>customers/data_request</code>) is exported and kept sealed here for 30
        days, for you to pass on to the shopper. Downloads are audited.
      </p>
      {form && (
        <p className="form-error" role="alert">
          {form}
        </p>
      )}
      {exports.isPending ? (
        <Loading what="stored exports" />
      ) : exports.isError ? (
        <ErrorState error={exports.error} retry={() => void exports.refetch()} />
      ) : exports.data.items.length === 0 ? (
        <Empty>
          <p>No platform has asked for a shopper's data.</p>
        </Empty>
      ) : (
        <table className="table">
          <caption className="visually-hidden">Stored exports ({exports.data.items.length})</caption>
          <thead>
            <tr>
              <th scope="col">Requested</th>
              <th scope="col">Source</th>
              <th scope="col">Size</th>
              <th scope="col">Status</th>
              <th scope="col">Downloads</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {exports.data.items.map((item) => (
              <tr key={item.id} data-export-id={item.id}>
                <th scope="row">{new Date(item.createdAt).toLocaleString()}</th>
                <td>
                  {Object.entries(item.source)
                    .map(([k, v]) => `${k}: ${v}`)
                    .join(", ") || "—"}
                </td>
                <td>{(item.sizeBytes / 1024).toFixed(1)} KB</td>
                <td>
                  <span className={`badge run-${item.status === "ready" ? "succeeded" : "failed"}`}>
                    {item.status === "ready"
                      ? `ready until ${new Date(item.expiresAt).toLocaleDateString()}`
                      : "expired"}
                  </span>
                </td>
                <td className="downloads">{item.downloads}</td>
                <td>
                  {item.status === "ready" && (
                    <Button
                      className="button small"
                      isDisabled={download.isPending}
                      onPress={() => fetchAndSave(item)}
                      aria-label={`Download export ${item.id}`}
                    >
                      Download
                    </Button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

const PERIODS = [
  ["faceDataDays", "Face data (analyses, photos, renders)"],
  ["eventDays", "Analytics events and sessions"],
  ["historyDays", "Recommendation history"],
] as const;

function RetentionSettings() {
  const retention = useRetention();
  const save = useSaveRetention();
  const [draft, setDraft] = useState<RetentionView | null>(null);
  const [local, setLocal] = useState<Record<string, string>>({});
  useEffect(() => {
    if (retention.data) setDraft(retention.data);
  }, [retention.data]);
  const api = problemsByField(save.error);
  const errors = { ...api.fields, ...local };
  const cleared = () => {
    setLocal({});
    if (save.error) save.reset();
  };
  return (
    <section className="card" aria-labelledby="retention">
      <h2 id="retention">Retention</h2>
      <p className="muted">
        How long shopper data is kept, in days. A change applies to data stored from then on; a shorter face data period
        also shortens what is already kept.
      </p>
      {retention.isPending || !draft ? (
        retention.isError ? (
          <ErrorState error={retention.error} retry={() => void retention.refetch()} />
        ) : (
          <Loading what="retention" />
        )
      ) : (
        <Form
          validationErrors={errors}
          onSubmit={(e) => {
            e.preventDefault();
            const change = Object.fromEntries(PERIODS.map(([field]) => [field, draft[field]]));
            const parsed = RetentionUpdateSchema.safeParse(change);
            if (!parsed.success) {
              setLocal(Object.fromEntries(parsed.error.issues.map((i) => [i.path.join("."), i.message])));
              return;
            }
            setLocal({});
            save.mutate(parsed.data as Record<string, number>);
          }}
        >
          {PERIODS.map(([field, label]) => {
            const bounds = draft.bounds[field];
            return (
              <NumberField
                key={field}
                name={field}
                value={draft[field]}
                // No min/max clamping in the input: an out-of-range number is shown as refused instead.
                step={1}
                formatOptions={{ maximumFractionDigits: 0 }}
                onChange={(value) => setDraft((d) => (d ? { ...d, [field]: value } : d))}
              >
                <Label>
                  {label}: {bounds.min}–{bounds.max} days (default {bounds.default})
                </Label>
                {/* Cleared while typing, not on commit (blur): otherwise the message vanishes under
                    the pointer pressing Save, the button moves and the click misses it. */}
                <Input onInput={cleared} />
                <FieldError />
              </NumberField>
            );
          })}
          {api.form && (
            <p className="form-error" role="alert">
              {api.form}
            </p>
          )}
          {save.isSuccess && !save.isPending && (
            <p className="notice" role="status">
              Saved.
            </p>
          )}
          <Button type="submit" className="button primary" isDisabled={save.isPending}>
            {save.isPending ? "Saving…" : "Save retention"}
          </Button>
        </Form>
      )}
    </section>
  );
}

export function PrivacyScreen() {
  return (
    <section>
      <PageHeader title="Privacy requests" />
      <ShopperRequests />
      <StoredExports />
      <RetentionSettings />
    </section>
  );
}

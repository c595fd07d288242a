import { useAuditPage } from "@varai/admin-kit";
import { IsoDateTimeSchema } from "@varai/schema";
import { useState } from "react";
import {
  Button,
  FieldError,
  Form,
  Input,
  Label,
  ListBox,
  ListBoxItem,
  Popover,
  Select,
  SelectValue,
  TextField,
} from "react-aria-components";
import { Empty, ErrorState, Loading, PageHeader } from "../parts.tsx";

const PAGE_SIZES = [10, 25, 50, 100, 200] as const;

/** `datetime-local` gives local time without a zone; the API takes an ISO instant. */
function toIso(local: string): string | null {
  if (!local) return null;
  const date = new Date(local);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

/**
 * The API pages by time only (`limit`, `before`): "Older" follows `nextBefore`, "Newer" walks
 * back the cursors seen, and "Before" starts the list at a moment.
 */
export function AuditScreen() {
  const [limit, setLimit] = useState<number>(50);
  const [cursors, setCursors] = useState<Array<string | undefined>>([undefined]);
  const [beforeDraft, setBeforeDraft] = useState("");
  const [beforeError, setBeforeError] = useState<string | null>(null);
  const before = cursors.at(-1);
  const page = useAuditPage({ limit, ...(before ? { before } : {}) });

  return (
    <section>
      <PageHeader title="Audit log" />
      <p className="muted">
        Every change made through the API (who, what, on which object, the outcome and request id), newest first.
        Shoppers in privacy requests appear only as a keyed digest.
      </p>
      <Form
        className="toolbar"
        validationErrors={beforeError ? { before: beforeError } : {}}
        onSubmit={(e) => {
          e.preventDefault();
          const iso = toIso(beforeDraft);
          if (beforeDraft && (!iso || !IsoDateTimeSchema.safeParse(iso).success)) {
            setBeforeError("not a date and time");
            return;
          }
          setBeforeError(null);
          setCursors([iso ?? undefined]);
        }}
      >
        <TextField
          name="before"
          type="datetime-local"
          value={beforeDraft}
          onChange={(v) => {
            setBeforeDraft(v);
            setBeforeError(null);
          }}
        >
          <Label>Before</Label>
          <Input step={1} />
          <FieldError />
        </TextField>
        <Select
          selectedKey={limit}
          onSelectionChange={(key) => {
            setLimit(Number(key));
            setCursors([cursors[0]]);
          }}
        >
          <Label>Per page</Label>
          <Button className="select-button">
            <SelectValue />
          </Button>
          <Popover>
            <ListBox>
              {PAGE_SIZES.map((n) => (
                <ListBoxItem key={n} id={n}>
                  {String(n)}
                </ListBoxItem>
              ))}
            </ListBox>
          </Popover>
        </Select>
        <Button type="submit" className="button secondary">
          Apply
        </Button>
      </Form>
      {page.isPending ? (
        <Loading what="audit log" />
      ) : page.isError ? (
        <ErrorState error={page.error} retry={() => void page.refetch()} />
      ) : page.data.items.length === 0 ? (
        <Empty>
          <p>{before ? "Nothing recorded before this moment." : "Nothing recorded yet."}</p>
        </Empty>
      ) : (
        <>
          <table className="table audit">
            <caption className="visually-hidden">Audit entries ({page.data.items.length})</caption>
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Who</th>
                <th scope="col">Action</th>
                <th scope="col">Target</th>
                <th scope="col">Outcome</th>
                <th scope="col">Request</th>
              </tr>
            </thead>
            <tbody>
              {page.data.items.map((entry) => (
                <tr key={entry.id}>
                  <th scope="row">
                    <time dateTime={entry.at}>{new Date(entry.at).toLocaleString()}</time>
                  </th>
                  <td>
                    {entry.actor.kind} <code>{entry.actor.id}</code>
                  </td>
                  <td>
                    <code>{entry.action}</code>
                  </td>
                  <td>
                    {entry.target ? (
                      <>
                        {entry.target.type} <code>{entry.target.id}</code>
                      </>
                    ) : (
                      "—"
                    )}
                  </td>
                  <td>
                    <span className={`badge run-${entry.outcome === "success" ? "succeeded" : "failed"}`}>
                      {entry.outcome}
                    </span>
                  </td>
                  <td className="muted">{entry.requestId ?? "—"}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <nav className="pager" aria-label="Audit pages">
            <Button
              className="button secondary"
              isDisabled={cursors.length < 2}
              onPress={() => setCursors(cursors.slice(0, -1))}
            >
              Newer
            </Button>
            <span className="muted">Page {cursors.length}</span>
            <Button
              className="button secondary"
              isDisabled={!page.data.nextBefore}
              onPress={() => page.data.nextBefore && setCursors([...cursors, page.data.nextBefore])}
            >
              Older
            </Button>
          </nav>
        </>
      )}
    </section>
  );
}

import {
  type ApiKeyView,
  type CreatedApiKey,
  problemsByField,
  useApiKeys,
  useCan,
  useCreateApiKey,
  useRevokeApiKey,
} from "@varai/admin-kit";
import { CreateApiKeyInputSchema } from "@varai/schema";
import { useState } from "react";
import {
  Button,
  Dialog,
  FieldError,
  Form,
  Heading,
  Label,
  ListBox,
  ListBoxItem,
  Modal,
  Popover,
  Select,
  SelectValue,
  TextArea,
  TextField,
} from "react-aria-components";
import { DialogFooter, Empty, ErrorState, Loading, PageHeader, ShownOnce } from "../parts.tsx";

type Kind = "publishable" | "secret";

/** One origin a line; a lone `*` is the API's explicit "any origin". */
function toBody(kind: Kind, origins: string): Record<string, unknown> {
  const list = origins
    .split(/\s+/)
    .map((o) => o.trim())
    .filter(Boolean);
  return kind === "secret" ? { kind } : { kind, allowedOrigins: list };
}

/** Zod paths like `allowedOrigins.0` belong to the origins field. */
function fieldOf(path: string): string {
  return path.startsWith("allowedOrigins") ? "allowedOrigins" : path;
}

function CreateKeyDialog({ onClose, onCreated }: { onClose: () => void; onCreated: (c: CreatedApiKey) => void }) {
  const create = useCreateApiKey();
  const [kind, setKind] = useState<Kind>("publishable");
  const [origins, setOrigins] = useState("");
  const [local, setLocal] = useState<Record<string, string>>({});
  const api = problemsByField(create.error);
  const apiFields = Object.fromEntries(Object.entries(api.fields).map(([path, message]) => [fieldOf(path), message]));
  const errors = { ...apiFields, ...local };
  const edited = () => {
    setLocal({});
    if (create.error) create.reset();
  };
  return (
    <Modal className="modal" isDismissable isOpen onOpenChange={(open) => !open && onClose()}>
      <Dialog className="dialog">
        <Form
          validationErrors={errors}
          onSubmit={(e) => {
            e.preventDefault();
            const body = toBody(kind, origins);
            // The API's own schema, so a malformed origin never leaves the page.
            const parsed = CreateApiKeyInputSchema.safeParse(body);
            if (!parsed.success) {
              setLocal(Object.fromEntries(parsed.error.issues.map((i) => [fieldOf(i.path.join(".")), i.message])));
              return;
            }
            create.mutate(parsed.data, { onSuccess: onCreated });
          }}
        >
          <Heading slot="title">Create an API key</Heading>
          <Select
            selectedKey={kind}
            onSelectionChange={(key) => {
              setKind(key as Kind);
              edited();
            }}
          >
            <Label>Kind</Label>
            <Button className="select-button">
              <SelectValue />
            </Button>
            <Popover>
              <ListBox>
                <ListBoxItem id="publishable">Publishable (storefront widget)</ListBoxItem>
                <ListBoxItem id="secret">Secret (your servers)</ListBoxItem>
              </ListBox>
            </Popover>
          </Select>
          {kind === "publishable" ? (
            <TextField
              name="allowedOrigins"
              value={origins}
              onChange={(value) => {
                setOrigins(value);
                edited();
              }}
            >
              <Label>Allowed origins (one a line, or * for any)</Label>
              <TextArea rows={3} placeholder="https://shop.example.com" />
              <FieldError />
            </TextField>
          ) : (
            <p className="muted">A secret key is refused from any browser: keep it on your servers.</p>
          )}
          <DialogFooter
            error={api.form}
            pending={create.isPending}
            onCancel={onClose}
            submit="Create key"
            pendingLabel="Creating…"
          />
        </Form>
      </Dialog>
    </Modal>
  );
}

function RevokeDialog({ apiKey, onClose }: { apiKey: ApiKeyView; onClose: () => void }) {
  const revoke = useRevokeApiKey();
  const { form } = problemsByField(revoke.error);
  return (
    <Modal className="modal" isDismissable isOpen onOpenChange={(open) => !open && onClose()}>
      <Dialog className="dialog" role="alertdialog">
        <Heading slot="title">Revoke {apiKey.prefix}?</Heading>
        <p>
          Everything using this key stops working within 30 seconds. This cannot be undone; create a new key to replace
          it.
        </p>
        {form && (
          <p className="form-error" role="alert">
            {form}
          </p>
        )}
        <div className="dialog-actions">
          <Button className="button secondary" onPress={onClose}>
            Cancel
          </Button>
          <Button
            className="button danger"
            isDisabled={revoke.isPending}
            onPress={() => revoke.mutate(apiKey.id, { onSuccess: onClose })}
          >
            {revoke.isPending ? "Revoking…" : "Revoke key"}
          </Button>
        </div>
      </Dialog>
    </Modal>
  );
}

export function ApiKeysScreen() {
  const keys = useApiKeys();
  const canManage = useCan("api-keys:manage");
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<CreatedApiKey | null>(null);
  const [revoking, setRevoking] = useState<ApiKeyView | null>(null);
  return (
    <section>
      <PageHeader title="API keys">
        {canManage && (
          <Button className="button primary" onPress={() => setCreating(true)}>
            Create a key
          </Button>
        )}
      </PageHeader>
      <p className="muted">
        Publishable keys (<code>pk_</code>) go in your storefront's widget and work only from the origins listed. Secret
        keys (<code>sk_</code>) are for your servers. Only the first characters are kept to recognise a key.
      </p>
      {keys.isPending ? (
        <Loading what="API keys" />
      ) : keys.isError ? (
        <ErrorState error={keys.error} retry={() => void keys.refetch()} />
      ) : keys.data.items.length === 0 ? (
        <Empty>
          <p>No API key yet. Create a publishable key to put the widget on your storefront.</p>
        </Empty>
      ) : (
        <table className="table">
          <caption className="visually-hidden">API keys ({keys.data.items.length})</caption>
          <thead>
            <tr>
              <th scope="col">Key</th>
              <th scope="col">Kind</th>
              <th scope="col">Allowed origins</th>
              <th scope="col">Created</th>
              <th scope="col">Status</th>
              {canManage && (
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              )}
            </tr>
          </thead>
          <tbody>
            {keys.data.items.map((k) => (
              <tr key={k.id} data-key-id={k.id}>
                <th scope="row">
                  <code>{k.prefix}</code>
                </th>
                <td>{k.kind}</td>
                <td>{k.kind === "secret" ? "— (servers only)" : k.allowedOrigins.join(", ")}</td>
                <td>{new Date(k.createdAt).toLocaleString()}</td>
                <td>
                  {k.revokedAt ? (
                    <span className="badge run-failed">revoked {new Date(k.revokedAt).toLocaleDateString()}</span>
                  ) : (
                    <span className="badge run-succeeded">active</span>
                  )}
                </td>
                {canManage && (
                  <td>
                    {!k.revokedAt && (
                      <Button className="button small" onPress={() => setRevoking(k)} aria-label={`Revoke ${k.prefix}`}>
                        Revoke
                      </Button>
                    )}
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {creating && (
        <CreateKeyDialog
          onClose={() => setCreating(false)}
          onCreated={(c) => {
            setCreating(false);
            setCreated(c);
          }}
        />
      )}
      {created && (
        <ShownOnce
          title={`Your new ${created.apiKey.kind} key`}
          lead="Copy it now: it is shown only this once and cannot be recovered."
          value={created.key}
          testId="new-key"
          onClose={() => setCreated(null)}
        />
      )}
      {revoking && <RevokeDialog apiKey={revoking} onClose={() => setRevoking(null)} />}
    </section>
  );
}

import { useQueryClient } from "@tanstack/react-query";
import { problemsByField, type TenantView, useCreateTenant, useTenants } from "@varai/admin-kit";
import { CreateTenantInputSchema, type Region } from "@varai/schema";
import { useState } from "react";
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
  Popover,
  Select,
  SelectValue,
  TextField,
} from "react-aria-components";
import { Link, useNavigate } from "react-router";
import { actingTenant } from "../acting-tenant.ts";
import { DialogFooter, Empty, ErrorState, Loading, PageHeader } from "../parts.tsx";

const REGIONS: ReadonlyArray<[Region, string]> = [
  ["us", "United States (us)"],
  ["eu", "European Union (eu)"],
];

function CreateTenantDialog({ onClose }: { onClose: () => void }) {
  const create = useCreateTenant();
  const [region, setRegion] = useState<Region>("us");
  const [local, setLocal] = useState<Record<string, string>>({});
  const problems = problemsByField(create.error);
  const errors = { ...problems.fields, ...local };
  return (
    <Modal className="modal" isDismissable isOpen onOpenChange={(open) => !open && onClose()}>
      <Dialog className="dialog">
        <Form
          validationErrors={errors}
          onSubmit={(e) => {
            e.preventDefault();
            const body = { name: String(new FormData(e.currentTarget).get("name") ?? ""), region };
            // The API's own schema: a name of 1-200 characters and a known region.
            const parsed = CreateTenantInputSchema.safeParse(body);
            if (!parsed.success) {
              setLocal(Object.fromEntries(parsed.error.issues.map((i) => [i.path.join("."), i.message])));
              return;
            }
            setLocal({});
            create.mutate(parsed.data, { onSuccess: onClose });
          }}
        >
          <Heading slot="title">Create a tenant</Heading>
          <TextField name="name" maxLength={200} onChange={() => setLocal({})}>
            <Label>Name</Label>
            <Input autoComplete="off" />
            <FieldError />
          </TextField>
          <Select selectedKey={region} onSelectionChange={(key) => setRegion(key as Region)}>
            <Label>Region</Label>
            <Button className="select-button">
              <SelectValue />
            </Button>
            <Popover>
              <ListBox>
                {REGIONS.map(([id, label]) => (
                  <ListBoxItem key={id} id={id}>
                    {label}
                  </ListBoxItem>
                ))}
              </ListBox>
            </Popover>
          </Select>
          <p className="muted">Where its data lives; it cannot be moved later.</p>
          <DialogFooter
            error={problems.form}
            pending={create.isPending}
            onCancel={onClose}
            submit="Create tenant"
            pendingLabel="Creating…"
          />
        </Form>
      </Dialog>
    </Modal>
  );
}

function TenantRow({ tenant }: { tenant: TenantView }) {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  return (
    <tr data-tenant-id={tenant.id}>
      <th scope="row">{tenant.name}</th>
      <td>
        <code>{tenant.id}</code>
      </td>
      <td>{tenant.region}</td>
      <td>
        <span className={tenant.status === "active" ? "badge run-succeeded" : "badge run-failed"}>{tenant.status}</span>
      </td>
      <td>{new Date(tenant.createdAt).toLocaleDateString()}</td>
      <td>
        <div className="row-actions">
          <Link className="button small" to={`/tenants/${tenant.id}/users`} aria-label={`Users of ${tenant.name}`}>
            Users
          </Link>
          <Button
            className="button small"
            aria-label={`Act on it (${tenant.name})`}
            onPress={() => {
              // The tenant screens (connections, catalog, …) now show this tenant.
              actingTenant.set(tenant.id);
              void queryClient.invalidateQueries();
              void navigate("/connections");
            }}
          >
            Act on it
          </Button>
        </div>
      </td>
    </tr>
  );
}

/** The platform admin's tenant directory: every tenant, and a new one. */
export function TenantsScreen() {
  const tenants = useTenants();
  const [creating, setCreating] = useState(false);
  return (
    <section>
      <PageHeader title="Tenants">
        <Button className="button primary" onPress={() => setCreating(true)}>
          Create a tenant
        </Button>
      </PageHeader>
      <p className="muted">
        Every merchant on this deployment. "Act on it" shows that tenant in the shop screens (sent as X-VARAi-Tenant);
        "Users" manages who can sign in to it.
      </p>
      {tenants.isPending ? (
        <Loading what="tenants" />
      ) : tenants.isError ? (
        <ErrorState error={tenants.error} retry={() => void tenants.refetch()} />
      ) : tenants.data.items.length === 0 ? (
        <Empty>
          <p>No tenant yet. Create one for the first merchant.</p>
        </Empty>
      ) : (
        <table className="table">
          <caption className="visually-hidden">Tenants ({tenants.data.items.length})</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Id</th>
              <th scope="col">Region</th>
              <th scope="col">Status</th>
              <th scope="col">Created</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {tenants.data.items.map((tenant) => (
              <TenantRow key={tenant.id} tenant={tenant} />
            ))}
          </tbody>
        </table>
      )}
      {creating && <CreateTenantDialog onClose={() => setCreating(false)} />}
    </section>
  );
}

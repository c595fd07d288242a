import {
  type CreatedUser,
  problemsByField,
  type UserView,
  useChangeUserRole,
  useCreateUser,
  useSession,
  useTenants,
  useUsers,
} from "@varai/admin-kit";
import { CreateUserInputSchema, type TenantRole } from "@varai/schema";
import { useState, useSyncExternalStore } from "react";
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
import { Link, useParams } from "react-router";
import { actingTenant } from "../acting-tenant.ts";
import { DialogFooter, Empty, ErrorState, Loading, PageHeader } from "../parts.tsx";

const ROLES: ReadonlyArray<[TenantRole, string, string]> = [
  ["tenant_admin", "Admin", "everything of the shop, users and keys included"],
  ["tenant_staff", "Staff", "catalog, recommendations and widget; no users, keys or privacy"],
  ["viewer", "Viewer", "reads every screen, changes nothing"],
];
const ROLE_NAME: Record<string, string> = { ...Object.fromEntries(ROLES.map(([id, name]) => [id, name])) };

function RoleSelect(props: {
  label: string;
  value: TenantRole;
  onChange: (role: TenantRole) => void;
  isDisabled?: boolean;
  hideLabel?: boolean;
}) {
  return (
    <Select
      selectedKey={props.value}
      isDisabled={props.isDisabled ?? false}
      onSelectionChange={(key) => props.onChange(key as TenantRole)}
      {...(props.hideLabel ? { "aria-label": props.label } : {})}
    >
      {!props.hideLabel && <Label>{props.label}</Label>}
      <Button className="select-button">
        {/* The role's name only; the list explains each. */}
        <SelectValue>{({ selectedText }) => selectedText}</SelectValue>
      </Button>
      <Popover>
        <ListBox>
          {ROLES.map(([id, name, what]) => (
            <ListBoxItem key={id} id={id} textValue={name}>
              {name}
              {!props.hideLabel && <span className="muted"> · {what}</span>}
            </ListBoxItem>
          ))}
        </ListBox>
      </Popover>
    </Select>
  );
}

function AddUserDialog(props: { tenantId: string; onClose: () => void; onCreated: (c: CreatedUser) => void }) {
  const create = useCreateUser(props.tenantId);
  const [role, setRole] = useState<TenantRole>("tenant_staff");
  const [local, setLocal] = useState<Record<string, string>>({});
  const problems = problemsByField(create.error);
  // A 409 is the email being taken (emails are unique across tenants): shown on that field.
  const taken = (create.error as { code?: string } | null)?.code === "CONFLICT";
  const api = taken && problems.form ? { form: null, fields: { email: problems.form } } : problems;
  const errors = { ...api.fields, ...local };
  const edited = () => {
    setLocal({});
    if (create.error) create.reset();
  };
  return (
    <Modal className="modal" isDismissable isOpen onOpenChange={(open) => !open && props.onClose()}>
      <Dialog className="dialog">
        <Form
          validationErrors={errors}
          onSubmit={(e) => {
            e.preventDefault();
            const data = new FormData(e.currentTarget);
            const password = String(data.get("password") ?? "");
            const body = { email: String(data.get("email") ?? ""), role, ...(password ? { password } : {}) };
            // The API's own schema: email, role, and a password of 12 or more characters if given.
            const parsed = CreateUserInputSchema.safeParse(body);
            if (!parsed.success) {
              setLocal(Object.fromEntries(parsed.error.issues.map((i) => [i.path.join("."), i.message])));
              return;
            }
            create.mutate(parsed.data, { onSuccess: props.onCreated });
          }}
        >
          <Heading slot="title">Add a user</Heading>
          <TextField name="email" type="email" isRequired onChange={edited}>
            <Label>Email</Label>
            <Input autoComplete="off" />
            <FieldError />
          </TextField>
          <RoleSelect
            label="Role"
            value={role}
            onChange={(r) => {
              setRole(r);
              edited();
            }}
          />
          <TextField name="password" type="password" onChange={edited}>
            <Label>Password (optional: leave empty to generate one)</Label>
            <Input autoComplete="new-password" />
            <FieldError />
          </TextField>
          <DialogFooter
            error={api.form}
            pending={create.isPending}
            onCancel={props.onClose}
            submit="Add user"
            pendingLabel="Adding…"
          />
        </Form>
      </Dialog>
    </Modal>
  );
}

/** A generated password, shown this once (the API stores only its hash). */
function GeneratedPassword({ created, onClose }: { created: CreatedUser; onClose: () => void }) {
  return (
    <Modal className="modal" isOpen onOpenChange={(open) => !open && onClose()}>
      <Dialog className="dialog" role="alertdialog">
        <Heading slot="title">{created.user.email} can sign in</Heading>
        <p>Give them this password through a safe channel: it is shown only this once.</p>
        <p className="secret-value" data-testid="generated-password">
          <code>{created.generatedPassword}</code>
        </p>
        <div className="dialog-actions">
          <Button className="button primary" onPress={onClose}>
            Done
          </Button>
        </div>
      </Dialog>
    </Modal>
  );
}

function UserRow({ user, tenantId, isSelf }: { user: UserView; tenantId: string; isSelf: boolean }) {
  const change = useChangeUserRole(tenantId);
  const { form, fields } = problemsByField(change.error);
  const problem = form ?? fields.role;
  return (
    <tr data-user-id={user.id}>
      <th scope="row">
        {user.email}
        {isSelf && <span className="muted"> (you)</span>}
      </th>
      <td>
        {isSelf || user.role === "platform_admin" ? (
          (ROLE_NAME[user.role] ?? user.role)
        ) : (
          <RoleSelect
            label={`Role of ${user.email}`}
            hideLabel
            value={user.role}
            isDisabled={change.isPending}
            onChange={(role) => role !== user.role && change.mutate({ userId: user.id, role })}
          />
        )}
        {problem && (
          <p className="form-error" role="alert">
            {problem}
          </p>
        )}
        {change.isSuccess && !change.isPending && (
          <p className="notice" role="status">
            Now {ROLE_NAME[change.data.role]}.
          </p>
        )}
      </td>
      <td>{user.status}</td>
      <td>{new Date(user.createdAt).toLocaleDateString()}</td>
    </tr>
  );
}

/** `/tenants/:tenantId/users`: a platform admin managing one tenant's users from the directory. */
export function TenantUsersScreen() {
  const { tenantId } = useParams();
  const tenants = useTenants();
  const name = tenants.data?.items.find((t) => t.id === tenantId)?.name;
  return (
    <>
      <p className="breadcrumb">
        <Link to="/tenants">Tenants</Link> / {name ?? tenantId}
      </p>
      <UsersScreen tenantId={tenantId ?? null} title={name ? `Users of ${name}` : "Users"} />
    </>
  );
}

export function UsersScreen(props: { tenantId?: string | null; title?: string } = {}) {
  const state = useSession();
  const picked = useSyncExternalStore(actingTenant.subscribe, actingTenant.get);
  const me = state.status === "signed-in" ? state.me : null;
  // A platform admin manages the tenant named in the path or picked; everyone else their own.
  const tenantId =
    state.status !== "signed-in"
      ? null
      : state.role === "platform_admin"
        ? (props.tenantId ?? picked)
        : me?.user.tenantId;
  const users = useUsers(tenantId ?? null);
  const [adding, setAdding] = useState(false);
  const [created, setCreated] = useState<CreatedUser | null>(null);
  if (!tenantId) return <Empty>Name a tenant to act on (top bar) to see its users.</Empty>;
  return (
    <section>
      <PageHeader title={props.title ?? "Users and roles"}>
        <Button className="button primary" onPress={() => setAdding(true)}>
          Add a user
        </Button>
      </PageHeader>
      <p className="muted">
        {ROLES.map(([, name, what]) => `${name}: ${what}`).join(". ")}. A role change applies to the user's open session
        within seconds. Nobody can change their own role.
      </p>
      {users.isPending ? (
        <Loading what="users" />
      ) : users.isError ? (
        <ErrorState error={users.error} retry={() => void users.refetch()} />
      ) : users.data.items.length === 0 ? (
        <Empty>
          <p>No user yet.</p>
        </Empty>
      ) : (
        <table className="table">
          <caption className="visually-hidden">Users ({users.data.items.length})</caption>
          <thead>
            <tr>
              <th scope="col">User</th>
              <th scope="col">Role</th>
              <th scope="col">Status</th>
              <th scope="col">Added</th>
            </tr>
          </thead>
          <tbody>
            {users.data.items.map((u) => (
              <UserRow key={u.id} user={u} tenantId={tenantId} isSelf={u.id === me?.user.id} />
            ))}
          </tbody>
        </table>
      )}
      {adding && (
        <AddUserDialog
          tenantId={tenantId}
          onClose={() => setAdding(false)}
          onCreated={(c) => {
            setAdding(false);
            if (c.generatedPassword) setCreated(c);
          }}
        />
      )}
      {created && <GeneratedPassword created={created} onClose={() => setCreated(null)} />}
    </section>
  );
}

import { problemsByField } from "@varai/admin-kit";
import { type ReactNode, useState } from "react";
import { Button, Dialog, Heading, Modal } from "react-aria-components";

/** The three states every screen has besides its content. */
export function Loading({ what }: { what: string }) {
  return (
    <p className="state loading" role="status" aria-live="polite">
      Loading {what}…
    </p>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return <div className="state empty">{children}</div>;
}

export function ErrorState({ error, retry }: { error: unknown; retry?: () => void }) {
  const { form, fields } = problemsByField(error);
  const message = form ?? Object.values(fields).join("; ");
  return (
    <div className="state error" role="alert">
      <p>Could not load: {message || "unknown error"}</p>
      {retry && (
        <Button className="button secondary" onPress={retry}>
          Try again
        </Button>
      )}
    </div>
  );
}

export function PageHeader({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="page-header">
      <h1>{title}</h1>
      <div className="actions">{children}</div>
    </div>
  );
}

/**
 * A dialog form's foot, the same on every screen: the API's form-level problem (field problems
 * show next to their fields), Cancel, and the submit button, disabled while the call runs.
 */
export function DialogFooter(props: {
  error: string | null | undefined;
  pending: boolean;
  onCancel: () => void;
  submit: string;
  pendingLabel: string;
}) {
  return (
    <>
      {props.error && (
        <p className="form-error" role="alert">
          {props.error}
        </p>
      )}
      <div className="dialog-actions">
        <Button className="button secondary" onPress={props.onCancel}>
          Cancel
        </Button>
        <Button type="submit" className="button primary" isDisabled={props.pending}>
          {props.pending ? props.pendingLabel : props.submit}
        </Button>
      </div>
    </>
  );
}

/**
 * The foot of a versioned settings form (widget settings, recommendation rules): the API's
 * form-level problem, the version a save made, and Save for those who may edit.
 */
export function VersionedSaveFooter(props: {
  error: string | null | undefined;
  save: { isPending: boolean; isSuccess: boolean; data?: { version: number } | undefined };
  canEdit: boolean;
  submit: string;
}) {
  const { save } = props;
  return (
    <>
      {props.error && (
        <p className="form-error" role="alert">
          {props.error}
        </p>
      )}
      {save.isSuccess && !save.isPending && save.data && (
        <p className="notice" role="status">
          Saved as version {save.data.version}.
        </p>
      )}
      {props.canEdit && (
        <Button type="submit" className="button primary" isDisabled={save.isPending}>
          {save.isPending ? "Saving…" : props.submit}
        </Button>
      )}
    </>
  );
}

/** A secret (a new API key, a link code) shown this once, with a copy button: the API keeps only its hash. */
export function ShownOnce(props: { title: string; lead: string; value: string; testId: string; onClose: () => void }) {
  const [copied, setCopied] = useState(false);
  return (
    <Modal className="modal" isOpen onOpenChange={(open) => !open && props.onClose()}>
      <Dialog className="dialog" role="alertdialog">
        <Heading slot="title">{props.title}</Heading>
        <p>{props.lead}</p>
        <p className="secret-value" data-testid={props.testId}>
          <code>{props.value}</code>
        </p>
        <div className="dialog-actions">
          <Button
            className="button secondary"
            onPress={() => void navigator.clipboard?.writeText(props.value).then(() => setCopied(true))}
          >
            {copied ? "Copied" : "Copy"}
          </Button>
          <Button className="button primary" onPress={props.onClose}>
            Done
          </Button>
        </div>
      </Dialog>
    </Modal>
  );
}

import { problemsByField } from "@varai/admin-kit";
import type { ReactNode } from "react";
import { Button } from "react-aria-components";

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

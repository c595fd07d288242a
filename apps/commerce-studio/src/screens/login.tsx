import { SessionError, useSession } from "@varai/admin-kit";
import { useState } from "react";
import { Button, FieldError, Form, Input, Label, TextField } from "react-aria-components";

export function LoginScreen({ expired }: { expired: boolean }) {
  const { session } = useSession();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  return (
    <main className="login" id="main">
      <h1>VARAi Commerce Studio</h1>
      {expired && (
        <p className="notice" role="status">
          Your session expired. Sign in again.
        </p>
      )}
      <Form
        onSubmit={async (e) => {
          e.preventDefault();
          const data = new FormData(e.currentTarget);
          setBusy(true);
          setError(null);
          try {
            await session.login(String(data.get("email")), String(data.get("password")));
          } catch (caught) {
            setError(
              caught instanceof SessionError && caught.status === 401
                ? "Wrong email or password."
                : caught instanceof SessionError && caught.status === 429
                  ? "Too many attempts; wait a minute and try again."
                  : "Could not sign in; try again.",
            );
          } finally {
            setBusy(false);
          }
        }}
      >
        <TextField name="email" type="email" isRequired autoComplete="username">
          <Label>Email</Label>
          <Input />
          <FieldError />
        </TextField>
        <TextField name="password" type="password" isRequired autoComplete="current-password">
          <Label>Password</Label>
          <Input />
          <FieldError />
        </TextField>
        {error && (
          <p className="form-error" role="alert">
            {error}
          </p>
        )}
        <Button type="submit" className="button primary" isDisabled={busy}>
          {busy ? "Signing in…" : "Sign in"}
        </Button>
      </Form>
    </main>
  );
}

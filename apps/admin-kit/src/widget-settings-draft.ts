import { type WidgetConfig, WidgetConfigSchema } from "@varai/widget-kit/config";
import { useEffect, useState } from "react";
import { problemsByField, useSaveWidgetSettings, useWidgetSettings } from "./react.ts";

/**
 * Local problems of a draft, keyed like the API's (`config.theme.primary`), so a screen shows both
 * kinds next to the same input. Empty when the draft would be accepted.
 */
export function widgetDraftProblems(draft: unknown): Record<string, string> {
  const parsed = WidgetConfigSchema.safeParse(draft);
  if (parsed.success) return {};
  return Object.fromEntries(parsed.error.issues.map((i) => [`config.${i.path.join(".")}`, i.message]));
}

/**
 * Load, edit and save the tenant's widget settings (`/v1/widget-settings`, version-checked; what
 * storefronts get from `/widget/config`). `draft` is what a preview should show; `save()` checks
 * it with the widgets' own schema first, so nothing invalid leaves the page, then sends it with
 * the version it was loaded at (a stale editor gets the API's 409 in `formError`).
 */
export function useWidgetSettingsDraft() {
  const settings = useWidgetSettings();
  const mutation = useSaveWidgetSettings();
  const [draft, setDraft] = useState<WidgetConfig | null>(null);
  const [local, setLocal] = useState<Record<string, string>>({});
  useEffect(() => {
    if (settings.data) setDraft(settings.data.config);
  }, [settings.data]);
  const api = problemsByField(mutation.error);
  const saved = settings.data?.config;
  return {
    settings,
    draft,
    /** The draft differs from what is saved. */
    dirty: draft !== null && saved !== undefined && JSON.stringify(draft) !== JSON.stringify(saved),
    /** Problems by field (`config.theme.primary`): the draft's own, then the API's. */
    fieldErrors: { ...api.fields, ...local },
    formError: api.form,
    saving: mutation.isPending,
    savedJustNow: mutation.isSuccess,
    update(change: (config: WidgetConfig) => void) {
      // An edit answers the errors shown: they must not keep the form from being sent again.
      setLocal({});
      if (mutation.error || mutation.isSuccess) mutation.reset();
      setDraft((current) => {
        if (!current) return current;
        const next = structuredClone(current);
        change(next);
        return next;
      });
    },
    discard() {
      setLocal({});
      mutation.reset();
      if (saved) setDraft(saved);
    },
    save() {
      if (!draft || !settings.data) return;
      const problems = widgetDraftProblems(draft);
      setLocal(problems);
      if (Object.keys(problems).length > 0) return;
      mutation.mutate({ version: settings.data.version, config: WidgetConfigSchema.parse(draft) });
    },
  };
}

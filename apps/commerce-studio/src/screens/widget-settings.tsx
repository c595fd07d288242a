import { problemsByField, useCan, useSaveWidgetSettings, useWidgetSettings } from "@varai/admin-kit";
import { type WidgetConfig, WidgetConfigSchema } from "@varai/widget-kit/config";
import { useEffect, useRef, useState } from "react";
import {
  Button,
  Checkbox,
  FieldError,
  Form,
  Input,
  Label,
  ListBox,
  ListBoxItem,
  NumberField,
  Popover,
  Select,
  SelectValue,
  TextField,
} from "react-aria-components";
import { ErrorState, Loading, PageHeader, VersionedSaveFooter } from "../parts.tsx";

const THEME = [
  ["primary", "Primary colour"],
  ["onPrimary", "Text on primary"],
  ["background", "Background"],
  ["foreground", "Text colour"],
  ["radius", "Corner radius"],
  ["font", "Font"],
] as const;
const FEATURES = [
  ["photoTryOn", "Photo try-on"],
  ["liveTryOn", "Live (camera) try-on"],
  ["frameFinder", "Frame finder"],
  ["recommendations", "Recommendations"],
  ["addToCart", "Add to cart"],
] as const;

/**
 * The real storefront widgets, loaded by `/widget/varai.js` in the gateway's preview page, with the
 * draft (unsaved) settings posted to them. The frame is sandboxed without allow-same-origin: its
 * opaque origin cannot reach this page or the session, which is why the draft goes by postMessage
 * to "*" (an opaque origin cannot be named) and only to this frame's window.
 */
function Preview({ config }: { config: WidgetConfig }) {
  const frame = useRef<HTMLIFrameElement>(null);
  const [ready, setReady] = useState(false);
  useEffect(() => {
    const onMessage = (event: MessageEvent) => {
      if (event.source === frame.current?.contentWindow && event.data?.type === "varai:preview-ready") setReady(true);
    };
    addEventListener("message", onMessage);
    return () => removeEventListener("message", onMessage);
  }, []);
  useEffect(() => {
    if (ready) frame.current?.contentWindow?.postMessage({ type: "varai:preview-config", config }, "*");
  }, [ready, config]);
  return (
    <figure className="preview" aria-label="Preview">
      <iframe ref={frame} src="/studio/preview" title="Widget preview (unsaved settings)" sandbox="allow-scripts" />
      <figcaption className="muted">The storefront widgets with these settings, before saving.</figcaption>
    </figure>
  );
}

export function WidgetSettingsScreen() {
  const settings = useWidgetSettings();
  const save = useSaveWidgetSettings();
  const canEdit = useCan("widgets:manage");
  const [draft, setDraft] = useState<WidgetConfig | null>(null);
  const [local, setLocal] = useState<Record<string, string>>({});
  useEffect(() => {
    if (settings.data) setDraft(settings.data.config);
  }, [settings.data]);
  const api = problemsByField(save.error);
  const errors = { ...api.fields, ...local };

  if (settings.isPending) return <Loading what="widget settings" />;
  if (settings.isError) return <ErrorState error={settings.error} retry={() => void settings.refetch()} />;
  if (!draft) return null;
  const version = settings.data.version;
  const update = (change: (c: WidgetConfig) => WidgetConfig) => {
    // An edit answers the errors shown: they must not keep the form from submitting again.
    setLocal({});
    if (save.error) save.reset();
    setDraft((c) => (c ? change(structuredClone(c)) : c));
  };

  return (
    <section>
      <PageHeader title="Widget settings" />
      <p className="muted">
        Version {version}
        {settings.data.updatedAt ? `, saved ${new Date(settings.data.updatedAt).toLocaleString()}` : " (defaults)"}.
        Storefronts get these from <code>/widget/config</code>.
      </p>
      <div className="split">
        <Form
          className="settings-form"
          validationErrors={errors}
          onSubmit={(e) => {
            e.preventDefault();
            const parsed = WidgetConfigSchema.safeParse(draft);
            if (!parsed.success) {
              setLocal(Object.fromEntries(parsed.error.issues.map((i) => [`config.${i.path.join(".")}`, i.message])));
              return;
            }
            setLocal({});
            save.mutate({ version, config: parsed.data });
          }}
        >
          <fieldset disabled={!canEdit}>
            <legend>Theme</legend>
            {THEME.map(([key, label]) => (
              <TextField
                key={key}
                name={`config.theme.${key}`}
                value={draft.theme[key]}
                isReadOnly={!canEdit}
                onChange={(value) =>
                  update((c) => {
                    c.theme[key] = value;
                    return c;
                  })
                }
              >
                <Label>{label}</Label>
                <Input />
                <FieldError />
              </TextField>
            ))}
          </fieldset>
          <fieldset disabled={!canEdit}>
            <legend>Features</legend>
            {FEATURES.map(([key, label]) => (
              <Checkbox
                key={key}
                isSelected={draft.features[key]}
                isReadOnly={!canEdit}
                onChange={(on) =>
                  update((c) => {
                    c.features[key] = on;
                    return c;
                  })
                }
              >
                <span className="checkbox-box" aria-hidden="true" />
                {label}
              </Checkbox>
            ))}
          </fieldset>
          <Select
            selectedKey={draft.locale ?? "en"}
            isDisabled={!canEdit}
            onSelectionChange={(key) =>
              update((c) => {
                c.locale = key as WidgetConfig["locale"];
                return c;
              })
            }
          >
            <Label>Language</Label>
            <Button className="select-button">
              <SelectValue />
            </Button>
            <Popover>
              <ListBox>
                <ListBoxItem id="en">English</ListBoxItem>
                <ListBoxItem id="fr">Français</ListBoxItem>
                <ListBoxItem id="de">Deutsch</ListBoxItem>
              </ListBox>
            </Popover>
          </Select>
          <NumberField
            name="config.recommendations.limit"
            value={draft.recommendations.limit}
            minValue={1}
            maxValue={24}
            isReadOnly={!canEdit}
            onChange={(limit) =>
              update((c) => {
                c.recommendations.limit = limit;
                return c;
              })
            }
          >
            <Label>Recommendations shown</Label>
            <Input />
            <FieldError />
          </NumberField>
          <VersionedSaveFooter error={api.form} save={save} canEdit={canEdit} submit="Save settings" />
        </Form>
        <Preview config={draft} />
      </div>
    </section>
  );
}

import {
  Box,
  Button,
  Checkbox,
  Flex,
  FlexItem,
  Form,
  FormGroup,
  Input,
  Message,
  Panel,
  Select,
  Text,
} from "@bigcommerce/big-design";
import { useCan, useWidgetSettingsDraft } from "@varai/admin-kit";
import type { WidgetConfig } from "@varai/widget-kit/config";
import { useEffect, useRef, useState } from "react";

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
  ["addToCart", "Add to cart from the try-on"],
] as const;
const LOCALES = [
  { value: "en", content: "English" },
  { value: "fr", content: "Français" },
  { value: "de", content: "Deutsch" },
];

/**
 * The real storefront widgets in a sandboxed frame (opaque origin: it cannot reach this page or
 * its session), fed the unsaved draft by postMessage to that frame's window only.
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
    <Panel header="Preview" description="The storefront widgets with these settings, before saving.">
      <iframe
        ref={frame}
        src="/bigcommerce/app/preview.html"
        title="Widget preview (unsaved settings)"
        sandbox="allow-scripts"
        style={{ width: "100%", height: 420, border: "1px solid #d9dce9", borderRadius: 4 }}
      />
    </Panel>
  );
}

export function WidgetSettingsScreen() {
  const w = useWidgetSettingsDraft();
  const canEdit = useCan("widgets:manage");
  if (w.settings.isError) return <Text>The widget settings could not be loaded.</Text>;
  if (!w.draft) return <Text>Loading the widget settings…</Text>;
  const draft = w.draft;
  return (
    <Flex flexDirection={{ mobile: "column", desktop: "row" }} flexGap="1.5rem" alignItems="flex-start">
      <FlexItem flexGrow={1} flexBasis="50%">
        <Panel header="Widget settings" description="How the try-on looks and what it offers on your product pages.">
          <Form
            fullWidth
            onSubmit={(event) => {
              event.preventDefault();
              w.save();
            }}
          >
            <FormGroup>
              <Select
                label="Language"
                options={LOCALES}
                value={draft.locale ?? "en"}
                disabled={!canEdit}
                onOptionChange={(value) =>
                  w.update((c) => {
                    c.locale = value as WidgetConfig["locale"];
                  })
                }
              />
            </FormGroup>
            {THEME.map(([key, label]) => (
              <FormGroup key={key}>
                <Input
                  label={label}
                  value={draft.theme[key]}
                  disabled={!canEdit}
                  error={w.fieldErrors[`config.theme.${key}`]}
                  onChange={(event) => {
                    const value = event.target.value;
                    w.update((c) => {
                      c.theme[key] = value;
                    });
                  }}
                />
              </FormGroup>
            ))}
            <FormGroup>
              {FEATURES.map(([key, label]) => (
                <Checkbox
                  key={key}
                  label={label}
                  checked={draft.features[key]}
                  disabled={!canEdit}
                  onChange={(event) => {
                    const checked = event.target.checked;
                    w.update((c) => {
                      c.features[key] = checked;
                    });
                  }}
                />
              ))}
            </FormGroup>
            {w.formError ? <Message type="error" messages={[{ text: w.formError }]} marginBottom="medium" /> : null}
            {w.savedJustNow ? (
              <Message
                type="success"
                messages={[{ text: "Saved. Your storefront shows it within a minute." }]}
                marginBottom="medium"
              />
            ) : null}
            <Box>
              <Button type="submit" isLoading={w.saving} disabled={!canEdit || !w.dirty}>
                Save
              </Button>
              <Button type="button" variant="subtle" disabled={!w.dirty} onClick={w.discard} marginLeft="small">
                Discard changes
              </Button>
            </Box>
          </Form>
        </Panel>
      </FlexItem>
      <FlexItem flexGrow={1} flexBasis="50%">
        <Preview config={draft} />
      </FlexItem>
    </Flex>
  );
}

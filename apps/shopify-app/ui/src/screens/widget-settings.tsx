import {
  Banner,
  BlockStack,
  Card,
  Checkbox,
  FormLayout,
  Layout,
  Page,
  Select,
  Text,
  TextField,
} from "@shopify/polaris";
import { useCan, useWidgetPreview, useWidgetSettingsDraft } from "@varai/admin-kit";
import type { WidgetConfig } from "@varai/widget-kit/config";
import { ErrorPage, LoadingPage } from "./states.tsx";

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
const LOCALES = [
  { label: "English", value: "en" },
  { label: "Français", value: "fr" },
  { label: "Deutsch", value: "de" },
];

/** The real storefront widgets with the unsaved draft (the gateway's sandboxed preview page). */
function Preview({ config }: { config: WidgetConfig }) {
  // The app's own preview mount: Shopify's admin frames the app, so it must be allowed to frame this too.
  const preview = useWidgetPreview(config, "/shopify/app/preview");
  return (
    <Card>
      <BlockStack gap="200">
        <Text as="h2" variant="headingMd">
          Preview
        </Text>
        <Text as="p" tone="subdued">
          Your storefront's widgets with these settings, before saving.
        </Text>
        <iframe
          ref={preview.frameRef}
          src={preview.src}
          sandbox={preview.sandbox}
          title="Widget preview (unsaved settings)"
          className="widget-preview"
        />
      </BlockStack>
    </Card>
  );
}

export function WidgetSettingsScreen() {
  const form = useWidgetSettingsDraft();
  const canEdit = useCan("widgets:manage");
  const title = "Widget settings";
  if (form.settings.isPending) return <LoadingPage title={title} />;
  if (form.settings.isError)
    return <ErrorPage title={title} error={form.settings.error} retry={() => void form.settings.refetch()} />;
  const draft = form.draft;
  if (!draft) return <LoadingPage title={title} />;
  const saved = form.settings.data;
  const errors = form.fieldErrors;

  return (
    <Page
      title={title}
      subtitle={`Version ${saved.version}${saved.updatedAt ? `, saved ${new Date(saved.updatedAt).toLocaleString()}` : " (defaults)"}`}
      primaryAction={{
        content: "Save",
        onAction: form.save,
        loading: form.saving,
        disabled: !canEdit || !form.dirty,
      }}
      secondaryActions={[{ content: "Discard", onAction: form.discard, disabled: !form.dirty }]}
    >
      <Layout>
        {form.savedJustNow ? (
          <Layout.Section>
            <Banner tone="success" title="Settings saved">
              <p>Your storefront shows them from now on (version {saved.version}).</p>
            </Banner>
          </Layout.Section>
        ) : null}
        {form.formError ? (
          <Layout.Section>
            <Banner tone="critical" title="The settings were not saved">
              <p>{form.formError}</p>
            </Banner>
          </Layout.Section>
        ) : null}
        <Layout.Section variant="oneHalf">
          <BlockStack gap="400">
            <Card>
              <FormLayout>
                <Text as="h2" variant="headingMd">
                  Look
                </Text>
                {THEME.map(([key, label]) => (
                  <TextField
                    key={key}
                    label={label}
                    autoComplete="off"
                    value={draft.theme[key]}
                    disabled={!canEdit}
                    error={errors[`config.theme.${key}`]}
                    onChange={(value) =>
                      form.update((c) => {
                        c.theme[key] = value;
                      })
                    }
                  />
                ))}
              </FormLayout>
            </Card>
            <Card>
              <FormLayout>
                <Text as="h2" variant="headingMd">
                  What shoppers can do
                </Text>
                {FEATURES.map(([key, label]) => (
                  <Checkbox
                    key={key}
                    label={label}
                    checked={draft.features[key]}
                    disabled={!canEdit}
                    onChange={(on) =>
                      form.update((c) => {
                        c.features[key] = on;
                      })
                    }
                  />
                ))}
                <Select
                  label="Language"
                  options={LOCALES}
                  value={draft.locale ?? "en"}
                  disabled={!canEdit}
                  onChange={(value) =>
                    form.update((c) => {
                      c.locale = value as WidgetConfig["locale"];
                    })
                  }
                />
                <TextField
                  label="Recommendations shown"
                  type="number"
                  min={1}
                  max={24}
                  autoComplete="off"
                  value={String(draft.recommendations.limit)}
                  disabled={!canEdit}
                  error={errors["config.recommendations.limit"]}
                  onChange={(value) =>
                    form.update((c) => {
                      c.recommendations.limit = Number(value);
                    })
                  }
                />
              </FormLayout>
            </Card>
          </BlockStack>
        </Layout.Section>
        <Layout.Section variant="oneHalf">
          <Preview config={draft} />
        </Layout.Section>
      </Layout>
    </Page>
  );
}

import { type AdminApiDeps, adminGraphql } from "./admin-api.ts";

/** The app-data metafields the theme app extension reads as `app.metafields.varai.*`. */
export interface StorefrontSettings {
  publishableKey: string;
  /** Where the widget loader is served: `<VARAi API>/widget/varai.js`. */
  loaderUrl: string;
}

/**
 * Writes the storefront settings as app-data metafields on the app installation
 * (`metafieldsSet`, owner = `currentAppInstallation`), so the app embed's Liquid renders the
 * loader tag with the shop's own publishable key and no request at page load.
 */
export async function writeStorefrontSettings(
  deps: AdminApiDeps,
  shop: string,
  accessToken: string,
  settings: StorefrontSettings,
): Promise<void> {
  const installation = await adminGraphql<{ currentAppInstallation: { id: string } }>(
    deps,
    shop,
    accessToken,
    "query AppInstallation { currentAppInstallation { id } }",
  );
  const ownerId = installation.currentAppInstallation.id;
  const field = (key: string, value: string) => ({
    ownerId,
    namespace: "varai",
    key,
    type: "single_line_text_field",
    value,
  });
  const data = await adminGraphql<{ metafieldsSet: { userErrors: Array<{ message: string }> } }>(
    deps,
    shop,
    accessToken,
    `mutation SetStorefrontSettings($metafields: [MetafieldsSetInput!]!) {
  metafieldsSet(metafields: $metafields) { metafields { key } userErrors { field message } }
}`,
    { metafields: [field("publishable_key", settings.publishableKey), field("loader_url", settings.loaderUrl)] },
  );
  if (data.metafieldsSet.userErrors.length > 0) {
    throw new Error(`metafieldsSet refused: ${data.metafieldsSet.userErrors[0]?.message}`);
  }
}

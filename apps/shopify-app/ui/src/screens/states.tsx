import {
  Banner,
  BlockStack,
  Button,
  Card,
  Layout,
  Page,
  SkeletonBodyText,
  SkeletonDisplayText,
} from "@shopify/polaris";

/** What every screen shows while loading, on an error, or with nothing to show. */
export function LoadingPage({ title }: { title: string }) {
  return (
    <Page title={title}>
      <Layout>
        <Layout.Section>
          <Card>
            <BlockStack gap="400">
              <SkeletonDisplayText size="small" />
              <SkeletonBodyText lines={4} />
            </BlockStack>
          </Card>
        </Layout.Section>
      </Layout>
    </Page>
  );
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export function ErrorBanner({ error, retry, title }: { error: unknown; retry?: () => void; title?: string }) {
  return (
    <Banner tone="critical" title={title ?? "Something went wrong"}>
      <BlockStack gap="200">
        <p>{messageOf(error)}</p>
        {retry ? (
          <div>
            <Button onClick={retry}>Try again</Button>
          </div>
        ) : null}
      </BlockStack>
    </Banner>
  );
}

export function ErrorPage({ title, error, retry }: { title: string; error: unknown; retry?: () => void }) {
  return (
    <Page title={title}>
      <Layout>
        <Layout.Section>
          <ErrorBanner error={error} {...(retry ? { retry } : {})} />
        </Layout.Section>
      </Layout>
    </Page>
  );
}

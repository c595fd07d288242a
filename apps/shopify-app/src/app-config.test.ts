import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "smol-toml";
import { describe, expect, it } from "vitest";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
// biome-ignore lint/suspicious/noExplicitAny: the tests assert on the parsed TOML, they do not type it
const toml = (file: string) => parse(readFileSync(path.join(root, file), "utf8")) as Record<string, any>;

describe("shopify.app.toml and shopify.web.toml (the template's shape)", () => {
  const app = toml("shopify.app.toml");

  it("is an embedded app with Shopify-managed installation and the scopes the app uses", () => {
    expect(app).toMatchObject({ embedded: true, application_url: expect.stringMatching(/\/shopify\/app$/) });
    expect(app.access_scopes.use_legacy_install_flow).toBe(false);
    expect(app.access_scopes.scopes.split(",")).toEqual([
      "read_products",
      "read_orders",
      "write_app_proxy",
      "read_themes",
    ]);
  });

  it("subscribes products, orders/paid, app/uninstalled and the three compliance topics, all at the intake", () => {
    expect(app.webhooks.api_version).toBe("2026-10");
    const subs = app.webhooks.subscriptions as Array<{ topics?: string[]; compliance_topics?: string[]; uri: string }>;
    const topics = subs.flatMap((s) => s.topics ?? []);
    expect(topics).toEqual(
      expect.arrayContaining([
        "products/create",
        "products/update",
        "products/delete",
        "orders/paid",
        "app/uninstalled",
      ]),
    );
    expect(subs.flatMap((s) => s.compliance_topics ?? []).sort()).toEqual([
      "customers/data_request",
      "customers/redact",
      "shop/redact",
    ]);
    for (const s of subs) expect(new URL(s.uri).pathname).toBe("/webhooks/shopify");
  });

  it("proxies /apps/varai to /shopify/proxy", () => {
    expect(app.app_proxy).toMatchObject({ prefix: "apps", subpath: "varai" });
    expect(new URL(app.app_proxy.url).pathname).toBe("/shopify/proxy");
  });

  it("shopify.web.toml runs this package's start and names the webhook path", () => {
    const web = toml("shopify.web.toml");
    expect(web.roles).toEqual(["frontend", "backend"]);
    expect(web.webhooks_path).toBe("/webhooks/shopify");
    expect(web.commands.dev).toContain("@varai/shopify-app");
  });
});

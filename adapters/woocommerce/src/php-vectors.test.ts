import { spawnSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { noopLogger } from "@varai/commerce";
import { describe, expect, it } from "vitest";
import { createWooCommerceAdapter } from "./index.ts";

/**
 * Shared vector with the WooCommerce plugin's package: a delivery encoded and signed by PHP
 * exactly as WC_Webhook does (apps/woocommerce-plugin/tests/vectors/woocommerce-delivery.php,
 * json_encode escapes "/" and non-ASCII, and the secret is HTML-entity-decoded first) verifies
 * here, and the order's `_varai_session` meta (the plugin's attribution) is read.
 */
const SCRIPT = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  "../../../apps/woocommerce-plugin/tests/vectors/woocommerce-delivery.php",
);
const hasPhp = spawnSync("sh", ["-c", "command -v php"]).status === 0;
if (!hasPhp && process.env.CI === "true") throw new Error("php-cli missing: run bash scripts/setup.sh test");

function phpDelivery(secret: string, topic: string, payload: unknown) {
  const r = spawnSync("php", [SCRIPT], { input: JSON.stringify({ secret, topic, payload }), encoding: "utf8" });
  if (r.status !== 0) throw new Error(r.stderr);
  const d = JSON.parse(r.stdout) as { headers: Record<string, string>; body: string };
  // As node's HTTP server hands them to the webhook intake: names lower-cased.
  return { body: d.body, headers: Object.fromEntries(Object.entries(d.headers).map(([k, v]) => [k.toLowerCase(), v])) };
}

const adapter = (webhookSecret: string) =>
  createWooCommerceAdapter(
    { connectionId: "con_v", storeUrl: "https://shop.example", consumerKey: "ck", consumerSecret: "cs", webhookSecret },
    { fetch: (...a) => fetch(...a), logger: noopLogger, clock: () => new Date() },
  );

const ORDER = {
  id: 77,
  currency: "EUR",
  total: "129.00",
  date_created_gmt: "2026-12-03T10:00:00",
  line_items: [{ product_id: 100, quantity: 1, price: 129 }],
  meta_data: [
    { id: 1, key: "_billing_note", value: "Lieferung an Büro / 2. Stock" },
    { id: 2, key: "_varai_session", value: "ses_k3j2h1" },
  ],
};

describe.skipIf(!hasPhp)("PHP-signed WooCommerce deliveries (shared vector)", () => {
  it("verifies and maps an order.created with the plugin's _varai_session", () => {
    const d = phpDelivery("Plugin1Generated2Secret3Letters4", "order.created", ORDER);
    expect(d.body).toContain("\\/"); // PHP's escaped slashes: the raw body is what is signed
    const parsed = adapter("Plugin1Generated2Secret3Letters4").parseWebhook({
      rawBody: Buffer.from(d.body),
      headers: d.headers,
      method: "POST",
    });
    expect(parsed).toMatchObject({
      ok: true,
      value: { kind: "order", orderId: "77", currency: "EUR", total: "129.00", varaiSessionId: "ses_k3j2h1" },
    });
  });

  it("refuses it with another secret, or after one byte changed", () => {
    const d = phpDelivery("Plugin1Generated2Secret3Letters4", "order.created", ORDER);
    const request = (body: string) => ({ rawBody: Buffer.from(body), headers: d.headers, method: "POST" });
    expect(adapter("another-secret").parseWebhook(request(d.body))).toMatchObject({
      ok: false,
      error: { reason: "bad-signature" },
    });
    expect(
      adapter("Plugin1Generated2Secret3Letters4").parseWebhook(request(d.body.replace("129.00", "129.01"))),
    ).toMatchObject({ ok: false, error: { reason: "bad-signature" } });
  });

  it("signs with the HTML-decoded secret, as WooCommerce does (woocommerce #21693)", () => {
    const d = phpDelivery("a&amp;b", "order.created", ORDER);
    const parsed = adapter("a&b").parseWebhook({ rawBody: Buffer.from(d.body), headers: d.headers, method: "POST" });
    expect(parsed.ok).toBe(true);
  });
});

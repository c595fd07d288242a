import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { themeCheckRun } from "@shopify/theme-check-node";
import { Liquid } from "liquidjs";
import { describe, expect, it } from "vitest";

const EXTENSION = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../extensions/varai-theme");
const TAE_CONFIG = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  "../node_modules/@shopify/theme-check-node/configs/theme-app-extension.yml",
);

const files = (dir: string): string[] =>
  readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? files(full) : [full];
  });

/** The JSON between {% schema %} and {% endschema %}. */
const schemaOf = (file: string) =>
  JSON.parse(/{%\s*schema\s*%}([\s\S]*?){%\s*endschema\s*%}/.exec(readFileSync(file, "utf8"))![1]!) as Record<
    string,
    unknown
  >;

describe("theme app extension extensions/varai-theme", () => {
  it("is clean under theme-check's theme-app-extension config (no errors)", async () => {
    const run = await themeCheckRun(EXTENSION, TAE_CONFIG, () => undefined);
    const errors = run.offenses.filter((o) => o.severity === 0);
    expect(errors.map((o) => `${o.check}: ${o.message} (${o.uri})`)).toEqual([]);
    // Warnings are listed so a new one is seen in review.
    expect(run.offenses.map((o) => o.check)).toEqual([]);
  }, 60_000);

  it("reports a deliberate fault (so the clean run above can fail)", async () => {
    const copy = mkdtempSync(path.join(tmpdir(), "varai-tae-"));
    try {
      cpSync(EXTENSION, copy, { recursive: true });
      const embed = path.join(copy, "blocks/app-embed.liquid");
      const broken = readFileSync(embed, "utf8").replace(
        "{% render 'varai-loader' %}",
        "{% render 'missing' %}<script src=\"a.js\"></script>",
      );
      writeFileSync(embed, broken);
      const run = await themeCheckRun(copy, TAE_CONFIG, () => undefined);
      expect(run.offenses.map((o) => o.check)).toEqual(
        expect.arrayContaining(["MissingTemplate", "ParserBlockingScript"]),
      );
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  }, 60_000);

  it("stays within Shopify's limits: JS <= 10 KB gzipped per file, Liquid <= 500 KB, only allowed folders", () => {
    const all = files(EXTENSION).map((f) => path.relative(EXTENSION, f));
    for (const file of all) {
      expect(file).toMatch(
        /^(shopify\.extension\.toml|assets\/.+\.(js|css|svg|png|json)|blocks\/.+\.liquid|snippets\/.+\.liquid|locales\/.+\.json)$/,
      );
    }
    for (const js of all.filter((f) => f.endsWith(".js"))) {
      expect(gzipSync(readFileSync(path.join(EXTENSION, js))).length).toBeLessThanOrEqual(10_000);
    }
    const liquid = all
      .filter((f) => f.endsWith(".liquid"))
      .reduce((n, f) => n + statSync(path.join(EXTENSION, f)).size, 0);
    expect(liquid).toBeLessThanOrEqual(500 * 1024);
  });

  it("declares the app embed (target body) and the app block (target section, product templates) with known schema keys", () => {
    const ALLOWED = new Set([
      "name",
      "target",
      "settings",
      "javascript",
      "stylesheet",
      "enabled_on",
      "disabled_on",
      "available_if",
      "class",
      "tag",
    ]);
    const embed = schemaOf(path.join(EXTENSION, "blocks/app-embed.liquid"));
    const block = schemaOf(path.join(EXTENSION, "blocks/try-on-button.liquid"));
    for (const schema of [embed, block]) for (const key of Object.keys(schema)) expect(ALLOWED).toContain(key);
    expect(embed.target).toBe("body");
    expect(block).toMatchObject({ name: "Virtual try-on", target: "section", enabled_on: { templates: ["product"] } });
    const settings = (block.settings as Array<{ id: string }>).map((s) => s.id);
    expect(settings).toEqual(["label", "style", "placement"]);
  });
});

describe("the Liquid renders the loader tag with the shop's publishable key (liquidjs)", () => {
  const engine = new Liquid({
    root: [path.join(EXTENSION, "snippets"), path.join(EXTENSION, "blocks")],
    extname: ".liquid",
  });
  // Shopify's own tags that liquidjs does not know: the schema is data, not output.
  engine.registerTag("schema", {
    parse(_token, remain) {
      const stream = this.liquid.parser.parseStream(remain);
      stream
        .on("tag:endschema", () => stream.stop())
        .on("template", () => undefined)
        .on("end", () => {
          throw new Error("schema not closed");
        });
      stream.start();
    },
    render: () => "",
  });
  // Shopify's global objects (app, shop, product) reach rendered snippets too; `block` is local.
  const render = (file: string, { block, ...globals }: Record<string, unknown>) =>
    engine.parseAndRender(readFileSync(path.join(EXTENSION, file), "utf8"), { block }, { globals });
  const app = {
    metafields: {
      varai: { publishable_key: 'pk_live_abc"x', loader_url: "https://api.varai.example/widget/varai.js" },
    },
  };

  it("the app embed renders the loader with the key (escaped)", async () => {
    const html = await render("blocks/app-embed.liquid", { app });
    expect(html).toContain(
      '<script src="https://api.varai.example/widget/varai.js" data-key="pk_live_abc&#34;x" async></script>',
    );
  });

  it("renders nothing before the app has written its settings", async () => {
    const html = await render("blocks/app-embed.liquid", { app: { metafields: {} } });
    expect(html).not.toContain("<script");
  });

  it("the app block renders the try-on element for the selected variant, with its settings", async () => {
    const html = await render("blocks/try-on-button.liquid", {
      app,
      shop: { permanent_domain: "varai-sim.myshopify.com" },
      product: {
        id: 788032119674292922n.toString(),
        selected_or_first_available_variant: { id: 40000000000000000, sku: "VA-001-BLK" },
      },
      block: {
        settings: { label: "Try these on", style: "secondary", placement: "inline" },
        shopify_attributes: 'data-block-id="b1"',
      },
    });
    expect(html).toContain('data-key="pk_live_abc&#34;x"');
    expect(html).toMatch(
      /<varai-try-on\s+sku="VA-001-BLK"\s+label="Try these on"\s+data-variant-id="40000000000000000"/,
    );
    expect(html).toContain('class="varai-block varai-block--secondary varai-block--inline"');
    expect(html).toContain('data-block-id="b1"');
  });
});

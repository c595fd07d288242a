import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Liquid } from "liquidjs";

/** Tests only: the theme app extension's folder and a Liquid renderer standing in for Shopify's. */
export const EXTENSION_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../extensions/varai-theme");

const engine = new Liquid({
  root: [path.join(EXTENSION_DIR, "snippets"), path.join(EXTENSION_DIR, "blocks")],
  extname: ".liquid",
});
// Shopify's {% schema %} is data, not output: parsed and dropped.
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

/**
 * Renders `blocks/<file>` as Shopify would: `block` is the block's own scope; Shopify's global
 * objects (`app`, `shop`, `product`, …) also reach the snippets it renders.
 */
export function renderExtensionFile(file: string, { block, ...globals }: Record<string, unknown>): Promise<string> {
  return engine.parseAndRender(readFileSync(path.join(EXTENSION_DIR, file), "utf8"), { block }, { globals });
}

/** An asset of the extension (what Shopify serves from its CDN). */
export const extensionAsset = (name: string) => readFileSync(path.join(EXTENSION_DIR, "assets", name), "utf8");

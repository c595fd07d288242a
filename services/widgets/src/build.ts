import { createHash } from "node:crypto";
import { createRequire } from "node:module";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { type BuildOptions, build, type OutputFile } from "esbuild";

const require = createRequire(import.meta.url);

const ZOD_JITLESS = "globalThis.__zod_globalConfig=Object.assign(globalThis.__zod_globalConfig||{},{jitless:true});";

/** Element tag -> the package whose entry defines it. */
export const WIDGET_ENTRIES = {
  "varai-try-on": "@varai/widget-try-on",
  "varai-frame-finder": "@varai/widget-frame-finder",
  "varai-recommendations": "@varai/widget-recommendations",
} as const;

export interface WidgetAsset {
  body: Buffer;
  gzip: Buffer;
  contentType: string;
  etag: string;
  /** Content-hashed name: cache forever. */
  immutable: boolean;
}

export interface WidgetBundles {
  /** Keyed by path under `/widget/`: `varai.js`, `chunks/try-on-AB12CD.js`. */
  assets: ReadonlyMap<string, WidgetAsset>;
  /** Tag -> chunk file, as baked into the loader. */
  chunks: Readonly<Record<string, string>>;
  loader: { bytes: number; gzipBytes: number };
  buildMs: number;
}

function asset(body: Uint8Array, contentType: string, immutable: boolean): WidgetAsset {
  const buf = Buffer.from(body);
  return {
    body: buf,
    gzip: gzipSync(buf, { level: 9 }),
    contentType,
    etag: `"${createHash("sha256").update(buf).digest("base64url").slice(0, 22)}"`,
    immutable,
  };
}

const baseName = (file: OutputFile) => file.path.slice(file.path.lastIndexOf("/") + 1);

/**
 * Builds the widget bundles in memory with esbuild: one ESM chunk per element (shared
 * code split out; live mode in its own chunk), then the loader as a classic script with
 * the chunk names baked in. Takes a few hundred ms, so the gateway can build at start.
 */
export async function buildWidgetBundles(options: { minify?: boolean } = {}): Promise<WidgetBundles> {
  const started = performance.now();
  const minify = options.minify ?? true;
  const entryPoints = Object.fromEntries(
    Object.entries(WIDGET_ENTRIES).map(([tag, pkg]) => [tag.replace(/^varai-/, ""), require.resolve(pkg)]),
  );
  const common: BuildOptions & { write: false } = {
    bundle: true,
    write: false,
    minify,
    platform: "browser",
    target: ["es2022", "chrome100", "firefox100", "safari15.4"],
    legalComments: "none",
    logLevel: "silent",
    charset: "utf8",
  };
  const elements = await build({
    ...common,
    entryPoints,
    // Storefronts run under strict Content Security Policies (Magento 2.4.7's, merchants' own).
    // zod compiles object parsers with `new Function` unless jitless, decided as each schema is
    // built; though it catches the refusal, the browser still reports a CSP violation to the
    // merchant. zod reads its config from this global (shared by every zod on a page, by design),
    // and a banner is the one place that runs before any chunk's schemas are built.
    banner: { js: ZOD_JITLESS },
    format: "esm",
    splitting: true,
    outdir: "/widget/chunks",
    entryNames: "[name]-[hash]",
    chunkNames: "[name]-[hash]",
    metafile: true,
  });
  const assets = new Map<string, WidgetAsset>();
  const chunks: Record<string, string> = {};
  for (const file of elements.outputFiles ?? []) {
    const name = baseName(file);
    assets.set(`chunks/${name}`, asset(file.contents, "text/javascript; charset=utf-8", true));
  }
  for (const [out, meta] of Object.entries(elements.metafile?.outputs ?? {})) {
    if (!meta.entryPoint) continue;
    const entryPath = path.resolve(process.cwd(), meta.entryPoint);
    const entry = Object.entries(entryPoints).find(([, p]) => p === entryPath);
    if (entry) chunks[`varai-${entry[0]}`] = out.slice(out.lastIndexOf("/") + 1);
  }
  if (Object.keys(chunks).length !== Object.keys(WIDGET_ENTRIES).length) {
    throw new Error(`widget build: entry chunks not found (${JSON.stringify(chunks)})`);
  }

  const loader = await build({
    ...common,
    entryPoints: [require.resolve("@varai/widget-kit/loader")],
    format: "iife",
    outfile: "/widget/varai.js",
    define: { __VARAI_CHUNKS__: JSON.stringify(chunks) },
  });
  const loaderAsset = asset(loader.outputFiles![0]!.contents, "text/javascript; charset=utf-8", false);
  assets.set("varai.js", loaderAsset);
  return {
    assets,
    chunks,
    loader: { bytes: loaderAsset.body.length, gzipBytes: loaderAsset.gzip.length },
    buildMs: Math.round(performance.now() - started),
  };
}

let cached: Promise<WidgetBundles> | null = null;

/** The production bundles, built once per process. */
export function getWidgetBundles(): Promise<WidgetBundles> {
  cached ??= buildWidgetBundles();
  cached.catch(() => {
    cached = null;
  });
  return cached;
}

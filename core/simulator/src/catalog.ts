/**
 * A deterministic eyewear catalog for the platform simulator: the same seed always yields the
 * same products, so tests and benchmarks can name products and expected values.
 */
export interface SimVariant {
  index: number;
  sku: string;
  price: string;
  color: string;
  size: string;
  stock: number;
}

export interface SimProduct {
  /** Position in the catalog; stable across platforms. */
  index: number;
  title: string;
  handle: string;
  vendor: string;
  productType: string;
  tags: string[];
  status: "active" | "draft" | "archived";
  createdAt: string;
  /** ISO-8601 UTC with milliseconds; mutations move it forward. */
  updatedAt: string;
  variants: SimVariant[];
  images: Array<{ url: string; alt: string }>;
  frame: {
    shape: string;
    rim: string;
    material: string;
    color: string;
    frameWidthMm: number;
    lensWidthMm: number;
    bridgeWidthMm: number;
    templeLengthMm: number;
  };
  /** When true the platform serialises it with a broken field (per-item failure tests). */
  corrupt?: boolean;
}

/** mulberry32: tiny, fast, good enough for fixtures. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SHAPES = ["rectangle", "square", "round", "oval", "cat-eye", "aviator", "browline", "geometric", "wayfarer"];
const RIMS = ["full-rim", "semi-rimless", "rimless"];
const MATERIALS = ["acetate", "titanium", "stainless steel", "TR90"];
const COLORS = ["black", "tortoise", "crystal", "gold", "navy", "havana"];
const BRANDS = ["Lumen Optics", "Northbridge", "Atelier Vue", "Kestrel"];
const NAMES = ["Aria", "Bolt", "Cove", "Dune", "Ember", "Fjord", "Grove", "Haven", "Iris", "Juno"];

export interface GenerateCatalogOptions {
  seed?: number;
  count: number;
  /** Fraction of products with several colour variants (Woo: `variable` products). Default 0.25. */
  variableFraction?: number;
  /** Catalog timestamps start here. Default 2025-01-01. */
  epoch?: string;
}

export function generateCatalog(options: GenerateCatalogOptions): SimProduct[] {
  const rand = seededRandom(options.seed ?? 42);
  const pick = <T>(list: readonly T[]) => list[Math.floor(rand() * list.length)]!;
  const epoch = Date.parse(options.epoch ?? "2025-01-01T00:00:00.000Z");
  const products: SimProduct[] = [];
  for (let index = 0; index < options.count; index++) {
    const lens = 46 + Math.floor(rand() * 12);
    const bridge = 15 + Math.floor(rand() * 7);
    const temple = [135, 140, 145, 150][Math.floor(rand() * 4)]!;
    const frameWidthMm = 2 * lens + bridge + 8 + Math.floor(rand() * 6);
    const color = pick(COLORS);
    const variantCount = rand() < (options.variableFraction ?? 0.25) ? 2 + Math.floor(rand() * 2) : 1;
    const price = `${79 + Math.floor(rand() * 220)}.00`;
    const name = `${pick(NAMES)} ${index}`;
    const created = new Date(epoch + index * 60_000).toISOString();
    const variants: SimVariant[] = [];
    for (let v = 0; v < variantCount; v++) {
      variants.push({
        index: v,
        sku: `VR-${index}-${v}`,
        price,
        color: v === 0 ? color : COLORS[(COLORS.indexOf(color) + v) % COLORS.length]!,
        size: `${lens}-${bridge}-${temple}`,
        stock: Math.floor(rand() * 40),
      });
    }
    products.push({
      index,
      title: name,
      handle: name.toLowerCase().replace(/\s+/g, "-"),
      vendor: pick(BRANDS),
      productType: "Eyeglasses",
      tags: ["eyewear", `shape:${pick(SHAPES)}`],
      status: rand() < 0.9 ? "active" : "draft",
      createdAt: created,
      updatedAt: created,
      variants,
      images: [0, 1].map((i) => ({
        url: `https://cdn.example.test/frames/${index}-${i}.jpg`,
        alt: `${name} view ${i}`,
      })),
      frame: {
        shape: pick(SHAPES),
        rim: pick(RIMS),
        material: pick(MATERIALS),
        color,
        frameWidthMm,
        lensWidthMm: lens,
        bridgeWidthMm: bridge,
        templeLengthMm: temple,
      },
    });
  }
  return products;
}

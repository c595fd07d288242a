/**
 * Frame attribute mapping shared by every adapter's transform. Platforms carry frame facts as
 * free-form name/value pairs (Shopify metafields and tags, Woo attributes, Magento
 * custom_attributes, BigCommerce custom_fields); the names differ per store, so a connection can
 * map its own names (`FrameAttributeNames`).
 */
import { FRAME_SHAPES, type FrameAttributes, type FrameField, type FrameShape, type RimType } from "@varai/schema";

// The field list is in schema, where a connection's `frameAttributeNames` are validated.
export { FRAME_FIELDS, type FrameField } from "@varai/schema";

/** Platform attribute name (case-insensitive) -> frame field. */
export type FrameAttributeNames = Readonly<Record<string, FrameField>>;

export const DEFAULT_FRAME_ATTRIBUTE_NAMES: FrameAttributeNames = {
  shape: "shape",
  "frame shape": "shape",
  frame_shape: "shape",
  rim: "rim",
  "rim type": "rim",
  rim_type: "rim",
  material: "material",
  "frame material": "material",
  frame_material: "material",
  color: "color",
  colour: "color",
  "frame color": "color",
  frame_color: "color",
  "frame width": "frameWidthMm",
  frame_width: "frameWidthMm",
  frame_width_mm: "frameWidthMm",
  "lens width": "lensWidthMm",
  lens_width: "lensWidthMm",
  lens_width_mm: "lensWidthMm",
  "bridge width": "bridgeWidthMm",
  bridge: "bridgeWidthMm",
  bridge_width: "bridgeWidthMm",
  bridge_width_mm: "bridgeWidthMm",
  "temple length": "templeLengthMm",
  temple: "templeLengthMm",
  temple_length: "templeLengthMm",
  temple_length_mm: "templeLengthMm",
  "lens height": "lensHeightMm",
  lens_height: "lensHeightMm",
  lens_height_mm: "lensHeightMm",
};

const SHAPE_SYNONYMS: Readonly<Record<string, FrameShape>> = {
  rectangular: "rectangle",
  circle: "round",
  cateye: "cat-eye",
  "cat eye": "cat-eye",
  pilot: "aviator",
  hexagonal: "geometric",
  hexagon: "geometric",
  clubmaster: "browline",
};
const RIM_SYNONYMS: Readonly<Record<string, RimType>> = {
  full: "full-rim",
  "full rim": "full-rim",
  "full-rim": "full-rim",
  "semi-rimless": "semi-rimless",
  "semi rimless": "semi-rimless",
  "half rim": "semi-rimless",
  rimless: "rimless",
};

/** Dimension bounds from @varai/schema's FrameDimensionsSchema: a value outside is dropped, not clamped. */
const DIMENSION_BOUNDS: Readonly<Record<string, readonly [number, number]>> = {
  frameWidthMm: [90, 180],
  lensWidthMm: [30, 75],
  bridgeWidthMm: [8, 30],
  templeLengthMm: [100, 170],
  lensHeightMm: [20, 65],
};

/** "138 mm", "138mm", "13.8 cm", "138" -> millimetres; null when it is not a length. */
export function parseMillimetres(value: string): number | null {
  const match = /^\s*(\d+(?:[.,]\d+)?)\s*(mm|cm)?\s*$/i.exec(value);
  if (!match) return null;
  const n = Number(match[1]!.replace(",", "."));
  return match[2]?.toLowerCase() === "cm" ? Math.round(n * 100) / 10 : n;
}

// A connection's name mapping, lower-cased and merged with the defaults, built once per mapping
// object: the transform runs for every webhook delivery.
const lookups = new WeakMap<FrameAttributeNames, Map<string, FrameField>>();
function lookupFor(names: FrameAttributeNames): Map<string, FrameField> {
  let lookup = lookups.get(names);
  if (!lookup) {
    // A connection's own names extend the defaults; they never remove them.
    lookup = new Map(
      Object.entries({ ...DEFAULT_FRAME_ATTRIBUTE_NAMES, ...names }).map(([k, v]) => [k.trim().toLowerCase(), v]),
    );
    lookups.set(names, lookup);
  }
  return lookup;
}

/**
 * Builds frame attributes from name/value pairs using the connection's name mapping. Unknown
 * names and unparseable values are ignored: a product with odd attributes still syncs.
 */
export function frameFromNamedValues(
  pairs: Iterable<readonly [string, string]>,
  names: FrameAttributeNames = DEFAULT_FRAME_ATTRIBUTE_NAMES,
): FrameAttributes {
  const frame: FrameAttributes = { dimensions: {} };
  const lookup = lookupFor(names);
  for (const [rawName, rawValue] of pairs) {
    const field = lookup.get(rawName.trim().toLowerCase());
    const value = rawValue.trim();
    if (!field || value === "") continue;
    switch (field) {
      case "shape": {
        const v = value.toLowerCase();
        const shape = (FRAME_SHAPES as readonly string[]).includes(v) ? (v as FrameShape) : SHAPE_SYNONYMS[v];
        if (shape) frame.shape = shape;
        break;
      }
      case "rim": {
        const rim = RIM_SYNONYMS[value.toLowerCase()];
        if (rim) frame.rim = rim;
        break;
      }
      case "material":
      case "color":
        frame[field] = value.slice(0, 64);
        break;
      default: {
        const mm = parseMillimetres(value);
        const [min, max] = DIMENSION_BOUNDS[field]!;
        if (mm !== null && mm >= min && mm <= max) frame.dimensions[field] = mm;
      }
    }
  }
  return frame;
}

/**
 * Eyewear size labels like "52-18-140" or "52□18 140" (lens-bridge-temple, TRYON.md), as
 * name/value pairs for `frameFromNamedValues` (default names); null when it is not a size label.
 */
export function parseSizeLabel(label: string): Array<readonly [string, string]> | null {
  const match = /^\s*(\d{2})\s*[-□x/ ]\s*(\d{1,2})\s*[-□x/ ]\s*(\d{3})\s*$/.exec(label);
  if (!match) return null;
  return [
    ["lens width", match[1]!],
    ["bridge width", match[2]!],
    ["temple length", match[3]!],
  ];
}

/** Normalises a platform timestamp (with any offset, or none = UTC) to ISO-8601 UTC with `Z`. */
export function toIsoUtc(value: string): string | null {
  const hasZone = /[zZ]|[+-]\d{2}:?\d{2}$/.test(value);
  const ms = Date.parse(hasZone ? value : `${value}Z`);
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}

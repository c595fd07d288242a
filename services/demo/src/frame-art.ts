import type { Point } from "@varai/schema";
import sharp from "sharp";
import { type DemoFrame, frameWidthMm } from "./frames.ts";

/**
 * Generated front views of the demo frames, drawn as SVG and rasterised with sharp.
 *
 * The try-on asset is drawn at a fixed scale (PX_PER_MM), so its full width in pixels is
 * the frame width in mm x 4: the end pieces reach exactly to the left and right edges.
 * Lens centres are the centres of the lens boxes (the boxing system opticians measure in).
 */
export const PX_PER_MM = 4;

export interface FrameArt {
  /** Transparent PNG, the front view at PX_PER_MM. */
  asset: Buffer;
  assetWidthPx: number;
  assetHeightPx: number;
  lensCentersPx: [Point, Point];
  /** The same frame on a light background, like a merchant's packshot. */
  photo: Buffer;
  photoWidthPx: number;
  photoHeightPx: number;
}

type Pt = [number, number];

/** Chaikin corner cutting: each pass replaces every edge by its 1/4 and 3/4 points. */
function smooth(points: Pt[], passes: number): Pt[] {
  let out = points;
  for (let pass = 0; pass < passes; pass++) {
    const next: Pt[] = [];
    for (let i = 0; i < out.length; i++) {
      const [ax, ay] = out[i]!;
      const [bx, by] = out[(i + 1) % out.length]!;
      next.push([0.75 * ax + 0.25 * bx, 0.75 * ay + 0.25 * by], [0.25 * ax + 0.75 * bx, 0.25 * ay + 0.75 * by]);
    }
    out = next;
  }
  return out;
}

/**
 * Lens outlines in unit coordinates: x -1 = outer (temple) side, +1 = nasal side; y -1 = top.
 * Shapes with corners of their own are control polygons rounded by `smooth`; the rest are
 * superellipses (|x|^n + |y|^n = 1: n = 2 is an ellipse, larger n is boxier).
 */
const CONTROL_POLYGONS: Partial<Record<DemoFrame["shape"], { points: Pt[]; passes: number }>> = {
  geometric: {
    points: [
      [-1, 0],
      [-0.55, -1],
      [0.55, -1],
      [1, 0],
      [0.55, 1],
      [-0.55, 1],
    ],
    passes: 0,
  },
  // The wing: the temple-side top corner sweeps up and out; the bottom narrows.
  "cat-eye": {
    points: [
      [-1.05, -1],
      [-0.2, -0.78],
      [0.65, -0.8],
      [1, -0.35],
      [0.9, 0.45],
      [0.45, 0.95],
      [-0.35, 1],
      [-0.85, 0.55],
      [-1, -0.35],
    ],
    passes: 3,
  },
  // Teardrop: a nearly straight brow, the nasal side slopes out, the depth is on the temple side.
  aviator: {
    points: [
      [-0.95, -0.9],
      [0, -1],
      [0.9, -0.95],
      [1, -0.5],
      [0.7, 0.3],
      [0.2, 0.85],
      [-0.4, 1],
      [-0.88, 0.75],
      [-1, 0],
    ],
    passes: 4,
  },
  // Trapezoid: a strong brow wider than the bottom, the outer top corner raised.
  wayfarer: {
    points: [
      [-1, -1],
      [1, -0.82],
      [0.92, 0.55],
      [0.65, 1],
      [-0.65, 0.95],
      [-0.92, 0.45],
    ],
    passes: 2,
  },
};

const SUPERELLIPSE_EXPONENT: Partial<Record<DemoFrame["shape"], number>> = {
  rectangle: 5,
  square: 4.5,
  round: 2,
  oval: 2.2,
  oversized: 3.5,
  browline: 3,
};

function unitLens(shape: DemoFrame["shape"]): Pt[] {
  const control = CONTROL_POLYGONS[shape];
  if (control) return smooth(control.points, control.passes);
  const n = SUPERELLIPSE_EXPONENT[shape] ?? 3;
  const points: Pt[] = [];
  const steps = 96;
  for (let i = 0; i < steps; i++) {
    const t = (i / steps) * 2 * Math.PI;
    const c = Math.cos(t);
    const s = Math.sin(t);
    points.push([Math.sign(c) * Math.abs(c) ** (2 / n), Math.sign(s) * Math.abs(s) ** (2 / n)]);
  }
  return points;
}

/** Scales the unit outline so that its bounding box is exactly w x h centred on (cx, cy). */
function fitLens(unit: Pt[], cx: number, cy: number, w: number, h: number, mirror: boolean): Pt[] {
  const xs = unit.map((p) => p[0]);
  const ys = unit.map((p) => p[1]);
  const [minX, maxX, minY, maxY] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  return unit.map(([x, y]) => {
    const u = (x - minX) / (maxX - minX) - 0.5;
    return [cx + (mirror ? -u : u) * w, cy + ((y - minY) / (maxY - minY) - 0.5) * h];
  });
}

const fmt = (n: number) => n.toFixed(2);
const polygon = (points: Pt[]) => points.map(([x, y]) => `${fmt(x)},${fmt(y)}`).join(" ");

/** The outline point on the lens edge nearest to height y on the nasal (or outer) side. */
function edgeAt(points: Pt[], cx: number, y: number, side: "left" | "right"): Pt {
  const candidates = points.filter((p) => (side === "left" ? p[0] < cx : p[0] > cx));
  return candidates.reduce((best, p) => (Math.abs(p[1] - y) < Math.abs(best[1] - y) ? p : best));
}

/** The contiguous run of outline points above y, in outline order (the top of the lens). */
function upperArc(points: Pt[], y: number): Pt[] {
  const isUpper = (i: number) => points[(i + points.length) % points.length]![1] <= y;
  const start = points.findIndex((_, i) => !isUpper(i - 1) && isUpper(i));
  const arc: Pt[] = [];
  for (let k = 0; k < points.length && isUpper(start + k); k++) arc.push(points[(start + k) % points.length]!);
  return arc;
}

interface Geometry {
  width: number;
  height: number;
  lenses: [Pt[], Pt[]];
  centers: [Pt, Pt];
  lensW: number;
  lensH: number;
}

function geometry(frame: DemoFrame): Geometry {
  const mm = PX_PER_MM;
  const width = Math.round(frameWidthMm(frame) * mm);
  const height = Math.round((frame.lensHeightMm + 14) * mm);
  const lensW = frame.lensWidthMm * mm;
  const lensH = frame.lensHeightMm * mm;
  const cy = height / 2;
  const leftCx = (frame.endPieceMm + frame.lensWidthMm / 2) * mm;
  const rightCx = width - leftCx;
  const unit = unitLens(frame.shape);
  // The image-left lens has its temple side on the left; the other lens is its mirror image.
  const left = fitLens(unit, leftCx, cy, lensW, lensH, false);
  const right = fitLens(unit, rightCx, cy, lensW, lensH, true);
  return {
    width,
    height,
    lenses: [left, right],
    centers: [
      [leftCx, cy],
      [rightCx, cy],
    ],
    lensW,
    lensH,
  };
}

/** The frame drawn in asset pixels (0..width, 0..height), as SVG elements plus their <defs>. */
function frameMarkup(frame: DemoFrame, g: Geometry, idPrefix: string): { defs: string; body: string } {
  const mm = PX_PER_MM;
  const metal = frame.material === "metal" || frame.material === "titanium";
  const rimPx = (metal ? 1.4 : 3.4) * mm;
  const paint = frame.accent ? `url(#${idPrefix}-paint)` : frame.color;
  const defs: string[] = [];
  if (frame.accent) {
    defs.push(
      `<linearGradient id="${idPrefix}-paint" x1="0" y1="0" x2="1" y2="1">` +
        `<stop offset="0" stop-color="${frame.color}"/><stop offset="0.55" stop-color="${frame.accent}"/>` +
        `<stop offset="1" stop-color="${frame.color}"/></linearGradient>`,
    );
  }
  defs.push(
    `<linearGradient id="${idPrefix}-glint" x1="0" y1="0" x2="1" y2="1">` +
      `<stop offset="0.2" stop-color="#fff" stop-opacity="0"/><stop offset="0.35" stop-color="#fff" stop-opacity="0.35"/>` +
      `<stop offset="0.5" stop-color="#fff" stop-opacity="0"/></linearGradient>`,
  );

  const body: string[] = [];
  const [cl, cr] = g.centers;
  const [left, right] = g.lenses;

  // End pieces (hinge blocks) run from each outer edge of the front to the lens rim.
  const endY = cl[1] - g.lensH * 0.28;
  const endH = (metal ? 2.6 : 5) * mm;
  const leftOuter = edgeAt(left, cl[0], endY, "left");
  const rightOuter = edgeAt(right, cr[0], endY, "right");
  body.push(
    `<rect x="0" y="${fmt(endY - endH / 2)}" width="${fmt(leftOuter[0] + mm)}" height="${fmt(endH)}" rx="${fmt(mm)}" fill="${paint}"/>`,
    `<rect x="${fmt(rightOuter[0] - mm)}" y="${fmt(endY - endH / 2)}" width="${fmt(g.width - rightOuter[0] + mm)}" height="${fmt(endH)}" rx="${fmt(mm)}" fill="${paint}"/>`,
  );

  // Lenses: tinted and semi-transparent, with a soft glint.
  for (const lens of g.lenses) {
    body.push(`<polygon points="${polygon(lens)}" fill="${frame.tint}" fill-opacity="0.32"/>`);
    body.push(`<polygon points="${polygon(lens)}" fill="url(#${idPrefix}-glint)"/>`);
  }

  // Rims by type.
  for (const [lens, center] of [
    [left, cl],
    [right, cr],
  ] as const) {
    if (frame.rim === "full-rim") {
      body.push(
        `<polygon points="${polygon(lens)}" fill="none" stroke="${paint}" stroke-width="${fmt(rimPx)}" stroke-linejoin="round"/>`,
      );
    } else if (frame.rim === "semi-rimless") {
      // Upper rim only; the lens hangs on a thin nylon line.
      const ordered = upperArc(lens, center[1] + g.lensH * 0.05);
      const browPx = frame.shape === "browline" ? 5 * mm : rimPx;
      body.push(
        `<polygon points="${polygon(lens)}" fill="none" stroke="#8a8f96" stroke-opacity="0.55" stroke-width="${fmt(0.5 * mm)}"/>`,
        `<polyline points="${polygon(ordered)}" fill="none" stroke="${paint}" stroke-width="${fmt(browPx)}" stroke-linecap="round" stroke-linejoin="round"/>`,
      );
    } else {
      // Rimless: only the polished lens edge and the screws holding bridge and temples.
      body.push(
        `<polygon points="${polygon(lens)}" fill="none" stroke="#ffffff" stroke-opacity="0.7" stroke-width="${fmt(0.6 * mm)}"/>`,
      );
    }
  }

  // Bridge between the nasal edges, arched slightly upwards.
  const bridgeY = cl[1] - g.lensH * 0.2;
  const leftNasal = edgeAt(left, cl[0], bridgeY, "right");
  const rightNasal = edgeAt(right, cr[0], bridgeY, "left");
  const bridgePx = (metal || frame.rim === "rimless" ? 1.5 : 3.6) * mm;
  const arch = (metal ? 3 : 2) * mm;
  body.push(
    `<path d="M ${fmt(leftNasal[0] - mm)} ${fmt(leftNasal[1])} Q ${fmt(g.width / 2)} ${fmt(bridgeY - arch)} ${fmt(rightNasal[0] + mm)} ${fmt(rightNasal[1])}" fill="none" stroke="${paint}" stroke-width="${fmt(bridgePx)}" stroke-linecap="round"/>`,
  );
  if (frame.shape === "aviator") {
    // Aviators have a second (brow) bar.
    const top = cl[1] - g.lensH / 2 + 1.2 * mm;
    body.push(
      `<line x1="${fmt(leftNasal[0] - 8 * mm)}" y1="${fmt(top)}" x2="${fmt(rightNasal[0] + 8 * mm)}" y2="${fmt(top)}" stroke="${paint}" stroke-width="${fmt(1.2 * mm)}" stroke-linecap="round"/>`,
    );
  }
  if (metal || frame.rim === "rimless") {
    // Nose pads below the bridge, and screws where rimless parts meet the lens.
    for (const [x, dir] of [
      [leftNasal[0], -1],
      [rightNasal[0], 1],
    ] as const) {
      body.push(
        `<ellipse cx="${fmt(x + dir * 2 * mm)}" cy="${fmt(cl[1] + g.lensH * 0.12)}" rx="${fmt(1.5 * mm)}" ry="${fmt(2.6 * mm)}" fill="#e9eef2" fill-opacity="0.6" stroke="#9aa3ab" stroke-opacity="0.6" stroke-width="${fmt(0.3 * mm)}"/>`,
      );
    }
    if (frame.rim === "rimless") {
      for (const p of [leftNasal, rightNasal, leftOuter, rightOuter]) {
        body.push(`<circle cx="${fmt(p[0])}" cy="${fmt(p[1])}" r="${fmt(0.9 * mm)}" fill="${paint}"/>`);
      }
    }
  }
  return { defs: defs.join(""), body: body.join("") };
}

const PHOTO = { width: 800, height: 512, frameWidth: 640 } as const;

/** Draws one frame: the try-on asset and a packshot. Pure apart from CPU; ~10 ms per frame. */
export async function renderFrameArt(frame: DemoFrame): Promise<FrameArt> {
  const g = geometry(frame);
  const assetMarkup = frameMarkup(frame, g, "a");
  const assetSvg =
    `<svg xmlns="http://www.w3.org/2000/svg" width="${g.width}" height="${g.height}" viewBox="0 0 ${g.width} ${g.height}">` +
    `<defs>${assetMarkup.defs}</defs>${assetMarkup.body}</svg>`;

  // Packshots are normalised to one frame width, as merchants' photos usually are.
  const scale = PHOTO.frameWidth / g.width;
  const offsetX = (PHOTO.width - g.width * scale) / 2;
  const offsetY = (PHOTO.height - g.height * scale) / 2 - 16;
  const photoMarkup = frameMarkup(frame, g, "p");
  const photoSvg =
    `<svg xmlns="http://www.w3.org/2000/svg" width="${PHOTO.width}" height="${PHOTO.height}" viewBox="0 0 ${PHOTO.width} ${PHOTO.height}">` +
    `<defs>${photoMarkup.defs}` +
    `<linearGradient id="bg" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="#f7f5f2"/><stop offset="1" stop-color="#e8e4de"/></linearGradient>` +
    // A radial gradient instead of a blur filter: the same soft shadow at a fraction of the render cost.
    `<radialGradient id="shadow"><stop offset="0" stop-color="#000" stop-opacity="0.18"/><stop offset="1" stop-color="#000" stop-opacity="0"/></radialGradient></defs>` +
    `<rect width="100%" height="100%" fill="url(#bg)"/>` +
    `<ellipse cx="${PHOTO.width / 2}" cy="${fmt(offsetY + g.height * scale + 34)}" rx="${PHOTO.frameWidth * 0.5}" ry="26" fill="url(#shadow)"/>` +
    `<g transform="translate(${fmt(offsetX)} ${fmt(offsetY)}) scale(${scale.toFixed(5)})">${photoMarkup.body}</g></svg>`;

  const [asset, photo] = await Promise.all([
    // Fast zlib: these PNGs are written once and served from disk; size barely matters.
    sharp(Buffer.from(assetSvg)).png({ compressionLevel: 3 }).toBuffer(),
    sharp(Buffer.from(photoSvg)).png({ compressionLevel: 3 }).toBuffer(),
  ]);
  const [cl, cr] = g.centers;
  return {
    asset,
    assetWidthPx: g.width,
    assetHeightPx: g.height,
    lensCentersPx: [
      { x: cl[0], y: cl[1] },
      { x: cr[0], y: cr[1] },
    ],
    photo,
    photoWidthPx: PHOTO.width,
    photoHeightPx: PHOTO.height,
  };
}

import type { Point } from "@varai/schema";

export interface FrameAssetInfo {
  assetId: string;
  widthPx: number;
  heightPx: number;
  lensCentersPx: readonly [Point, Point];
  frameWidthMm: number;
  frameWidthIsDefault: boolean;
}

export interface FacePlacementInput {
  irisCenters: { left: Point; right: Point };
  mmPerPixel: number;
  headPose: { rollDeg: number; yawDeg: number };
}

/**
 * Where the frame asset goes on the photo: an affine map from asset pixels to photo pixels,
 * `x' = a*x + c*y + e`, `y' = b*x + d*y + f` (the CSS `matrix(a, b, c, d, e, f)` order).
 */
export interface Placement {
  matrix: [number, number, number, number, number, number];
  /** Photo pixels per asset pixel, from the frame's width in mm and the face's mm per pixel. */
  scale: number;
  rotationDeg: number;
  /** cos(yaw): horizontal foreshortening of a frame on a turned head. */
  yawScaleX: number;
  /** The midpoint between the lens centres lands on the midpoint between the pupils. */
  anchor: Point;
  lensCentersPx: [Point, Point];
  /** The frame's full width on the photo, along the eye line. */
  frameWidthPx: number;
}

export function computePlacement(asset: FrameAssetInfo, face: FacePlacementInput): Placement {
  const assetPxPerMm = asset.widthPx / asset.frameWidthMm;
  const scale = 1 / face.mmPerPixel / assetPxPerMm;
  const theta = (face.headPose.rollDeg * Math.PI) / 180;
  // Beyond the pose limits the figures are withheld but the frame is still placed: keep it visible.
  const yawScaleX = Math.max(0.5, Math.cos((face.headPose.yawDeg * Math.PI) / 180));
  const cos = Math.cos(theta);
  const sin = Math.sin(theta);
  // A = R(theta) * diag(scale * yawScaleX, scale)
  const a = cos * scale * yawScaleX;
  const b = sin * scale * yawScaleX;
  const c = -sin * scale;
  const d = cos * scale;
  const [l0, l1] = asset.lensCentersPx;
  const mid = { x: (l0.x + l1.x) / 2, y: (l0.y + l1.y) / 2 };
  const anchor = {
    x: (face.irisCenters.left.x + face.irisCenters.right.x) / 2,
    y: (face.irisCenters.left.y + face.irisCenters.right.y) / 2,
  };
  const e = anchor.x - (a * mid.x + c * mid.y);
  const f = anchor.y - (b * mid.x + d * mid.y);
  const apply = (p: Point): Point => ({ x: a * p.x + c * p.y + e, y: b * p.x + d * p.y + f });
  return {
    matrix: [a, b, c, d, e, f],
    scale,
    rotationDeg: face.headPose.rollDeg,
    yawScaleX,
    anchor,
    lensCentersPx: [apply(l0), apply(l1)],
    frameWidthPx: asset.widthPx * scale * yawScaleX,
  };
}

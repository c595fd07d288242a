// Test-only: a frontal photo re-rendered as if the head had turned (yaw) or nodded (pitch), from
// the face's own 3D mesh. No photo of a known face at known angles ships offline, so the pose
// limits are measured on these. The mesh (with its depth) is rotated about an axis half a face
// width behind it; every pixel inside a mesh triangle is taken, through that triangle, from the
// original photo; the image border stays fixed and what lies between is stretched. Occlusion by a
// depth buffer. Crude (hair and ears do not turn), but the eyes, irises and face contour move as
// they would.
import Delaunator from "delaunator";
import sharp from "sharp";
import type { Landmarks } from "./landmarks.ts";

type Pt = [number, number];

/** Where each landmark (and a fixed ring on the image border) comes from, goes to, and its new depth. */
interface ControlPoints {
  from: Pt[];
  to: Pt[];
  depth: number[];
}

function turnedControlPoints(
  landmarks: Landmarks,
  axis: "yaw" | "pitch",
  t: number,
  W: number,
  H: number,
): ControlPoints {
  const mesh = landmarks.slice(0, 468);
  const span = (k: 0 | 1) => {
    const v = mesh.map((p) => p[k]);
    return { mid: (Math.min(...v) + Math.max(...v)) / 2, size: Math.max(...v) - Math.min(...v) };
  };
  const x = span(0);
  const y = span(1);
  const zAxis = mesh.reduce((a, p) => a + p[2], 0) / mesh.length + x.size / 2;

  const from: Pt[] = [];
  const to: Pt[] = [];
  const depth: number[] = [];
  for (const [px, py, pz] of landmarks) {
    from.push([px, py]);
    const dz = pz - zAxis;
    if (axis === "yaw") {
      const dx = px - x.mid;
      to.push([x.mid + dx * Math.cos(t) - dz * Math.sin(t), py]);
      depth.push(zAxis + dx * Math.sin(t) + dz * Math.cos(t));
    } else {
      const dy = py - y.mid;
      to.push([px, y.mid + dy * Math.cos(t) - dz * Math.sin(t)]);
      depth.push(zAxis + dy * Math.sin(t) + dz * Math.cos(t));
    }
  }
  for (let i = 0; i <= 8; i++) {
    for (const p of [
      [(i * W) / 8, 0],
      [(i * W) / 8, H - 1],
      [0, (i * H) / 8],
      [W - 1, (i * H) / 8],
    ] as Pt[]) {
      from.push(p);
      to.push(p);
      depth.push(1e12); // behind everything
    }
  }
  return { from, to, depth };
}

/**
 * Renders every triangle of the control points' triangulation at its new place, sampling the
 * original through the same triangle; the nearest triangle wins (a depth buffer). The per-pixel
 * loop is the hot part: kept in one piece, test-only code.
 */
function rasterise(src: Buffer, W: number, H: number, { from, to, depth }: ControlPoints): Buffer {
  const out = Buffer.alloc(W * H * 3);
  const nearest = new Float64Array(W * H).fill(Number.POSITIVE_INFINITY);
  const { triangles } = Delaunator.from(from);
  for (let k = 0; k < triangles.length; k += 3) {
    const [a, b, c] = [triangles[k], triangles[k + 1], triangles[k + 2]] as [number, number, number];
    const [A, B, C] = [to[a], to[b], to[c]] as [Pt, Pt, Pt];
    const [fa, fb, fc] = [from[a], from[b], from[c]] as [Pt, Pt, Pt];
    const [da, db, dc] = [depth[a], depth[b], depth[c]] as [number, number, number];
    const den = (B[1] - C[1]) * (A[0] - C[0]) + (C[0] - B[0]) * (A[1] - C[1]);
    if (Math.abs(den) < 1e-9) continue;
    const x0 = Math.max(0, Math.floor(Math.min(A[0], B[0], C[0])));
    const x1 = Math.min(W - 1, Math.ceil(Math.max(A[0], B[0], C[0])));
    const y0 = Math.max(0, Math.floor(Math.min(A[1], B[1], C[1])));
    const y1 = Math.min(H - 1, Math.ceil(Math.max(A[1], B[1], C[1])));
    for (let py = y0; py <= y1; py++) {
      for (let px = x0; px <= x1; px++) {
        const l1 = ((B[1] - C[1]) * (px - C[0]) + (C[0] - B[0]) * (py - C[1])) / den;
        const l2 = ((C[1] - A[1]) * (px - C[0]) + (A[0] - C[0]) * (py - C[1])) / den;
        const l3 = 1 - l1 - l2;
        if (l1 < -1e-6 || l2 < -1e-6 || l3 < -1e-6) continue;
        const d = l1 * da + l2 * db + l3 * dc;
        const o = py * W + px;
        if (d >= (nearest[o] as number)) continue;
        nearest[o] = d;
        // Bilinear sample of the original at the same point of the same triangle.
        const sx = Math.min(W - 2, Math.max(0, l1 * fa[0] + l2 * fb[0] + l3 * fc[0]));
        const sy = Math.min(H - 2, Math.max(0, l1 * fa[1] + l2 * fb[1] + l3 * fc[1]));
        const ix = Math.floor(sx);
        const iy = Math.floor(sy);
        const u = sx - ix;
        const v = sy - iy;
        const i00 = (iy * W + ix) * 3;
        const i10 = i00 + 3;
        const i01 = i00 + W * 3;
        const i11 = i01 + 3;
        for (let ch = 0; ch < 3; ch++) {
          out[o * 3 + ch] = Math.round(
            (src[i00 + ch] as number) * (1 - u) * (1 - v) +
              (src[i10 + ch] as number) * u * (1 - v) +
              (src[i01 + ch] as number) * (1 - u) * v +
              (src[i11 + ch] as number) * u * v,
          );
        }
      }
    }
  }
  return out;
}

export async function turnHead(
  photo: Uint8Array,
  landmarks: Landmarks,
  axis: "yaw" | "pitch",
  degrees: number,
): Promise<Buffer> {
  const { data: src, info } = await sharp(photo).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const { width: W, height: H } = info;
  const control = turnedControlPoints(landmarks, axis, (degrees * Math.PI) / 180, W, H);
  return sharp(rasterise(src, W, H, control), { raw: { width: W, height: H, channels: 3 } })
    .png()
    .toBuffer();
}

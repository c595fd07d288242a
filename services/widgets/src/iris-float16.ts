/**
 * human's iris model with its float32 weights stored as float16 (tfjs's own `quantization:
 * { dtype: "float16" }` form, which tfjs-converter decodes back to float32 on load): 2.6 -> 1.3
 * MB for live mode, which downloads it. The server keeps the float32 original. Made in memory
 * from the npm package's files; int32 weights are copied unchanged.
 */

interface WeightSpec {
  name: string;
  shape: number[];
  dtype: string;
  quantization?: { dtype: string };
}
interface ModelJson {
  weightsManifest: Array<{ paths: string[]; weights: WeightSpec[] }>;
  [key: string]: unknown;
}

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** IEEE 754 single -> half, rounding to nearest even; overflow to infinity, tiny values to subnormals or zero. */
export function toFloat16Bits(value: number): number {
  f32[0] = value;
  const x = u32[0] ?? 0;
  const sign = (x >>> 16) & 0x8000;
  const exponent = (x >>> 23) & 0xff;
  let mantissa = x & 0x7fffff;
  if (exponent === 0xff) return sign | 0x7c00 | (mantissa ? 0x200 : 0);
  const e = exponent - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    mantissa |= 0x800000;
    const shift = 14 - e;
    const half = mantissa >> shift;
    const rest = mantissa & ((1 << shift) - 1);
    const mid = 1 << (shift - 1);
    return sign | (half + (rest > mid || (rest === mid && half & 1) ? 1 : 0));
  }
  let half = (e << 10) | (mantissa >> 13);
  const rest = mantissa & 0x1fff;
  // Rounding up may carry into the exponent (and up to infinity): the bit layout makes that right.
  if (rest > 0x1000 || (rest === 0x1000 && half & 1)) half++;
  return sign | half;
}

const sizeOf = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

/** The model JSON and its single weights file, rewritten with float16 weights under `binName`. */
export function irisAsFloat16(json: ModelJson, bin: Buffer, binName: string): { json: string; bin: Buffer } {
  const group = json.weightsManifest[0];
  if (!group || json.weightsManifest.length !== 1) throw new Error("iris.json: expected one weights group");
  const out: Buffer[] = [];
  let offset = 0;
  const weights = group.weights.map((w) => {
    const count = sizeOf(w.shape);
    if (w.dtype !== "float32" || w.quantization) {
      out.push(bin.subarray(offset, offset + count * 4));
      offset += count * 4;
      return w;
    }
    const half = Buffer.alloc(count * 2);
    for (let i = 0; i < count; i++) half.writeUInt16LE(toFloat16Bits(bin.readFloatLE(offset + i * 4)), i * 2);
    out.push(half);
    offset += count * 4;
    return { ...w, quantization: { dtype: "float16" } };
  });
  if (offset !== bin.length) throw new Error(`iris.bin: ${bin.length} bytes, the manifest describes ${offset}`);
  return {
    json: JSON.stringify({ ...json, weightsManifest: [{ paths: [binName], weights }] }),
    bin: Buffer.concat(out),
  };
}

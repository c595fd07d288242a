import { Builder } from "flatbuffers";

/**
 * human's iris model (MediaPipe's iris landmark model as a tfjs graph model, `iris.json` +
 * `iris.bin` from @vladmandic/human, Apache-2.0, Google LLC) rewritten as a TFLite flatbuffer, so
 * that LiteRT.js runs it beside the detector and the mesh and tfjs is not needed at all. No npm
 * package ships `iris_landmark.tflite` (research/face-models.md). Only the ops this graph uses are
 * handled (conv2d with bias and PReLU fused by tfjs's converter, depthwise conv, add, PReLU, max
 * pool, pad, concat); any other op is refused, so a changed model fails loudly rather than runs
 * wrong. Field numbers and enum values follow TFLite's schema.fbs.
 */

/** The parts of a tfjs graph model's JSON the conversion reads. */
export interface TfjsGraphModelJson {
  modelTopology: { node: TfjsNode[] };
  weightsManifest: Array<{ weights: TfjsWeightSpec[] }>;
}
interface TfjsNode {
  name: string;
  op: string;
  input?: string[];
  attr?: Record<string, TfjsAttr>;
}
interface TfjsAttr {
  s?: string;
  i?: string;
  list?: { i?: string[]; s?: string[] };
}
interface TfjsWeightSpec {
  name: string;
  shape: number[];
  dtype: string;
  quantization?: unknown;
}

// TFLite's BuiltinOperator codes and BuiltinOptions union indices.
const OP = {
  ADD: 0,
  CONCATENATION: 2,
  CONV_2D: 3,
  DEPTHWISE_CONV_2D: 4,
  MAX_POOL_2D: 17,
  PAD: 34,
  PRELU: 54,
} as const;
const OPTIONS = { none: 0, conv2d: 1, depthwise: 2, pool2d: 5, concatenation: 10, add: 11, pad: 22 } as const;
const TYPE = { float32: 0, int32: 2 } as const;
const PADDING = { SAME: 0, VALID: 1 } as const;

interface Tensor {
  shape: number[];
  type: number;
  name: string;
  /** Constant data (little-endian bytes), or none for activations. */
  data?: Uint8Array;
}
interface Op {
  code: number;
  inputs: number[];
  outputs: number[];
  options: number;
  /** Writes the options table; returns its offset. */
  writeOptions?: (b: Builder) => number;
}

const text = (attr: TfjsAttr | undefined) => (attr?.s ? atob(attr.s) : "");
const ints = (attr: TfjsAttr | undefined) => (attr?.list?.i ?? []).map(Number);
const strings = (attr: TfjsAttr | undefined) => (attr?.list?.s ?? []).map((s) => atob(s));
const baseName = (input: string) => input.replace(/:\d+$/, "");

function outSize(size: number, kernel: number, stride: number, dilation: number, padding: string): number {
  return padding === "SAME" ? Math.ceil(size / stride) : Math.ceil((size - (kernel - 1) * dilation) / stride);
}

function paddingOf(node: TfjsNode): number {
  const p = text(node.attr?.padding);
  if (p !== "SAME" && p !== "VALID") throw new Error(`${node.name}: padding ${p || "(none)"} is not handled`);
  return PADDING[p];
}

/**
 * Converts the tfjs graph model to a TFLite model with a fixed input of `batch` x H x W x C
 * (the placeholder's shape with its unknown batch set). Weights must be unquantised float32 or
 * int32, as human ships them, and stay float32: TFLite's float16 form (half-precision filters
 * behind DEQUANTIZE ops) halved the bytes but ran 5-10x slower on LiteRT.js 2.5.3, whose
 * XNNPACK did not fold the DEQUANTIZE (35-64 ms against 6-7 ms for both eyes, Node 24,
 * 2026-12-04).
 */
export function tfjsGraphToTflite(
  json: TfjsGraphModelJson,
  weights: Uint8Array,
  { batch = 1 }: { batch?: number } = {},
): Uint8Array {
  const specs = json.weightsManifest.flatMap((g) => g.weights);
  const constants = new Map<string, { spec: TfjsWeightSpec; bytes: Uint8Array }>();
  let offset = 0;
  for (const spec of specs) {
    if (spec.quantization) throw new Error(`${spec.name}: quantised weights are not handled`);
    if (spec.dtype !== "float32" && spec.dtype !== "int32") throw new Error(`${spec.name}: dtype ${spec.dtype}`);
    const size = spec.shape.reduce((a, b) => a * b, 1) * 4;
    constants.set(spec.name, { spec, bytes: weights.subarray(offset, offset + size) });
    offset += size;
  }
  if (offset !== weights.length) throw new Error(`weights: ${weights.length} bytes, the manifest describes ${offset}`);

  const nodes = new Map(json.modelTopology.node.map((n) => [n.name, n]));
  const tensors: Tensor[] = [];
  const ops: Op[] = [];
  const produced = new Map<string, number>();
  const addTensor = (t: Tensor) => tensors.push(t) - 1;
  const constBytes = (name: string) => {
    const c = constants.get(name);
    if (!c) throw new Error(`${name}: no weights`);
    return c;
  };
  const floats = (name: string) => {
    const { bytes } = constBytes(name);
    return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  };
  const constTensor = (name: string, shape: number[], data: Float32Array | Int32Array, type: number) =>
    addTensor({ name, shape, type, data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) });
  const constAsIs = (name: string) => {
    const { spec, bytes } = constBytes(name);
    return addTensor({ name, shape: spec.shape, type: TYPE[spec.dtype as "float32" | "int32"], data: bytes });
  };

  function tensorOf(input: string): number {
    const name = baseName(input);
    const known = produced.get(name);
    if (known !== undefined) return known;
    const node = nodes.get(name);
    if (!node) throw new Error(`${name}: not in the graph`);
    const index = convert(node);
    produced.set(name, index);
    return index;
  }

  /** A TF conv filter HWIO -> TFLite OHWI. */
  function convFilter(name: string): { index: number; shape: number[] } {
    const { spec } = constBytes(name);
    const [kh = 1, kw = 1, ci = 1, co = 1] = spec.shape;
    const src = floats(name);
    const dst = new Float32Array(src.length);
    for (let h = 0; h < kh; h++)
      for (let w = 0; w < kw; w++)
        for (let i = 0; i < ci; i++)
          for (let o = 0; o < co; o++)
            dst[((o * kh + h) * kw + w) * ci + i] = src[((h * kw + w) * ci + i) * co + o] ?? 0;
    const shape = [co, kh, kw, ci];
    return { index: constTensor(name, shape, dst, TYPE.float32), shape };
  }

  function convert(node: TfjsNode): number {
    const inputs = node.input ?? [];
    const shapeOf = (i: number) => tensors[tensorOf(inputs[i] ?? "")]?.shape ?? [];
    switch (node.op) {
      case "Placeholder": {
        const dims = (node.attr as { shape?: { shape?: { dim?: Array<{ size: string }> } } } | undefined)?.shape?.shape
          ?.dim;
        const shape = (dims ?? []).map((d) => (Number(d.size) < 0 ? batch : Number(d.size)));
        return addTensor({ name: node.name, shape, type: TYPE.float32 });
      }
      case "Const":
        return constAsIs(node.name);
      case "Identity":
        return tensorOf(inputs[0] ?? "");
      case "_FusedConv2D": {
        const fused = strings(node.attr?.fused_ops);
        if (fused[0] !== "BiasAdd" || fused.length > 2 || (fused[1] && fused[1] !== "Prelu")) {
          throw new Error(`${node.name}: fused ops ${fused.join(",")} are not handled`);
        }
        const x = tensorOf(inputs[0] ?? "");
        const filter = convFilter(baseName(inputs[1] ?? ""));
        const bias = constAsIs(baseName(inputs[2] ?? ""));
        const [, sh = 1, sw = 1] = ints(node.attr?.strides);
        const [, dh = 1, dw = 1] = ints(node.attr?.dilations);
        const padding = text(node.attr?.padding);
        const [n = 1, h = 1, w = 1] = shapeOf(0);
        const [co = 1, kh = 1, kw = 1] = filter.shape;
        const shape = [n, outSize(h, kh, sh, dh, padding), outSize(w, kw, sw, dw, padding), co];
        const conv = addTensor({ name: fused[1] ? `${node.name}/conv` : node.name, shape, type: TYPE.float32 });
        const pad = paddingOf(node);
        ops.push({
          code: OP.CONV_2D,
          inputs: [x, filter.index, bias],
          outputs: [conv],
          options: OPTIONS.conv2d,
          writeOptions: (b) => {
            b.startObject(6);
            b.addFieldInt8(0, pad, 0);
            b.addFieldInt32(1, sw, 0);
            b.addFieldInt32(2, sh, 0);
            b.addFieldInt32(4, dw, 1);
            b.addFieldInt32(5, dh, 1);
            return b.endObject();
          },
        });
        if (!fused[1]) return conv;
        const out = addTensor({ name: node.name, shape, type: TYPE.float32 });
        ops.push({
          code: OP.PRELU,
          inputs: [conv, constAsIs(baseName(inputs[3] ?? ""))],
          outputs: [out],
          options: OPTIONS.none,
        });
        return out;
      }
      case "DepthwiseConv2dNative": {
        const x = tensorOf(inputs[0] ?? "");
        const name = baseName(inputs[1] ?? "");
        const [kh = 1, kw = 1, ci = 1, m = 1] = constBytes(name).spec.shape;
        // TF [H, W, C, M] is already TFLite's [1, H, W, C * M] in memory.
        const filter = constTensor(name, [1, kh, kw, ci * m], floats(name), TYPE.float32);
        const bias = constTensor(`${name}/zero_bias`, [ci * m], new Float32Array(ci * m), TYPE.float32);
        const [, sh = 1, sw = 1] = ints(node.attr?.strides);
        const [, dh = 1, dw = 1] = ints(node.attr?.dilations);
        const padding = text(node.attr?.padding);
        const [n = 1, h = 1, w = 1] = shapeOf(0);
        const shape = [n, outSize(h, kh, sh, dh, padding), outSize(w, kw, sw, dw, padding), ci * m];
        const out = addTensor({ name: node.name, shape, type: TYPE.float32 });
        const pad = paddingOf(node);
        ops.push({
          code: OP.DEPTHWISE_CONV_2D,
          inputs: [x, filter, bias],
          outputs: [out],
          options: OPTIONS.depthwise,
          writeOptions: (b) => {
            b.startObject(7);
            b.addFieldInt8(0, pad, 0);
            b.addFieldInt32(1, sw, 0);
            b.addFieldInt32(2, sh, 0);
            b.addFieldInt32(3, m, 0);
            b.addFieldInt32(5, dw, 1);
            b.addFieldInt32(6, dh, 1);
            return b.endObject();
          },
        });
        return out;
      }
      case "AddV2":
      case "Prelu": {
        const a = tensorOf(inputs[0] ?? "");
        const b2 = tensorOf(inputs[1] ?? "");
        const out = addTensor({ name: node.name, shape: [...(tensors[a]?.shape ?? [])], type: TYPE.float32 });
        const add = node.op === "AddV2";
        ops.push({
          code: add ? OP.ADD : OP.PRELU,
          inputs: [a, b2],
          outputs: [out],
          options: add ? OPTIONS.add : OPTIONS.none,
          writeOptions: add
            ? (b) => {
                b.startObject(2);
                return b.endObject();
              }
            : undefined,
        });
        return out;
      }
      case "MaxPool": {
        const x = tensorOf(inputs[0] ?? "");
        const [, kh = 1, kw = 1] = ints(node.attr?.ksize);
        const [, sh = 1, sw = 1] = ints(node.attr?.strides);
        const padding = text(node.attr?.padding);
        const [n = 1, h = 1, w = 1, c = 1] = shapeOf(0);
        const shape = [n, outSize(h, kh, sh, 1, padding), outSize(w, kw, sw, 1, padding), c];
        const out = addTensor({ name: node.name, shape, type: TYPE.float32 });
        const pad = paddingOf(node);
        ops.push({
          code: OP.MAX_POOL_2D,
          inputs: [x],
          outputs: [out],
          options: OPTIONS.pool2d,
          writeOptions: (b) => {
            b.startObject(6);
            b.addFieldInt8(0, pad, 0);
            b.addFieldInt32(1, sw, 0);
            b.addFieldInt32(2, sh, 0);
            b.addFieldInt32(3, kw, 0);
            b.addFieldInt32(4, kh, 0);
            return b.endObject();
          },
        });
        return out;
      }
      case "Pad": {
        const x = tensorOf(inputs[0] ?? "");
        const paddingsName = baseName(inputs[1] ?? "");
        const { bytes } = constBytes(paddingsName);
        const paddings = new Int32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
        const shape = shapeOf(0).map((d, i) => d + (paddings[i * 2] ?? 0) + (paddings[i * 2 + 1] ?? 0));
        const out = addTensor({ name: node.name, shape, type: TYPE.float32 });
        ops.push({
          code: OP.PAD,
          inputs: [x, constAsIs(paddingsName)],
          outputs: [out],
          options: OPTIONS.pad,
          writeOptions: (b) => {
            b.startObject(0);
            return b.endObject();
          },
        });
        return out;
      }
      case "ConcatV2": {
        const values = inputs.slice(0, -1).map(tensorOf);
        const { bytes } = constBytes(baseName(inputs[inputs.length - 1] ?? ""));
        const rank = tensors[values[0] ?? 0]?.shape.length ?? 4;
        const raw = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getInt32(0, true);
        const axis = raw < 0 ? raw + rank : raw;
        const shape = [...(tensors[values[0] ?? 0]?.shape ?? [])];
        shape[axis] = values.reduce((s, v) => s + (tensors[v]?.shape[axis] ?? 0), 0);
        const out = addTensor({ name: node.name, shape, type: TYPE.float32 });
        ops.push({
          code: OP.CONCATENATION,
          inputs: values,
          outputs: [out],
          options: OPTIONS.concatenation,
          writeOptions: (b) => {
            b.startObject(2);
            b.addFieldInt32(0, axis, 0);
            return b.endObject();
          },
        });
        return out;
      }
      default:
        throw new Error(`${node.name}: op ${node.op} is not handled`);
    }
  }

  const placeholders = json.modelTopology.node.filter((n) => n.op === "Placeholder");
  const output = json.modelTopology.node.find((n) => n.name === "Identity") ?? json.modelTopology.node.at(-1);
  if (placeholders.length !== 1 || !output) throw new Error("expected one input and an Identity output");
  const inputIndex = tensorOf(placeholders[0]?.name ?? "");
  const outputIndex = tensorOf(output.name);
  return serialise(tensors, ops, [inputIndex], [outputIndex]);
}

function serialise(tensors: Tensor[], ops: Op[], inputs: number[], outputs: number[]): Uint8Array {
  const b = new Builder(4 * 1024 * 1024);
  const intVector = (values: number[]) => {
    b.startVector(4, values.length, 4);
    for (let i = values.length - 1; i >= 0; i--) b.addInt32(values[i] ?? 0);
    return b.endVector();
  };
  const offsetVector = (offsets: number[]) => {
    b.startVector(4, offsets.length, 4);
    for (let i = offsets.length - 1; i >= 0; i--) b.addOffset(offsets[i] ?? 0);
    return b.endVector();
  };
  // Buffers: 0 is the empty sentinel; each constant gets its own, 16-byte aligned.
  const bufferOffsets: number[] = [];
  const bufferOf: number[] = [];
  b.startObject(3);
  bufferOffsets.push(b.endObject());
  for (const t of tensors) {
    if (!t.data) {
      bufferOf.push(0);
      continue;
    }
    b.startVector(1, t.data.length, 16);
    for (let i = t.data.length - 1; i >= 0; i--) b.writeInt8(t.data[i] ?? 0);
    const data = b.endVector();
    b.startObject(3);
    b.addFieldOffset(0, data, 0);
    bufferOf.push(bufferOffsets.push(b.endObject()) - 1);
  }
  const tensorOffsets = tensors.map((t, i) => {
    const name = b.createString(t.name);
    const shape = intVector(t.shape);
    b.startObject(5);
    b.addFieldOffset(0, shape, 0);
    b.addFieldInt8(1, t.type, 0);
    b.addFieldInt32(2, bufferOf[i] ?? 0, 0);
    b.addFieldOffset(3, name, 0);
    return b.endObject();
  });
  const codes = [...new Set(ops.map((o) => o.code))];
  const opOffsets = ops.map((op) => {
    const opInputs = intVector(op.inputs);
    const opOutputs = intVector(op.outputs);
    const options = op.writeOptions?.(b) ?? 0;
    b.startObject(5);
    b.addFieldInt32(0, codes.indexOf(op.code), 0);
    b.addFieldOffset(1, opInputs, 0);
    b.addFieldOffset(2, opOutputs, 0);
    if (options) {
      b.addFieldInt8(3, op.options, 0);
      b.addFieldOffset(4, options, 0);
    }
    return b.endObject();
  });
  const codeOffsets = codes.map((code) => {
    b.startObject(4);
    b.addFieldInt8(0, code, 0);
    b.addFieldInt32(2, 1, 1);
    b.addFieldInt32(3, code, 0);
    return b.endObject();
  });
  const tensorsVector = offsetVector(tensorOffsets);
  const inputsVector = intVector(inputs);
  const outputsVector = intVector(outputs);
  const opsVector = offsetVector(opOffsets);
  const subgraphName = b.createString("main");
  b.startObject(5);
  b.addFieldOffset(0, tensorsVector, 0);
  b.addFieldOffset(1, inputsVector, 0);
  b.addFieldOffset(2, outputsVector, 0);
  b.addFieldOffset(3, opsVector, 0);
  b.addFieldOffset(4, subgraphName, 0);
  const subgraph = b.endObject();
  const codesVector = offsetVector(codeOffsets);
  const subgraphsVector = offsetVector([subgraph]);
  const buffersVector = offsetVector(bufferOffsets);
  const description = b.createString("iris landmark model (MediaPipe, Apache-2.0), from human's tfjs graph model");
  b.startObject(5);
  b.addFieldInt32(0, 3, 0);
  b.addFieldOffset(1, codesVector, 0);
  b.addFieldOffset(2, subgraphsVector, 0);
  b.addFieldOffset(3, description, 0);
  b.addFieldOffset(4, buffersVector, 0);
  b.finish(b.endObject(), "TFL3");
  return b.asUint8Array().slice();
}

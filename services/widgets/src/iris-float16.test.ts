import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { setWasmPaths } from "@tensorflow/tfjs-backend-wasm";
import { io, ready, setBackend } from "@tensorflow/tfjs-core";
import { beforeAll, describe, expect, it } from "vitest";
import { irisAsFloat16, toFloat16Bits } from "./iris-float16.ts";

const require = createRequire(import.meta.url);
const models = path.join(path.dirname(path.dirname(require.resolve("@vladmandic/human"))), "models");

describe("live mode's float16 iris model", () => {
  beforeAll(async () => {
    // tfjs's own decoder (what the browser runs) needs a backend to make tensors.
    setWasmPaths(`${path.dirname(require.resolve("@tensorflow/tfjs-backend-wasm"))}/`);
    await setBackend("wasm");
    await ready();
  });

  it("converts single to half precision with IEEE rounding", () => {
    expect(toFloat16Bits(1)).toBe(0x3c00);
    expect(toFloat16Bits(-2)).toBe(0xc000);
    expect(toFloat16Bits(65504)).toBe(0x7bff);
    expect(toFloat16Bits(1e6)).toBe(0x7c00);
    expect(toFloat16Bits(2 ** -24)).toBe(0x0001);
    expect(toFloat16Bits(1e-9)).toBe(0);
    expect(toFloat16Bits(1 + 2 ** -11)).toBe(0x3c00); // a tie rounds to even
  });

  it("halves the float weights and tfjs decodes them back within half precision", () => {
    const json = JSON.parse(readFileSync(path.join(models, "iris.json"), "utf8"));
    const bin = readFileSync(path.join(models, "iris.bin"));
    const half = irisAsFloat16(json, bin, "iris.bin");
    const manifest = JSON.parse(half.json).weightsManifest[0];
    expect(half.bin.length).toBeLessThan(bin.length * 0.52);
    const original = io.decodeWeights(new Uint8Array(bin).buffer, json.weightsManifest[0].weights);
    const decoded = io.decodeWeights(new Uint8Array(half.bin).buffer, manifest.weights);
    let worst = 0;
    for (const [name, tensor] of Object.entries(original)) {
      const a = tensor.dataSync();
      const b = decoded[name]?.dataSync() ?? [];
      for (let i = 0; i < a.length; i++) {
        const x = a[i] ?? 0;
        if (Math.abs(x) > 1e-4) worst = Math.max(worst, Math.abs((b[i] ?? 0) - x) / Math.abs(x));
      }
    }
    expect(worst).toBeLessThan(1e-3);
  });
});

// node scripts/bench/mediapipe-stages.mjs (or under tsx, as the benches run): p50 ms of each stage
// of MediaPipe's photo pipeline in one thread, on the bench:tryon photo at 1280x960 and at the
// analysis's 640 px: sharp decode, the crops (tensor prep), each model alone, whole pipelines.
import { readFileSync } from "node:fs";
import { loadavg } from "node:os";
import { createMediapipeLandmarker, FULL_RANGE, IRIS_INPUT, MESH_INPUT, SHORT_RANGE } from "@varai/face-landmarker";
import sharp from "sharp";
import { cropToTensor } from "../../core/face-landmarker/src/mediapipe/crop.ts";
import { letterbox } from "../../core/face-landmarker/src/mediapipe/detector.ts";
import { loadMediapipeNodeModels } from "../../services/ml/src/engine/mediapipe-landmarker.mjs";

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 30);
const a = readFileSync(new URL("../../test-artifacts/photos/astronaut.png", import.meta.url));
const photo = await sharp(a)
  .resize(900, 900)
  .extend({ left: 190, right: 190, top: 30, bottom: 30, background: "#7a8a99" })
  .jpeg({ quality: 90 })
  .toBuffer();
const out = { loadAverage1m: loadavg()[0], stages: {} };
const time = async (name, fn) => {
  for (let i = 0; i < 3; i++) await fn();
  const xs = [];
  for (let i = 0; i < ROUNDS; i++) {
    const s = performance.now();
    await fn();
    xs.push(performance.now() - s);
  }
  xs.sort((x, y) => x - y);
  out.stages[name] = Math.round(xs[xs.length >> 1] * 100) / 100;
};
const models = await loadMediapipeNodeModels();
for (const side of [1280, 640]) {
  const { data, info } = await sharp(photo).resize(side).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const image = { data: new Uint8Array(data), width: info.width, height: info.height, channels: 3 };
  await time(`${side} decode+resize (sharp)`, () => sharp(photo).resize(side).removeAlpha().raw().toBuffer());
  const frame = letterbox(image.width, image.height);
  await time(`${side} detector input full (crop)`, () => cropToTensor(image, frame, FULL_RANGE.inputSize, [-1, 1]));
  await time(`${side} detector input short (crop)`, () => cropToTensor(image, frame, SHORT_RANGE.inputSize, [-1, 1]));
  const roi = {
    cx: image.width / 2,
    cy: image.height / 2,
    width: image.width / 2,
    height: image.width / 2,
    rotation: 0.1,
  };
  await time(`${side} mesh input (crop)`, () => cropToTensor(image, roi, MESH_INPUT, [0, 1]));
  await time(`${side} eye crop x2`, () => {
    cropToTensor(image, { ...roi, width: 60, height: 60 }, IRIS_INPUT, [0, 1]);
    cropToTensor(image, { ...roi, width: 60, height: 60 }, IRIS_INPUT, [0, 1], true);
  });
  for (const [name, options] of [
    ["full+refine", { detector: "full" }],
    ["full", { detector: "full", refine: false }],
    ["auto", { detector: "auto", refine: false }],
  ]) {
    const l = createMediapipeLandmarker(models, options);
    await time(`${side} pipeline ${name}`, () => l.detect(image));
  }
}
const full = new Float32Array(192 * 192 * 3);
const short = new Float32Array(128 * 128 * 3);
await time("model detector full", () => models.detect(FULL_RANGE, full));
await time("model detector short", () => models.detect(SHORT_RANGE, short));
await time("model mesh", () => models.mesh(full));
const eye = new Float32Array(64 * 64 * 3);
await time("model iris x2 (batch)", () => models.iris([eye, eye]));
await time("model iris x1", () => models.iris([eye]));
out.loadAverage1mEnd = loadavg()[0];
console.log(JSON.stringify(out, null, 2));
process.exit(0);

// node scripts/bench/face-landmarker-variants.mjs: p50 ms per photo of human and of MediaPipe's
// pipeline in three configurations (full-range detector + second mesh pass, the shipped photo
// setting; short-range first + second pass; short-range, one pass), in one thread, rounds
// interleaved so that a shared machine's load falls on all of them alike. The bench:tryon photo
// (1280x960) at the 640 px the analysis detects on.
import { readFileSync } from "node:fs";
import { createMediapipeLandmarker } from "@varai/face-landmarker";
import sharp from "sharp";
import { createHumanLandmarker } from "../../services/ml/src/engine/human-landmarker.mjs";
import { loadMediapipeNodeModels } from "../../services/ml/src/engine/mediapipe-landmarker.mjs";

const a = readFileSync(new URL("../../test-artifacts/photos/astronaut.png", import.meta.url));
const photo = await sharp(a)
  .resize(900, 900)
  .extend({ left: 190, right: 190, top: 30, bottom: 30, background: "#7a8a99" })
  .jpeg({ quality: 90 })
  .toBuffer();
const { data, info } = await sharp(photo).resize(640).removeAlpha().raw().toBuffer({ resolveWithObject: true });
const image = { data: new Uint8Array(data), width: info.width, height: info.height, channels: 3 };
const models = await loadMediapipeNodeModels();
const variants = {
  human: await createHumanLandmarker({}),
  "mp full+refine": createMediapipeLandmarker(models, { detector: "full" }),
  "mp auto+refine": createMediapipeLandmarker(models, { detector: "auto" }),
  "mp auto": createMediapipeLandmarker(models, { detector: "auto", refine: false }),
};
const times = Object.fromEntries(Object.keys(variants).map((k) => [k, []]));
for (const l of Object.values(variants)) for (let i = 0; i < 3; i++) await l.detect(image);
for (let round = 0; round < 8; round++)
  for (const [k, l] of Object.entries(variants)) {
    const s = performance.now();
    await l.detect(image);
    times[k].push(performance.now() - s);
  }
const med = (xs) => {
  const s = [...xs].sort((x, y) => x - y);
  return s[s.length >> 1].toFixed(1);
};
// biome-ignore lint/suspicious/noConsole: a bench prints its figures
console.log(JSON.stringify(Object.fromEntries(Object.entries(times).map(([k, v]) => [k, med(v)]))));
process.exit(0);

// MediaPipe's face models, read from the npm packages that ship them (Apache-2.0, Google LLC):
// `@mediapipe/face_detection` has both detectors as plain files; `@mediapipe/face_mesh` packs
// its mesh model into an Emscripten file package (`face_mesh_solution_packed_assets.data`,
// with the file list and byte offsets in the loader script beside it). Nothing is downloaded:
// the bytes come from node_modules. human's iris model (MediaPipe's iris landmark model in
// tfjs form, also Apache-2.0) comes from @vladmandic/human's models folder and is converted to
// TFLite in memory (@varai/face-landmarker/iris-tflite).
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { IRIS_BATCH, packedFiles } from "@varai/face-landmarker";
import { tfjsGraphToTflite } from "@varai/face-landmarker/iris-tflite";

const require = createRequire(import.meta.url);

export const MEDIAPIPE_LICENCE =
  "MediaPipe face detection and face landmark models: Copyright Google LLC, Apache License 2.0 " +
  "(https://www.apache.org/licenses/LICENSE-2.0), from the npm packages @mediapipe/face_detection " +
  "0.4.1657300184 and @mediapipe/face_mesh 0.4.1657299874. Iris landmark model (tfjs form from " +
  "@vladmandic/human 3.3.6, converted to TFLite by VARAi at load): Copyright Google LLC, Apache License 2.0.";

function packageDir(name) {
  return path.dirname(require.resolve(name));
}

/** One file out of @mediapipe/face_mesh's packed assets, by its base name. */
export function readPackedModel(fileName) {
  const dir = packageDir("@mediapipe/face_mesh");
  const files = packedFiles(readFileSync(path.join(dir, "face_mesh_solution_packed_assets_loader.js"), "utf8"));
  const entry = files.find((f) => path.basename(f.filename) === fileName);
  if (!entry) throw new Error(`${fileName} is not in @mediapipe/face_mesh's packed assets`);
  const data = readFileSync(path.join(dir, "face_mesh_solution_packed_assets.data"));
  return new Uint8Array(data.subarray(entry.start, entry.end));
}

/** The three TFLite models the MediaPipe landmarker runs, as bytes. */
export function readMediapipeModels() {
  const detection = packageDir("@mediapipe/face_detection");
  return {
    shortRange: new Uint8Array(readFileSync(path.join(detection, "face_detection_short_range.tflite"))),
    fullRange: new Uint8Array(readFileSync(path.join(detection, "face_detection_full_range.tflite"))),
    mesh: readPackedModel("face_landmark.tflite"),
  };
}

/** human's models folder (iris.json + iris.bin). */
export function humanModelsDir() {
  return path.join(path.dirname(path.dirname(require.resolve("@vladmandic/human"))), "models");
}

/** human's iris model as a TFLite flatbuffer for LiteRT, both eyes in one batch. */
export function readIrisTflite() {
  const dir = humanModelsDir();
  const json = JSON.parse(readFileSync(path.join(dir, "iris.json"), "utf8"));
  return tfjsGraphToTflite(json, new Uint8Array(readFileSync(path.join(dir, "iris.bin"))), { batch: IRIS_BATCH });
}

// A stand-in face worker for face-pool.test.ts: it "loads" only while workerData.modelsDir exists,
// and crashes on its first job, as a worker whose wasm aborts would.
import { existsSync } from "node:fs";
import { parentPort, workerData } from "node:worker_threads";

if (!existsSync(workerData.modelsDir)) throw new Error(`no models in ${workerData.modelsDir}`);
parentPort.postMessage({ type: "ready", loadMs: 0 });
parentPort.on("message", () => {
  throw new Error("wasm abort");
});

// pnpm bench:tryon: face analysis and try-on on a 1280x960 photo, per stage and end to end.
// Prints one JSON document. Needs test-artifacts/photos/astronaut.png (scripts/fetch-test-photos.sh).
// faceAnalysisMs is POST /v1/face-analysis: two views (photo + mirror image) on two workers;
// faceAnalysisOneViewEndToEndMs is the same analysis from the photo alone, as a try-on does it.
// The service runs the default face landmarker, or FACE_LANDMARKER=human|mediapipe; the bare
// pipeline of both implementations is timed in the same run (bareModelPipelineMs).
// BENCH_DEPLOYMENT=split measures instead POST /v1/face-analysis and POST /v1/try-on (JPEG)
// through the gateway's public URL as the widget calls them (multipart photo, publishable key,
// Origin), from request to last byte, on two deployments started side by side, each a gateway
// process started as `pnpm start` runs it with a redis-server and a DATA_DIR (embedded SQLite
// store) of its own: the gateway alone with ml in it (`singleProcess`) and the gateway plus the
// ml service as its own process (`separateProcesses`). The calls alternate between the two, one
// at a time, so both see the same machine load. overheadMsPerRequest = p50 separate - p50 single.
// These include the HTTP edge (auth, rate limits, multipart), so they are above the library
// figures of the default run.
const processStart = performance.now();

import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import path from "node:path";
import {
  createFacePool,
  createMlService,
  DEFAULT_FACE_LANDMARKER,
  FACE_LANDMARKERS,
  type FaceLandmarkerName,
} from "@varai/ml";
import {
  blobKeys,
  COLLECTIONS,
  createEmbeddedStore,
  createFsBlobStore,
  createMemoryCache,
  createMemoryQueue,
  createMemoryRateLimiter,
  createPrivacyRegistry,
  noopLogger,
} from "@varai/runtime";
import sharp from "sharp";
import {
  type DeploymentKind,
  describeDeployment,
  ORIGIN,
  startBenchDeployment,
  stopBenchDeployment,
} from "./deployments.ts";

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 40);
const LANDMARKER = (process.env.FACE_LANDMARKER ?? DEFAULT_FACE_LANDMARKER) as FaceLandmarkerName;
if (!FACE_LANDMARKERS.includes(LANDMARKER)) throw new Error(`FACE_LANDMARKER=${LANDMARKER} is unknown`);
const loadAtStart = loadavg()[0] ?? 0;
const TENANT = "ten_bench0001";
const root = path.resolve(import.meta.dirname, "../..");
const astronaut = readFileSync(path.join(root, "test-artifacts/photos/astronaut.png"));
const photo = await sharp(astronaut)
  .resize(900, 900)
  .extend({ left: 190, right: 190, top: 30, bottom: 30, background: "#7a8a99" })
  .jpeg({ quality: 90 })
  .toBuffer();

const stats = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const at = (q: number) => Math.round((s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? 0) * 10) / 10;
  return { p50: at(0.5), p95: at(0.95), n: s.length };
};

const dir = mkdtempSync(path.join(tmpdir(), "varai-bench-"));
const deps = {
  store: createEmbeddedStore({ file: null }),
  cache: createMemoryCache(),
  queue: createMemoryQueue(),
  rateLimiter: createMemoryRateLimiter(),
  blobs: createFsBlobStore({ dir }),
  logger: noopLogger,
  clock: () => new Date(),
  privacy: createPrivacyRegistry(),
};
// A 138 mm frame asset at 4 px/mm.
const w = 552;
const h = 180;
const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}"><rect x="0" y="30" width="${w}" height="14" fill="#222"/>
  <rect x="44" y="20" width="196" height="140" rx="40" fill="none" stroke="#222" stroke-width="14"/>
  <rect x="312" y="20" width="196" height="140" rx="40" fill="none" stroke="#222" stroke-width="14"/></svg>`;
/** The bench's product, its try-on asset ready, for `tenantId` in `store` and `blobs`. */
async function seedProduct(
  store: ReturnType<typeof createEmbeddedStore>,
  blobs: ReturnType<typeof createFsBlobStore>,
  tenantId: string,
): Promise<void> {
  await blobs.put(blobKeys.frameAsset(tenantId, "ast_bench"), await sharp(Buffer.from(svg)).png().toBuffer(), {
    contentType: "image/png",
  });
  const now = new Date().toISOString();
  await store.tenantCollection<{ id: string; tenantId: string }>(COLLECTIONS.products).insertOne(tenantId, {
    id: "prd_bench",
    source: { platform: "manual", connectionId: "con_1", externalId: "1", externalUpdatedAt: now },
    title: "bench",
    status: "active",
    images: [],
    frame: { dimensions: {} },
    tryOn: {
      assetStatus: "ready",
      assetId: "ast_bench",
      assetWidthPx: w,
      assetHeightPx: h,
      lensCentersPx: [
        { x: 142, y: 90 },
        { x: 410, y: 90 },
      ],
      frameWidthMm: 138,
      frameWidthIsDefault: false,
    },
    createdAt: now,
    updatedAt: now,
  } as never);
}

/**
 * BENCH_DEPLOYMENT=split: the storefront calls through the gateway's public URL, as the widget
 * makes them (multipart photo, publishable key, Origin), on a gateway process started as
 * `pnpm start` runs it, one redis-server and one DATA_DIR each: `single` with ml in it, `split`
 * with ml as its own process (the gateway forwards the photo and streams the answer back).
 * ML_WORKERS as the in-process default (the core count). Timed by the client from request to
 * last byte.
 */
async function startDeployment(kind: DeploymentKind) {
  const d = await startBenchDeployment(kind, ["ml:start"], {
    ML_WORKERS: String(availableParallelism()),
    FACE_LANDMARKER: LANDMARKER,
  });
  const { dataDir } = d.deployment;
  const store = createEmbeddedStore({ file: path.join(dataDir, "varai.sqlite") });
  await seedProduct(store, createFsBlobStore({ dir: path.join(dataDir, "blobs") }), d.merchant.tenantId);
  await store.close();
  const post = async (route: string, fields: Record<string, string>, accept: string) => {
    const form = new FormData();
    for (const [k, v] of Object.entries(fields)) form.append(k, v);
    form.append("photo", new Blob([new Uint8Array(photo)], { type: "image/jpeg" }), "photo.jpg");
    const t = performance.now();
    const res = await fetch(`${d.base}${route}`, {
      method: "POST",
      headers: { "x-varai-key": d.merchant.publishableKey, origin: ORIGIN, accept },
      body: form,
    });
    const body = Buffer.from(await res.arrayBuffer());
    const ms = performance.now() - t;
    if (res.status !== 200) throw new Error(`${kind} ${route}: ${res.status} ${body.toString("utf8").slice(0, 300)}`);
    return { ms, bytes: body.length };
  };
  return {
    d,
    analyse: () => post("/v1/face-analysis", {}, "application/json"),
    tryOn: () => post("/v1/try-on", { productId: "prd_bench" }, "image/jpeg"),
    analysis: [] as number[],
    tryOns: [] as number[],
    tryOnBytes: 0,
  };
}

if (process.env.BENCH_DEPLOYMENT === "split") {
  const single = await startDeployment("single");
  const split = await startDeployment("split").catch(async (error) => {
    await stopBenchDeployment(single.d);
    throw error;
  });
  try {
    // Interleaved, one call at a time: the two deployments see the same machine load (the idle
    // one waits on its sockets).
    for (const x of [single, split])
      for (let i = 0; i < 5; i++) {
        await x.analyse();
        await x.tryOn();
      }
    for (let i = 0; i < ROUNDS; i++)
      for (const x of i % 2 ? [split, single] : [single, split]) {
        x.analysis.push((await x.analyse()).ms);
        const r = await x.tryOn();
        x.tryOns.push(r.ms);
        x.tryOnBytes = r.bytes;
      }
  } finally {
    await stopBenchDeployment(single.d);
    await stopBenchDeployment(split.d);
  }
  rmSync(dir, { recursive: true, force: true });
  const figures = (x: typeof single) => ({
    deployment: describeDeployment(x.d.kind, ["ml:start"]),
    processes: x.d.pids().length,
    faceAnalysisEndToEndMs: stats(x.analysis),
    tryOnJpegEndToEndMs: stats(x.tryOns),
    tryOnJpegBytes: x.tryOnBytes,
  });
  const one = figures(single);
  const two = figures(split);
  const over = (k: "faceAnalysisEndToEndMs" | "tryOnJpegEndToEndMs") => Math.round((two[k].p50 - one[k].p50) * 10) / 10;
  const result = {
    deployment: "split",
    photo: "astronaut.png on a 1280x960 canvas, JPEG q90, multipart through the gateway",
    rounds: ROUNDS,
    landmarker: LANDMARKER,
    loadAverage1m: { atStart: Math.round(loadAtStart * 10) / 10, atEnd: Math.round((loadavg()[0] ?? 0) * 10) / 10 },
    singleProcess: one,
    separateProcesses: two,
    // p50 separate processes - p50 single process, per request.
    overheadMsPerRequest: { faceAnalysis: over("faceAnalysisEndToEndMs"), tryOnJpeg: over("tryOnJpegEndToEndMs") },
  };
  console.log(JSON.stringify(result, null, 2));
  process.exit(0);
}

await seedProduct(deps.store, deps.blobs, TENANT);

const ml = createMlService(deps, { consumeFrameAssets: false, landmarker: LANDMARKER });
await ml.start();
const first = await ml.renderTryOn({ tenantId: TENANT, productId: "prd_bench", photo, contentType: "image/jpeg" });
const firstResultMs = performance.now() - processStart;

// Warm up, then sequential runs for latency.
for (let i = 0; i < 5; i++) await ml.analyzeFace(photo);
const analysis = { total: [] as number[], decode: [] as number[], detect: [] as number[], measure: [] as number[] };
for (let i = 0; i < ROUNDS; i++) {
  const t = performance.now();
  const r = await ml.analyzeFace(photo);
  analysis.total.push(performance.now() - t);
  analysis.decode.push(r.timings.decode);
  analysis.detect.push(r.timings.detect);
  analysis.measure.push(r.timings.measure);
}
// The same analysis from one view (what a try-on pays), for comparison.
const oneView: number[] = [];
for (let i = 0; i < ROUNDS; i++) {
  const t = performance.now();
  await ml.analyzeFace(photo, { mirroredView: false });
  oneView.push(performance.now() - t);
}
const tryon = {
  total: [] as number[],
  decode: [] as number[],
  detect: [] as number[],
  measure: [] as number[],
  render: [] as number[],
  encode: [] as number[],
};
const webp: number[] = [];
for (let i = 0; i < ROUNDS; i++) {
  const t = performance.now();
  const r = await ml.renderTryOn({ tenantId: TENANT, productId: "prd_bench", photo, contentType: "image/jpeg" });
  tryon.total.push(performance.now() - t);
  for (const k of ["decode", "detect", "measure", "render", "encode"] as const) tryon[k].push(r.timings[k] ?? 0);
  const t2 = performance.now();
  await ml.renderTryOn({ tenantId: TENANT, productId: "prd_bench", photo, contentType: "image/webp" });
  webp.push(performance.now() - t2);
}

// Throughput: two callers back to back for a fixed number of try-ons.
// Long enough (about 4 s) that one noisy second of a shared machine does not decide it.
const N = Math.max(120, ROUNDS * 3);
let done = 0;
const t0 = performance.now();
await Promise.all(
  [0, 1].map(async () => {
    while (done < N) {
      done++;
      await ml.renderTryOn({ tenantId: TENANT, productId: "prd_bench", photo, contentType: "image/jpeg" });
    }
  }),
);
const throughput = N / ((performance.now() - t0) / 1000);
await ml.stop();

// The bare model pipeline of each implementation, same photo, same run, one worker, on the full
// 1280x960 image: human's own input path (detector + mesh + iris, no caching), and MediaPipe's
// pipeline (detector, mesh twice, iris) on the RGB pixels.
const { data: rgb, info } = await sharp(photo).removeAlpha().raw().toBuffer({ resolveWithObject: true });
const bareModelPipelineMs: Record<string, ReturnType<typeof stats>> = {};
for (const name of FACE_LANDMARKERS) {
  const bare = createFacePool({ workers: 1, profile: "bare", landmarker: name });
  await bare.start();
  for (let i = 0; i < 5; i++) await bare.detect(rgb, info.width, info.height);
  const times: number[] = [];
  for (let i = 0; i < ROUNDS; i++) times.push((await bare.detect(rgb, info.width, info.height)).detectMs);
  await bare.stop();
  bareModelPipelineMs[name] = stats(times);
}
rmSync(dir, { recursive: true, force: true });

const result = {
  photo: "astronaut.png on a 1280x960 canvas, JPEG q90",
  rounds: ROUNDS,
  landmarker: LANDMARKER,
  loadAverage1m: { atStart: Math.round(loadAtStart * 10) / 10, atEnd: Math.round((loadavg()[0] ?? 0) * 10) / 10 },
  faceAnalysisMs: {
    endToEnd: stats(analysis.total),
    decode: stats(analysis.decode),
    detectAndLandmarks: stats(analysis.detect),
    measure: stats(analysis.measure),
  },
  faceAnalysisOneViewEndToEndMs: stats(oneView),
  bareModelPipelineMs,
  tryOnJpegMs: {
    endToEnd: stats(tryon.total),
    decode: stats(tryon.decode),
    detectAndLandmarks: stats(tryon.detect),
    measure: stats(tryon.measure),
    render: stats(tryon.render),
    encode: stats(tryon.encode),
  },
  tryOnWebpEndToEndMs: stats(webp),
  throughputTryOnsPerSecAtConcurrency2: Math.round(throughput * 10) / 10,
  firstResultMsFromProcessStart: Math.round(firstResultMs),
  firstResultBytes: first.image?.data.length ?? 0,
  targets: {
    analysisP50Ms: 40,
    tryOnP50Ms: 60,
    tryOnsPerSec: 30,
    firstResultMs: 3000,
  },
};
console.log(JSON.stringify(result, null, 2));

import { execFile } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { type Browser, chromium } from "playwright-core";

const run = promisify(execFile);

export const REPO_ROOT = path.resolve(import.meta.dirname, "../../../..");
export const ARTIFACTS = path.join(REPO_ROOT, "test-artifacts");
export const SCREENSHOTS = path.join(ARTIFACTS, "screenshots");
export const ASTRONAUT = path.join(ARTIFACTS, "photos", "astronaut.png");
/** skimage's cameraman: a face turned ~45 degrees and tilted ~40, whose figures are withheld. */
export const CAMERA = path.join(ARTIFACTS, "photos", "camera.png");
export const CHROMIUM = "/usr/bin/chromium";

/** Flags that work on these machines (ENVIRONMENT.md): no sandbox, no GPU, no background network. */
const FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/**
 * A 1 s Y4M of astronaut.png for Chromium's fake camera, made with ffmpeg once into
 * test-artifacts/ (a few MB; never committed).
 */
export async function fakeCameraVideo(): Promise<string> {
  const out = path.join(ARTIFACTS, "astronaut-face.y4m");
  if (existsSync(out)) return out;
  mkdirSync(ARTIFACTS, { recursive: true });
  await run("/usr/bin/ffmpeg", [
    ...["-y", "-loglevel", "error", "-loop", "1", "-i", ASTRONAUT, "-t", "1", "-r", "30"],
    ...["-pix_fmt", "yuv420p", "-vf", "scale=480:480,pad=640:480:80:0", out],
  ]);
  return out;
}

/**
 * A 6 s fake-camera video (looped by Chromium) of astronaut.png in which the face moves across
 * the frame, tilts (in-plane, +-9 degrees) and changes scale (its width 300-420 px), each on its
 * own period: every frame differs from the last, as a shopper's camera does. ffmpeg cannot turn
 * a head in depth; the turned-head checks are services/ml's (turn-head.ts).
 */
export async function movingFaceVideo(): Promise<string> {
  const out = path.join(ARTIFACTS, "astronaut-moving.y4m");
  if (existsSync(out)) return out;
  mkdirSync(ARTIFACTS, { recursive: true });
  const face =
    "[0:v]scale=w='360+60*sin(2*PI*t/4)':h=-1:eval=frame," +
    "rotate=a='0.16*sin(2*PI*t/3)':c=0x606060:ow=460:oh=460[face]";
  const place = "[1:v][face]overlay=x='90+70*sin(2*PI*t/5)':y='10+20*sin(2*PI*t/3.5)':eval=frame,format=yuv420p";
  await run("/usr/bin/ffmpeg", [
    ...["-y", "-loglevel", "error", "-loop", "1", "-framerate", "30", "-i", ASTRONAUT],
    ...["-f", "lavfi", "-i", "color=c=0x606060:s=640x480:r=30"],
    ...["-filter_complex", `${face};${place}`, "-t", "6", "-r", "30", out],
  ]);
  return out;
}

export async function launchChromium(options: { fakeCamera?: string } = {}): Promise<Browser> {
  const args = [...FLAGS];
  if (options.fakeCamera) {
    args.push(
      "--use-fake-device-for-media-stream",
      "--use-fake-ui-for-media-stream",
      `--use-file-for-fake-video-capture=${options.fakeCamera}`,
    );
  }
  return chromium.launch({ executablePath: CHROMIUM, args, headless: true });
}

export function screenshotPath(name: string): string {
  mkdirSync(SCREENSHOTS, { recursive: true });
  return path.join(SCREENSHOTS, `${name}.png`);
}

export const browserAvailable = (): boolean => {
  const ok = existsSync(CHROMIUM) && existsSync(ASTRONAUT) && existsSync(CAMERA);
  // CI's set-up installs both: there a missing one is a broken run, never a silent skip.
  if (!ok && process.env.CI) {
    throw new Error(`browser tests need ${CHROMIUM}, ${ASTRONAUT} and ${CAMERA}: run bash scripts/setup.sh test`);
  }
  return ok;
};

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  targets: string[];
}

/** Runs axe-core in the page (it walks open shadow roots) and returns serious and critical violations. */
export async function seriousAxeViolations(page: import("playwright-core").Page): Promise<AxeViolation[]> {
  const { createRequire } = await import("node:module");
  const axePath = createRequire(import.meta.url).resolve("axe-core/axe.min.js");
  await page.addScriptTag({ path: axePath });
  // A string, so this module needs no DOM types (the gateway's program must stay DOM-free).
  return page.evaluate(`(async () => {
    const result = await window.axe.run(document, { resultTypes: ["violations"] });
    return result.violations
      .filter((v) => v.impact === "serious" || v.impact === "critical")
      .map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map((n) => JSON.stringify(n.target)) }));
  })()`) as Promise<AxeViolation[]>;
}

export type { Browser, Locator, Page } from "playwright-core";

/** The focused element through shadow roots, e.g. `varai-frame-finder >> button.questions`. */
export function activeLabel(page: import("playwright-core").Page): Promise<string> {
  return page.evaluate(`(() => {
    let el = document.activeElement;
    const path = [];
    while (el) {
      path.push(el.localName + (el.id ? "#" + el.id : "") + (el.classList.length ? "." + Array.from(el.classList).join(".") : ""));
      el = el.shadowRoot ? el.shadowRoot.activeElement : null;
    }
    return path.join(" >> ");
  })()`) as Promise<string>;
}

/** Natural size of an <img> (0 x 0 until it decoded). */
export async function imageSize(image: import("playwright-core").Locator): Promise<{ width: number; height: number }> {
  const [width, height] = await Promise.all([
    image.evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth),
    image.evaluate((img) => (img as unknown as { naturalHeight: number }).naturalHeight),
  ]);
  return { width, height };
}

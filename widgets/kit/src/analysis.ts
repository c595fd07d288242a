import { FaceMeasurementsSchema, type FaceShape, type Withheld } from "@varai/schema";
import type { MessageKey } from "./i18n.ts";

/**
 * The shopper's last face result, kept in this tab only (sessionStorage) so the
 * recommendations carousel and the frame finder can use it. Only the summary is kept:
 * two distances in mm and a face shape, never a photo or landmarks.
 */
export interface LastAnalysis {
  faceAnalysisId?: string;
  pupillaryDistanceMm?: number;
  faceWidthMm?: number;
  faceShape?: FaceShape;
  source: "photo" | "live" | "questions";
}

const KEY = "varai:last-analysis";
export const ANALYSIS_EVENT = "varai:analysis";

export function saveLastAnalysis(analysis: LastAnalysis, storage: Storage | undefined = safeSession()): void {
  try {
    storage?.setItem(KEY, JSON.stringify(analysis));
  } catch {
    // Storage full or disabled (private mode): the in-page event below still informs widgets.
  }
  globalThis.dispatchEvent?.(new CustomEvent(ANALYSIS_EVENT, { detail: analysis }));
}

export function readLastAnalysis(storage: Storage | undefined = safeSession()): LastAnalysis | null {
  try {
    const raw = storage?.getItem(KEY);
    if (!raw) return null;
    const value = JSON.parse(raw) as unknown;
    if (typeof value !== "object" || value === null) return null;
    const v = value as Record<string, unknown>;
    const num = (x: unknown) => (typeof x === "number" && Number.isFinite(x) ? x : undefined);
    const out: LastAnalysis = { source: v.source === "live" || v.source === "questions" ? v.source : "photo" };
    if (typeof v.faceAnalysisId === "string") out.faceAnalysisId = v.faceAnalysisId;
    const pd = num(v.pupillaryDistanceMm);
    const fw = num(v.faceWidthMm);
    if (pd !== undefined) out.pupillaryDistanceMm = pd;
    if (fw !== undefined) out.faceWidthMm = fw;
    if (typeof v.faceShape === "string") out.faceShape = v.faceShape as FaceShape;
    return out;
  } catch {
    return null;
  }
}

function safeSession(): Storage | undefined {
  try {
    return globalThis.sessionStorage;
  } catch {
    return undefined;
  }
}

/** The recommendation request for an analysis: measurements only when both are in the schema's human ranges. */
export function recommendationInput(analysis: LastAnalysis | null): {
  measurements?: { pupillaryDistanceMm: number; faceWidthMm: number };
  faceShape?: FaceShape;
} {
  if (!analysis) return {};
  const out: ReturnType<typeof recommendationInput> = {};
  const pd = analysis.pupillaryDistanceMm;
  const fw = analysis.faceWidthMm;
  const inRange = FaceMeasurementsSchema.safeParse({ pupillaryDistanceMm: pd, faceWidthMm: fw }).success;
  if (pd !== undefined && fw !== undefined && inRange) {
    out.measurements = { pupillaryDistanceMm: round1(pd), faceWidthMm: round1(fw) };
  }
  if (analysis.faceShape) out.faceShape = analysis.faceShape;
  return out;
}

const round1 = (x: number) => Math.round(x * 10) / 10;

/** How to retake a photo whose figures the server withheld, from its reason code. */
export function retakeAdvice(withheld: Pick<Withheld, "reason" | "exceeded">): MessageKey {
  switch (withheld.reason) {
    case "POSE_TOO_STRONG":
      return withheld.exceeded.some((item) => item === "yaw" || item === "pitch")
        ? "retakeFaceCamera"
        : "retakeLevelHead";
    case "FACE_TOO_SMALL":
      return "retakeCloser";
    case "OUT_OF_HUMAN_RANGE":
      return "retakeLight";
  }
}

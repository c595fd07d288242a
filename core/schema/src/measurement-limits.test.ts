import { describe, expect, it } from "vitest";
import { FaceMeasurementsSchema } from "./face.ts";
import { checkMeasurements, HUMAN_RANGES_MM, POSE_LIMITS_DEG } from "./measurement-limits.ts";

const level = { rollDeg: 2, yawDeg: 1, pitchDeg: 7 };
const adult = { pupillaryDistance: 63, faceWidth: 138, faceLength: 160, jawWidth: 110, foreheadWidth: 120 };

describe("checkMeasurements", () => {
  it("measures a level, frontal face with human figures", () => {
    expect(checkMeasurements({ headPose: level, irisDiameterPx: 8, figuresMm: adult })).toEqual({ status: "measured" });
  });

  it("withholds a turned, tilted or nodding head and names every angle beyond its limit", () => {
    const pose = { rollDeg: 40, yawDeg: -44, pitchDeg: -11 };
    expect(checkMeasurements({ headPose: pose, irisDiameterPx: 8, figuresMm: adult })).toEqual({
      status: "withheld",
      reason: "POSE_TOO_STRONG",
      exceeded: ["roll", "yaw", "pitch"],
    });
    const justInside = {
      rollDeg: -POSE_LIMITS_DEG.roll,
      yawDeg: POSE_LIMITS_DEG.yaw,
      pitchDeg: POSE_LIMITS_DEG.pitch.max,
    };
    expect(checkMeasurements({ headPose: justInside, irisDiameterPx: 8, figuresMm: adult }).status).toBe("measured");
  });

  it("withholds a face whose iris is too few pixels wide, before looking at its figures", () => {
    expect(
      checkMeasurements({ headPose: level, irisDiameterPx: 2.5, figuresMm: { ...adult, pupillaryDistance: 120 } }),
    ).toEqual({ status: "withheld", reason: "FACE_TOO_SMALL", exceeded: ["irisDiameter"] });
  });

  it("withholds figures outside the human ranges, with the adult PD range unless in child mode", () => {
    const figures = { ...adult, pupillaryDistance: 45, faceLength: 497 };
    expect(checkMeasurements({ headPose: level, irisDiameterPx: 8, figuresMm: figures })).toEqual({
      status: "withheld",
      reason: "OUT_OF_HUMAN_RANGE",
      exceeded: ["pupillaryDistance", "faceLength"],
    });
    const child = { ...adult, pupillaryDistance: 45, faceWidth: 112 };
    expect(checkMeasurements({ headPose: level, irisDiameterPx: 8, figuresMm: child, child: true }).status).toBe(
      "measured",
    );
    expect(
      checkMeasurements({ headPose: level, irisDiameterPx: 8, figuresMm: { pupillaryDistance: 86 }, child: true }),
    ).toMatchObject({ reason: "OUT_OF_HUMAN_RANGE" });
  });

  it("treats a figure that is not a number as out of range, never as measured", () => {
    expect(
      checkMeasurements({ headPose: level, irisDiameterPx: 8, figuresMm: { ...adult, faceWidth: Number.NaN } }),
    ).toMatchObject({ status: "withheld", exceeded: ["faceWidth"] });
    expect(
      checkMeasurements({ headPose: { ...level, yawDeg: Number.NaN }, irisDiameterPx: 8, figuresMm: adult }),
    ).toMatchObject({ reason: "POSE_TOO_STRONG" });
  });

  it("accepts in the recommendations API every figure the analysis can report", () => {
    const edge = Object.fromEntries(Object.entries(HUMAN_RANGES_MM).map(([k, r]) => [`${k}Mm`, r.max]));
    expect(FaceMeasurementsSchema.safeParse(edge).success).toBe(true);
  });
});

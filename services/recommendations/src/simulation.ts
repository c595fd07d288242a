import {
  type AnalyticsEvent,
  type EventType,
  estimateFrameWidthMm,
  FACE_SHAPES,
  type FaceMeasurements,
  type FaceShape,
  FRAME_SHAPES,
  type Product,
  RIM_TYPES,
} from "@varai/schema";
import { combinedFit, frameWidthOf } from "./fit.ts";
import { seededRandom } from "./preference-model.ts";
import { DEFAULT_STYLE_RULES, RIM_SLOTS, rimSlot, shapeSlot, styleTable } from "./style-rules.ts";

/**
 * A synthetic shopper population for tests, the offline evaluation and the benchmark.
 *
 * Each shopper has a face (shape, width, PD, length) and hidden tastes. The utility of a frame is
 *   1.5 x fit (mm, fit.ts; 0.5 when the frame's size is unknown)
 * + 1.2 x style (the default face-shape table, style-rules.ts)
 * + idiosyncratic taste: 1.0 if the colour is one of the shopper's two liked colours,
 *   0.8 for the liked brand, 0.5 for the liked material
 * + 0.4 x the frame's own appeal (standard normal, shared by everyone: what popularity sees)
 * + Gumbel noise (scale 0.6) at every choice.
 * Sessions (1 + Poisson(3) per shopper, spread over `days`) show 40 random frames; the shopper
 * views the best 3 by noisy utility, tries on, adds to cart and buys with probabilities rising
 * with utility. So fit + style explain part of the behaviour, the rest is personal taste,
 * product appeal and noise: no single baseline can see all of it.
 */
export interface SimulationOptions {
  tenantId: string;
  products: number;
  shoppers: number;
  days?: number;
  seed?: number;
  start?: Date;
  /** Share of frames without dimensions. Default 0.1. */
  sizeUnknownShare?: number;
  /** Share of shoppers with a stored (consented) face analysis. Default 0.8. */
  consentShare?: number;
}

export interface SimulatedShopper {
  id: string;
  faceShape: FaceShape;
  measurements: FaceMeasurements;
  consented: boolean;
}

export type SimulatedEvent = AnalyticsEvent & { expiresAt: Date };

export interface FaceMeasurementSeed {
  id: string;
  shopperId: string;
  measurements: FaceMeasurements;
  faceShape: { label: FaceShape; scores: Partial<Record<FaceShape, number>> };
  createdAt: string;
  expiresAt: Date;
}

export interface Simulation {
  products: Product[];
  shoppers: SimulatedShopper[];
  /** Oldest first. */
  events: SimulatedEvent[];
  faceAnalyses: FaceMeasurementSeed[];
}

/** Simulated data must outlive the store's TTL sweeps, which run on the real clock. */
const FAR_FUTURE = "2100-01-01T00:00:00Z";
const COLORS = ["black", "tortoise", "gold", "silver", "clear", "navy", "red", "green", "havana", "rose"];
const MATERIALS = ["acetate", "metal", "titanium", "acetate and metal"];
const BRANDS = [
  "Northlight",
  "Atelier Luma",
  "Kestrel",
  "Fjord",
  "Mondo",
  "Parallax",
  "Oakhill",
  "Vela",
  "Sora",
  "Brisk",
];

function normal(random: () => number): number {
  const u = Math.max(random(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}
const gumbel = (random: () => number) => -Math.log(-Math.log(Math.max(random(), 1e-12)));
const pick = <T>(random: () => number, list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
const clamp = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x));
const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

export function simulateProducts(options: SimulationOptions, random = seededRandom(options.seed ?? 1)): Product[] {
  const at = (options.start ?? new Date("2025-01-01T00:00:00Z")).toISOString();
  return Array.from({ length: options.products }, (_, i) => {
    const lens = 46 + Math.floor(random() * 12);
    const bridge = 15 + Math.floor(random() * 8);
    const end = 5 + Math.floor(random() * 3);
    const sized = random() >= (options.sizeUnknownShare ?? 0.1);
    return {
      id: `prd_sim${i}`,
      tenantId: options.tenantId,
      source: { platform: "demo", connectionId: "con_sim", externalId: String(i), externalUpdatedAt: at },
      title: `Frame ${i}`,
      handle: `frame-${i}`,
      brand: pick(random, BRANDS),
      productType: "eyeglasses",
      categories: [],
      tags: [],
      status: "active",
      variants: [
        {
          externalId: `${i}-1`,
          sku: `SKU${i}`,
          price: { amount: `${79 + Math.floor(random() * 221)}.00`, currency: "USD" },
          options: {},
          inventoryQuantity: random() < 0.3 ? null : 1 + Math.floor(random() * 20),
        },
      ],
      images: [],
      frame: {
        shape: pick(random, FRAME_SHAPES),
        rim: pick(random, RIM_TYPES),
        material: pick(random, MATERIALS),
        color: pick(random, COLORS),
        dimensions: sized
          ? {
              frameWidthMm: estimateFrameWidthMm(lens, bridge, end),
              lensWidthMm: lens,
              bridgeWidthMm: bridge,
              templeLengthMm: 135 + 5 * Math.floor(random() * 3),
              lensHeightMm: 30 + Math.floor(random() * 16),
            }
          : {},
      },
      tryOn: { assetStatus: "none" },
      merchandising: { pinned: false, boost: 1 },
      createdAt: at,
      updatedAt: at,
    } satisfies Product;
  });
}

export function simulatePopulation(options: SimulationOptions): Simulation {
  const random = seededRandom(options.seed ?? 1);
  const start = (options.start ?? new Date("2025-01-01T00:00:00Z")).getTime();
  const days = options.days ?? 60;
  const products = simulateProducts(options, random);
  const appeal = products.map(() => 0.4 * normal(random));
  const events: SimulatedEvent[] = [];
  const shoppers: SimulatedShopper[] = [];
  const faceAnalyses: FaceMeasurementSeed[] = [];
  let eventId = 0;

  for (let s = 0; s < options.shoppers; s++) {
    const faceShape = pick(random, FACE_SHAPES);
    const measurements: FaceMeasurements = {
      pupillaryDistanceMm: Math.round(clamp(63 + 3.5 * normal(random), 52, 74) * 2) / 2,
      faceWidthMm: Math.round(clamp(139 + 6 * normal(random), 122, 160)),
      faceLengthMm: Math.round(clamp(188 + 10 * normal(random), 160, 220)),
    };
    const shopper: SimulatedShopper = {
      id: `shp_${s}`,
      faceShape,
      measurements,
      consented: random() < (options.consentShare ?? 0.8),
    };
    shoppers.push(shopper);
    const likedColors = new Set([pick(random, COLORS), pick(random, COLORS)]);
    const likedBrand = pick(random, BRANDS);
    const likedMaterial = pick(random, MATERIALS);
    const styles = styleTable(DEFAULT_STYLE_RULES, { [faceShape]: 1 });
    const utility = products.map((p, i) => {
      const dims = p.frame.dimensions;
      const fit = combinedFit(
        frameWidthOf(dims)?.valueMm ?? Number.NaN,
        dims.lensWidthMm ?? Number.NaN,
        dims.bridgeWidthMm ?? Number.NaN,
        dims.lensHeightMm ?? Number.NaN,
        measurements,
      );
      const style = styles[shapeSlot(p.frame.shape) * RIM_SLOTS + rimSlot(p.frame.rim)] as number;
      const idio =
        (likedColors.has(p.frame.color ?? "") ? 1 : 0) +
        (p.brand === likedBrand ? 0.8 : 0) +
        (p.frame.material === likedMaterial ? 0.5 : 0);
      return 1.5 * (Number.isNaN(fit) ? 0.5 : fit) + 1.2 * style + idio + (appeal[i] as number);
    });
    if (shopper.consented) {
      faceAnalyses.push({
        id: `fa_sim${s}`,
        shopperId: shopper.id,
        measurements,
        faceShape: { label: faceShape, scores: { [faceShape]: 0.8 } },
        createdAt: new Date(start).toISOString(),
        expiresAt: new Date(FAR_FUTURE),
      });
    }

    simulateSessions(
      { shopper, index: s, utility, products, start, days, tenantId: options.tenantId },
      random,
      (event) => events.push({ id: `evt_sim${eventId++}`, ...event }),
    );
  }
  events.sort((a, b) => (a.occurredAt < b.occurredAt ? -1 : a.occurredAt > b.occurredAt ? 1 : 0));
  return { products, shoppers, events, faceAnalyses };
}

/**
 * One shopper's 1 + Poisson(3) sessions: each shows 40 random frames; the shopper views the best
 * 3 by noisy utility, then tries on, adds to cart and buys with probabilities rising with utility.
 */
function simulateSessions(
  run: {
    shopper: SimulatedShopper;
    /** The shopper's number, in session ids. */
    index: number;
    utility: number[];
    products: Product[];
    start: number;
    days: number;
    tenantId: string;
  },
  random: () => number,
  push: (event: Omit<SimulatedEvent, "id">) => void,
): void {
  const { shopper, utility, products } = run;
  let sessions = 1;
  for (let l = Math.exp(-3), p = random(); p > l; p *= random()) sessions++;
  for (let k = 0; k < sessions; k++) {
    const sessionStart = run.start + random() * run.days * 86_400_000;
    const sessionId = `ses_${run.index}_${k}`;
    const shown = Array.from({ length: 40 }, () => Math.floor(random() * products.length));
    const viewed = shown
      .map((i) => ({ i, v: (utility[i] as number) + 0.6 * gumbel(random) }))
      .sort((a, b) => b.v - a.v)
      .slice(0, 3);
    let t = sessionStart;
    const emit = (type: EventType, productIndex: number) => {
      t += 5_000 + random() * 60_000;
      const occurredAt = new Date(t).toISOString();
      push({
        tenantId: run.tenantId,
        type,
        sessionId,
        shopperId: shopper.id,
        productId: (products[productIndex] as Product).id,
        occurredAt,
        properties: {},
        receivedAt: occurredAt,
        deviceClass: "desktop",
        region: null,
        expiresAt: new Date(FAR_FUTURE),
      });
    };
    for (const { i } of viewed) {
      const u = utility[i] as number;
      emit("product_viewed", i);
      if (random() < sigmoid(2.5 * (u - 2.4))) {
        emit("try_on_rendered", i);
        if (random() < sigmoid(2.5 * (u - 2.9))) {
          emit("add_to_cart", i);
          if (random() < 0.5) emit("purchase", i);
        }
      }
    }
  }
}

import { describe, expect, it } from "vitest";
import { createOneEuroFilter, createOneEuroFilterSet } from "./one-euro.ts";

function noisy(n: number, seed = 1): number[] {
  let s = seed;
  return Array.from({ length: n }, () => {
    s = (s * 16807) % 2147483647;
    return 100 + ((s / 2147483647) * 2 - 1) * 4;
  });
}

const std = (xs: number[]) => {
  const m = xs.reduce((a, b) => a + b, 0) / xs.length;
  return Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / xs.length);
};

describe("One Euro filter", () => {
  it("passes the first sample through unchanged", () => {
    expect(createOneEuroFilter().filter(42, 0)).toBe(42);
  });

  it("cuts the jitter of a still signal to a fraction of the raw spread", () => {
    const f = createOneEuroFilter({ minCutoff: 1, beta: 0.001 });
    const raw = noisy(300);
    const out = raw.map((v, i) => f.filter(v, i * 33));
    expect(std(out.slice(30))).toBeLessThan(std(raw.slice(30)) / 2.5);
  });

  it("follows a fast move with little lag when beta is high", () => {
    const slow = createOneEuroFilter({ minCutoff: 1, beta: 0 });
    const fast = createOneEuroFilter({ minCutoff: 1, beta: 0.05 });
    let lastSlow = 0;
    let lastFast = 0;
    for (let i = 0; i <= 10; i++) {
      const v = i === 0 ? 0 : 200; // a step of 200 px
      lastSlow = slow.filter(v, i * 33);
      lastFast = fast.filter(v, i * 33);
    }
    expect(200 - lastFast).toBeLessThan(200 - lastSlow);
    expect(lastFast).toBeGreaterThan(180);
  });

  it("ignores a repeated timestamp instead of dividing by zero", () => {
    const f = createOneEuroFilter();
    f.filter(1, 10);
    const a = f.filter(5, 50);
    expect(f.filter(999, 50)).toBe(a);
  });

  it("filters named channels independently", () => {
    const set = createOneEuroFilterSet(["x", "y"] as const);
    set.filter({ x: 0, y: 100 }, 0);
    const out = set.filter({ x: 10, y: 100 }, 33);
    expect(out.y).toBe(100);
    expect(out.x).toBeGreaterThan(0);
    expect(out.x).toBeLessThan(10);
  });
});

import { describe, expect, it } from "vitest";
import { formatNumber, numberStyle, typographic } from "../../lib/display/numbers.js";
import { niceTicks, logTicks } from "../../lib/display/ticks.js";
import { axisItems } from "../../lib/display/summarise.js";

describe("numberStyle: one style per tensor", () => {
  it.each([
    { values: [1, 2, -3], notation: "fixed", decimals: 0 },
    { values: [0.5, 0.25, 1], notation: "fixed", decimals: 2 },
    { values: [1 / 3, 2], notation: "fixed", decimals: 4 },
    { values: [100.5, 2], notation: "fixed", decimals: 1 },
    { values: [1.5e-6, 1], notation: "scientific", decimals: 1 },
    { values: [2.5e7, 1], notation: "scientific", decimals: 1 },
    { values: [NaN, Infinity, 0.5], notation: "fixed", decimals: 1 },
    { values: [], notation: "fixed", decimals: 0 },
  ])("$values → $notation with $decimals decimals", ({ values, notation, decimals }) => {
    expect(numberStyle(values)).toEqual({ notation, decimals });
  });

  it("never rounds a shown value by more than half a unit in the last decimal", () => {
    const values = [0.123456, -7.5, 3.14159, 2e-3];
    const style = numberStyle(values, 4);
    for (const v of values) {
      expect(Math.abs(Number(formatNumber(v, style)) - v)).toBeLessThanOrEqual(
        0.5 * 10 ** -style.decimals + 1e-12,
      );
    }
  });

  it("honours a lower precision", () => {
    expect(numberStyle([Math.PI], 2)).toEqual({ notation: "fixed", decimals: 2 });
    expect(formatNumber(Math.PI, numberStyle([Math.PI], 2))).toBe("3.14");
  });
});

describe("formatNumber and typographic", () => {
  it.each([
    [-0.5, { notation: "fixed", decimals: 2 }, "-0.50", "−0.50"],
    [-0.0001, { notation: "fixed", decimals: 2 }, "0.00", "0.00"],
    [-0, { notation: "fixed", decimals: 0 }, "0", "0"],
    [1234567, { notation: "scientific", decimals: 3 }, "1.235e+06", "1.235e+06"],
    [-2.5e-7, { notation: "scientific", decimals: 1 }, "-2.5e-07", "−2.5e−07"],
    [NaN, { notation: "fixed", decimals: 2 }, "nan", "nan"],
    [Infinity, { notation: "fixed", decimals: 2 }, "inf", "∞"],
    [-Infinity, { notation: "fixed", decimals: 2 }, "-inf", "−∞"],
  ] as const)("%s → %s / %s", (v, style, ascii, pretty) => {
    expect(formatNumber(v, style)).toBe(ascii);
    expect(typographic(formatNumber(v, style))).toBe(pretty);
  });

  it("scientific text parses back to the value within the precision", () => {
    const style = numberStyle([6.02214076e23, 1.6e-19], 4);
    expect(style.notation).toBe("scientific");
    for (const v of [6.02214076e23, 1.6e-19]) {
      expect(Number(formatNumber(v, style)) / v).toBeCloseTo(1, 4);
    }
  });
});

describe("ticks", () => {
  it.each([
    [0, 1, 5],
    [-3, 3, 5],
    [0.013, 0.087, 5],
    [-1234, 98765, 6],
  ])("niceTicks(%s, %s) are round, inside the range and evenly spaced", (lo, hi, n) => {
    const t = niceTicks(lo, hi, n);
    expect(t.length).toBeGreaterThanOrEqual(2);
    expect(t.length).toBeLessThanOrEqual(2 * n + 1);
    for (const v of t) {
      expect(v).toBeGreaterThanOrEqual(lo - 1e-12);
      expect(v).toBeLessThanOrEqual(hi + 1e-12);
    }
    const step = t[1]! - t[0]!;
    const mantissa = step / 10 ** Math.floor(Math.log10(step));
    expect([1, 2, 2.5, 5, 10].some((f) => Math.abs(f - mantissa) < 1e-9)).toBe(true);
    t.forEach((v, k) => expect(v).toBeCloseTo(t[0]! + k * step, 9));
  });

  it("a symmetric range has 0 as a tick (the centre of a diverging colour bar)", () => {
    expect(niceTicks(-2.7, 2.7)).toContain(0);
  });

  it("log ticks are powers of ten inside the range", () => {
    expect(logTicks(0.003, 20)).toEqual([0.01, 0.1, 1, 10]);
  });
});

describe("axisItems (summarisation)", () => {
  it.each([
    [5, 6, 3, [0, 1, 2, 3, 4]],
    [10, 6, 2, [0, 1, null, 8, 9]],
    [1000, 6, 3, [0, 1, 2, null, 997, 998, 999]],
  ])("length %s, max %s, edge %s", (n, max, edge, expected) => {
    expect(axisItems(n, max, edge)).toEqual(expected);
  });
});

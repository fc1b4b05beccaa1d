import { describe, expect, it } from "vitest";
import { lossSvg } from "./lossSvg.js";

describe("lossSvg", () => {
  const svg = lossSvg([
    { title: "moons", series: [{ name: "train", values: [0.8, 0.4, 0.2], colour: "#00f" }, { name: "test", values: [0.9, 0.5, 0.3], colour: "#f00", dashed: true }] },
    { title: "a < b", series: [{ name: "train", values: [2, 1], colour: "#00f" }] },
  ]);

  it("draws one panel per task side by side, one polyline per series", () => {
    expect(svg.startsWith(`<svg xmlns="http://www.w3.org/2000/svg" width="640" height="220"`)).toBe(true);
    expect(svg.match(/<polyline /g)).toHaveLength(3);
    expect(svg.match(/stroke-dasharray/g)).toHaveLength(2); // the dashed line and its legend key
    expect(svg).toContain("a &lt; b");
  });

  it("scales each panel from 0 at the bottom to its largest value at the top", () => {
    const first = /<polyline points="([^"]+)"/.exec(svg)![1]!.split(" ").map((p) => p.split(",").map(Number));
    expect(first.map(([x]) => x)).toEqual([52, 180, 308]); // epochs 1..3 across the plot's width
    const test = [...svg.matchAll(/<polyline points="([^"]+)"/g)][1]![1]!.split(" ").map((p) => p.split(",").map(Number));
    expect(test[0]![1]).toBe(30); // 0.9, the panel's largest value, at the top edge
    expect(first[2]![1]).toBeCloseTo(30 + 154 - (0.2 / 0.9) * 154, 1);
  });
});

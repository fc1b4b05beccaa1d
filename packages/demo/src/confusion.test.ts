import { tensor } from "@tapegrad/core";
import { describe, expect, it } from "vitest";
import { confusion, formatConfusion } from "./confusion.js";

describe("confusion", () => {
  it("counts true class down, predicted class (largest score) across", () => {
    const scores = tensor([[5, 1, 0], [0, 2, 9], [0, 3, 1], [1, 0, 0], [0, 0, 4]]);
    const m = confusion(scores, tensor([0, 1, 1, 2, 2]));
    expect(m).toEqual([[1, 0, 0], [0, 1, 1], [1, 0, 1]]);
    expect(m.flat().reduce((s, v) => s + v, 0)).toBe(5);
  });

  it("formats rows under a header of the predicted classes", () => {
    expect(formatConfusion([[12, 0], [3, 7]], ["a", "b"]).split("\n")).toEqual([
      "true \\ predicted   a   b",
      "a                 12   0",
      "b                  3   7",
    ]);
  });
});

import { describe, expect, it } from "vitest";
import { Rng, tensor, zeros } from "@tapegrad/core";
import { PNG } from "pngjs";
import { shiftedCopies } from "./augment.js";
import { parseFlags } from "./flags.js";
import { drawHeatmaps } from "./heatmaps.js";
import { DigitsAttention, DigitsCnn, DigitsLstm } from "./nnModels.js";
import { nnTask } from "./nnTasks.js";

const quiet = { write: () => undefined };

describe("the digits tasks beyond the MLP", () => {
  it("--task picks one; mlp (the lecture's tasks) is the default", () => {
    expect(parseFlags([]).task).toBe("mlp");
    expect(parseFlags(["--task", "digits-lstm"]).task).toBe("digits-lstm");
    expect(() => parseFlags(["--task", "mnist"])).toThrow(/--task must be one of mlp, digits-cnn, digits-lstm, digits-attention/);
  });

  it("each model maps [batch, 64] images to [batch, 10] logits", () => {
    for (const model of [new DigitsCnn(new Rng(0)), new DigitsLstm(new Rng(0)), new DigitsAttention(new Rng(0))]) {
      expect(model.forward(zeros([3, 64])).shape).toEqual([3, 10]);
    }
  });

  it("shiftedCopies adds the four one-pixel shifts, blank where the picture moved away", () => {
    const x = tensor([Array.from({ length: 64 }, (_, i) => (i === 9 ? 1 : 0))]); // one lit pixel at row 1, column 1
    const { x: out, y } = shiftedCopies(x, tensor([7]));
    expect(out.shape).toEqual([5, 64]);
    expect(Array.from(y.data)).toEqual([7, 7, 7, 7, 7]);
    const lit = (k: number): number => Array.from(out.data.subarray(64 * k, 64 * k + 64)).indexOf(1);
    expect([0, 1, 2, 3, 4].map(lit)).toEqual([9, 17, 1, 10, 8]); // as is, shifted from above (down), from below (up), right, left
  });

  it("drawHeatmaps lays maps out in columns as wide as their widest map", () => {
    const png = PNG.sync.read(drawHeatmaps([{ rows: 2, cols: 2, values: [0, 1, 2, 3] }, { rows: 2, cols: 5, values: Array(10).fill(-1) }], { perRow: 2, cell: 4, margin: 2, scheme: "diverging" }));
    expect([png.width, png.height]).toEqual([2 + 8 + 2 + 20 + 2, 2 + 8 + 2]);
  });

  it("a one-epoch digits-cnn run reports a test accuracy and draws the 16 filters", () => {
    const result = nnTask("digits-cnn", parseFlags(["--task", "digits-cnn", "--epochs", "1"]), quiet);
    expect(result.metric.value).toBeGreaterThan(0.8);
    expect(result.pictures!.map((p) => p.name)).toEqual(["filters-digits-cnn.png"]);
  }, 120_000);
});

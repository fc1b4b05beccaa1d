import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { noGrad, tensor } from "@tapegrad/core";
import { decodeSafetensors, encodeSafetensors, Linear, load } from "../src/index.js";

// Written by fixtures/make_linear.py with PyTorch (torch.nn.Linear(4, 3), its default initialisation).
const vectorPath = new URL("./fixtures/linear.safetensors", import.meta.url);
const bytes = new Uint8Array(readFileSync(vectorPath));
const expected = JSON.parse(readFileSync(new URL("./fixtures/linear_expected.json", import.meta.url), "utf8")) as {
  weight: number[][];
  bias: number[];
  input: number[][];
  output: number[][];
};

describe("the PyTorch-written test vector", () => {
  it("decodes to PyTorch's weight [3, 4] and bias [3], bit for bit", () => {
    const { weight, bias } = decodeSafetensors(bytes);
    expect(weight!.shape).toEqual([3, 4]);
    expect(weight!.dtype).toBe("float32");
    expect(weight!.toArray()).toEqual(expected.weight);
    expect(bias!.toArray()).toEqual(expected.bias);
  });

  it("a Linear loaded from it produces PyTorch's outputs", async () => {
    const layer = await load(new Linear(4, 3), fileURLToPath(vectorPath));
    const out = noGrad(() => layer.forward(tensor(expected.input)));
    expect(out.shape).toEqual([5, 3]);
    // float32 sums of 4 products may round differently from PyTorch's order: allow a few float32 ulps.
    (out.toArray() as number[][]).flat().forEach((v, i) => {
      const want = expected.output.flat()[i]!;
      expect(Math.abs(v - want)).toBeLessThanOrEqual(4 * 2 ** -23 * Math.max(1, Math.abs(want)));
    });
  });

  it("re-encoding what was decoded gives PyTorch's file byte for byte", () => {
    expect(encodeSafetensors(decodeSafetensors(bytes), { format: "pt" })).toEqual(bytes);
  });
});

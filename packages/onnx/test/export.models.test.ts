import { Rng, randn, type Tensor } from "@tapegrad/core";
import { mlp } from "@tapegrad/nn";
import { describe, expect, it } from "vitest";
import { DigitsAttention, DigitsCnn, DigitsLstm } from "../../demo/src/nnModels.js";
import { exportOnnx } from "../src/index.js";
import { expectClose, runOrt } from "./ort.js";

const rng = new Rng(19);
const images = (batch: number, features: number): Tensor => randn([batch, features], { rng });

describe("exported models in ONNX Runtime", () => {
  it("runs the lecture's MLP 784-256-128-10 as tapegrad does, at the traced batch and another", async () => {
    const net = mlp([784, 256, 128, 10], { rng });
    const bytes = exportOnnx(net, [images(4, 784)], { dynamicAxes: { 0: [0] } });
    for (const batch of [4, 7]) {
      const x = images(batch, 784);
      const [out] = await runOrt(bytes, [x]);
      expectClose(out!, net.forward(x));
    }
    expect(bytes.length).toBeGreaterThan(4 * 235_000);
  });

  it.each([
    ["the demo CNN", () => new DigitsCnn(rng)],
    ["the demo LSTM", () => new DigitsLstm(rng)],
    ["the demo attention model", () => new DigitsAttention(rng)],
  ])("runs %s as tapegrad does, at the traced batch and another", async (_, make) => {
    const net = make();
    const bytes = exportOnnx(net, [images(3, 64)], { dynamicAxes: { 0: [0] } });
    for (const batch of [3, 5]) {
      const x = images(batch, 64);
      const [out] = await runOrt(bytes, [x]);
      expectClose(out!, net.forward(x));
    }
  });
});

import { Rng, randn, tensor, type Tensor } from "@tapegrad/core";
import {
  AvgPool2d, BatchNorm1d, BatchNorm2d, Conv2d, Dropout, Embedding, Flatten, GELU, GRU, LayerNorm, LeakyReLU, Linear, Module, RNN, Sequential, SiLU, Softmax, Softplus, Tanh,
} from "@tapegrad/nn";
import { describe, expect, it } from "vitest";
import { exportOnnx } from "../src/index.js";
import { testModels } from "./models.js";
import { expectClose, runOrt } from "./ort.js";

describe("exported models in ONNX Runtime", () => {
  it.each(testModels)("runs $name as tapegrad does, at the traced batch size and at another", async ({ make, features }) => {
    const rng = new Rng(19);
    const net = make(rng);
    const bytes = exportOnnx(net, [randn([3, features], { rng })], { dynamicAxes: { 0: [0] } });
    for (const batch of [3, 8]) {
      const x = randn([batch, features], { rng });
      const [out] = await runOrt(bytes, [x]);
      expect(out!.shape).toEqual([batch, 10]);
      expectClose(out!, net.forward(x));
    }
  });

  it("without dynamicAxes, fixes the batch size (ONNX Runtime refuses another)", async () => {
    const rng = new Rng(1);
    const net = testModels[0]!.make(rng);
    const bytes = exportOnnx(net, [randn([2, 784], { rng })]);
    await expect(runOrt(bytes, [randn([3, 784], { rng })])).rejects.toThrow(/dimension|shape/i);
  });

  it.each([17, 18, 19, 20, 21])("writes opset %i, which ONNX Runtime runs (ReduceMax takes its axes as an input from 18)", async (opset) => {
    const rng = new Rng(opset);
    const net = testModels[3]!.make(rng); // attention: softmax's max, layer norms, matmuls
    const bytes = exportOnnx(net, [randn([2, 64], { rng })], { opset, dynamicAxes: { 0: [0] } });
    const x = randn([4, 64], { rng });
    expectClose((await runOrt(bytes, [x]))[0]!, net.forward(x));
  });

  it("runs the other nn layers in eval mode (batch norm's running statistics, dropout off, smooth activations)", async () => {
    const rng = new Rng(5);
    const net = new Sequential(
      new Conv2d(2, 4, 3, { padding: "same", rng }), new BatchNorm2d(4), new LeakyReLU(0.1), new AvgPool2d(2, { padding: 1 }), new Flatten(),
      new Dropout(0.5), new Linear(4 * 3 * 3, 6, { rng }), new GELU(), new BatchNorm1d(6), new SiLU(), new LayerNorm(6), new Softplus(), new Linear(6, 5, { rng }), new Tanh(), new Softmax(-1),
    );
    // Running statistics that are not the initial zeros and ones, from a few batches in train mode.
    for (let i = 0; i < 3; i++) net.forward(randn([4, 2, 5, 5], { rng }));
    net.eval();
    const bytes = exportOnnx(net, [randn([2, 2, 5, 5], { rng })], { dynamicAxes: { 0: [0] } });
    const x = randn([3, 2, 5, 5], { rng });
    expectClose((await runOrt(bytes, [x]))[0]!, net.forward(x));
  });

  it("runs a GRU and an RNN over an embedded sequence of ids (int32 input)", async () => {
    const rng = new Rng(6);
    class Tagger extends Module<[Tensor], Tensor> {
      readonly embed = new Embedding(11, 5, { rng });
      readonly gru = new GRU(5, 6, { batchFirst: true, numLayers: 2, rng });
      readonly rnn = new RNN(6, 4, { batchFirst: true, rng });
      forward(ids: Tensor): Tensor {
        const [h] = this.gru.forward(this.embed.forward(ids));
        return this.rnn.forward(h)[0];
      }
    }
    const net = new Tagger();
    const ids = (batch: number): Tensor => tensor(Array.from({ length: batch * 7 }, () => rng.int(11)), { dtype: "int32" }).reshape([batch, 7]);
    const bytes = exportOnnx(net, [ids(2)], { dynamicAxes: { 0: [0] }, names: { inputs: ["ids"], outputs: ["states"] } });
    const x = ids(5);
    expectClose((await runOrt(bytes, [x]))[0]!, net.forward(x));
  });
});

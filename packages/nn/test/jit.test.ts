import { describe, expect, it } from "vitest";
import { jit, noGrad, randn, Rng, softmaxCrossEntropy, tensor, type Tensor } from "@tapegrad/core";
import { BatchNorm2d, clipGradNorm, Conv2d, crossEntropy, Dropout, Embedding, Linear, LSTM, Module, Sequential } from "@tapegrad/nn";
import { SGD } from "@tapegrad/optim";

/**
 * The layers whose forward does more than apply ops, under jit: BatchNorm's running statistics (an
 * in-place update), Dropout's draws (replayed from its generator), Embedding's and crossEntropy's checks
 * of their integer inputs (run on the traced call), an LSTM's unrolled steps. Each is trained for a few
 * steps eagerly and under jit from the same seed; everything, buffers included, must agree bit for bit.
 */

const state = (m: Module): Record<string, number[]> => Object.fromEntries(Object.entries(m.stateDict()).map(([k, v]) => [k, Array.from(v.data)]));

function agree(make: () => { model: Module; loss: (out: Tensor) => Tensor; input: Tensor }, steps = 4): void {
  const runs = [false, true].map((useJit) => {
    const { model, loss, input } = make();
    const opt = new SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
    const body = (x: Tensor): Tensor => {
      opt.zeroGrad();
      const l = loss(model.forward(x) as Tensor);
      l.backward();
      opt.step();
      return l;
    };
    const step = useJit ? jit(body) : body;
    const losses = Array.from({ length: steps }, () => Array.from(step(input).data));
    return { losses, state: state(model) };
  });
  expect(runs[1]!.losses).toEqual(runs[0]!.losses);
  expect(runs[1]!.state).toEqual(runs[0]!.state);
}

class Net extends Module {
  constructor(readonly body: Module, readonly head: Module | null = null) {
    super();
  }
  forward(x: Tensor): Tensor {
    const h = this.body.forward(x) as Tensor;
    return this.head === null ? h : (this.head.forward(h) as Tensor);
  }
}

describe("nn layers under jit", () => {
  it("BatchNorm2d in train mode moves its running statistics as eager does", () => {
    agree(() => {
      const rng = new Rng(1);
      const model = new Sequential(new Conv2d(2, 3, 3, { rng }), new BatchNorm2d(3));
      return { model, loss: (out) => out.square().mean(), input: randn([4, 2, 5, 5], { rng }) };
    });
  });

  it("Dropout draws the masks eager draws, from its generator", () => {
    agree(() => {
      const rng = new Rng(2);
      const model = new Sequential(new Linear(6, 5, { rng }), new Dropout(0.5, { rng: new Rng(9) }));
      return { model, loss: (out) => out.square().sum(), input: randn([3, 6], { rng }) };
    });
  });

  it("Embedding and crossEntropy check their integer inputs on the traced call", () => {
    agree(() => {
      const rng = new Rng(3);
      const model = new Sequential(new Embedding(7, 5, { rng }), new Linear(5, 7, { rng }));
      const labels = tensor([1, 2, 3], { dtype: "int32" });
      return { model, loss: (out) => crossEntropy(out.softmax(-1), labels), input: tensor([0, 4, 6], { dtype: "int32" }) };
    });
  });

  it("an LSTM's unrolled steps", () => {
    agree(() => {
      const rng = new Rng(4);
      const lstm = new LSTM(3, 4, { rng });
      const model = new Net(
        new (class extends Module {
          readonly lstm = lstm;
          forward(x: Tensor): Tensor {
            return this.lstm.forward(x)[0];
          }
        })(),
      );
      return { model, loss: (out) => softmaxCrossEntropy(out.reshape([-1, 4]), tensor([0, 1, 2, 3, 0, 1], { dtype: "int32" })), input: randn([3, 2, 3], { rng }) };
    });
  });

  it("clipGradNorm clips each call's own gradients and returns each call's norm, as eager does", () => {
    const runs = [false, true].map((useJit) => {
      const rng = new Rng(5);
      const model = new Sequential(new Linear(4, 8, { rng }), new Linear(8, 3, { rng }));
      const opt = new SGD(model.parameters(), { lr: 0.5 });
      const input = randn([6, 4], { rng });
      const body = (x: Tensor): Tensor => {
        opt.zeroGrad();
        model.forward(x).square().sum().backward();
        const norm = clipGradNorm([...model.parameters()], 0.5);
        opt.step();
        return norm;
      };
      const step = useJit ? jit(body) : body;
      const norms = Array.from({ length: 4 }, () => step(input));
      return { norms: norms.map((n) => n.item()), state: state(model) };
    });
    expect(runs[1]!.norms).toEqual(runs[0]!.norms);
    expect(new Set(runs[1]!.norms).size).toBe(4); // a norm per call, not one tensor overwritten
    expect(runs[0]!.norms.every((n) => n > 0.5)).toBe(true); // so every step was clipped
    expect(runs[1]!.state).toEqual(runs[0]!.state);
  });

  it("an inference forward under noGrad runs as a program", () => {
    const rng = new Rng(5);
    const model = new Linear(4, 2, { rng });
    const infer = jit((x: Tensor) => noGrad(() => model.forward(x).relu()));
    const x = randn([3, 4], { rng });
    infer(x);
    expect(Array.from(infer(x).data)).toEqual(Array.from(noGrad(() => model.forward(x).relu()).data));
    expect(infer.traces).toBe(1);
  });

  it("sees what eager code changes between calls: a new learning rate, a loaded state dict", () => {
    const runs = [false, true].map((useJit) => {
      const rng = new Rng(6);
      const model = new Linear(3, 2, { rng });
      const opt = new SGD(model.parameters(), { lr: 0.1 });
      const x = randn([4, 3], { rng });
      const body = (input: Tensor): Tensor => {
        opt.zeroGrad();
        const loss = model.forward(input).square().mean();
        loss.backward();
        opt.step();
        return loss;
      };
      const step = useJit ? jit(body) : body;
      const saved = model.stateDict();
      const copy = Object.fromEntries(Object.entries(saved).map(([k, v]) => [k, tensor(Float32Array.from(v.data), { shape: v.shape })]));
      step(x);
      step(x);
      opt.lr = 0.5;
      step(x);
      model.loadStateDict(copy);
      const last = Array.from(step(x).data);
      return { last, state: state(model), grad: Array.from(model.weight.grad!.data) };
    });
    expect(runs[1]).toEqual(runs[0]);
  });
});

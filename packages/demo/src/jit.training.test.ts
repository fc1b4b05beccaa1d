import { describe, expect, it } from "vitest";
import { jit, randn, Rng, softmaxCrossEntropy, tensor, type ProgramSummary, type Tensor } from "@tapegrad/core";
import { mlp, type Module } from "@tapegrad/nn";
import { Adam } from "@tapegrad/optim";
import { DigitsAttention, DigitsCnn, DigitsLstm } from "./nnModels.js";

/**
 * Training under jit against eager training: the compiled step runs the same kernels in the same order
 * on the same state, so the weights must agree bit for bit, after 1,000 steps and across a state dict
 * saved mid-run and loaded into a fresh model and optimizer under the other mode.
 */

interface Run {
  readonly model: Module;
  readonly opt: Adam;
  readonly step: (x: Tensor, y: Tensor) => Tensor;
}

function setup(makeModel: () => Module, useJit: boolean): Run {
  const model = makeModel();
  const opt = new Adam(model.parameters(), { lr: 1e-3 });
  const body = (x: Tensor, y: Tensor): Tensor => {
    opt.zeroGrad();
    const loss = softmaxCrossEntropy(model.forward(x) as Tensor, y);
    loss.backward();
    opt.step();
    return loss;
  };
  return { model, opt, step: useJit ? jit(body) : body };
}

/** A few fixed batches, cycled: the point is the arithmetic, not the data. */
function batches(inputs: number, size: number): { x: Tensor; y: Tensor }[] {
  const rng = new Rng(11);
  return [0, 1, 2].map((b) => ({
    x: randn([size, inputs], { rng }),
    y: tensor(Array.from({ length: size }, (_, i) => (i * 7 + b) % 10), { dtype: "int32" }),
  }));
}

function train(run: Run, data: { x: Tensor; y: Tensor }[], from: number, to: number): number[] {
  const losses: number[] = [];
  for (let i = from; i < to; i++) losses.push(run.step(data[i % data.length]!.x, data[i % data.length]!.y).item());
  return losses;
}

const weights = (m: Module): number[][] => [...m.parameters()].map((p) => Array.from(p.data));

/** Eager and jit runs of 1,000 steps, and the runs that switch mode through a state dict at step 500. */
function checkAgreement(makeModel: () => Module, inputs: number, batch: number): void {
  const data = batches(inputs, batch);
  const eager = setup(makeModel, false);
  const compiled = setup(makeModel, true);
  const eagerLosses = train(eager, data, 0, 1000);
  expect(train(compiled, data, 0, 1000)).toEqual(eagerLosses);
  expect(weights(compiled.model)).toEqual(weights(eager.model));
  expect(eagerLosses[999]!).toBeLessThan(eagerLosses[0]!); // it trained

  for (const [first, second] of [[false, true], [true, false]] as const) {
    const before = setup(makeModel, first);
    train(before, data, 0, 500);
    const after = setup(makeModel, second);
    after.model.loadStateDict(before.model.stateDict());
    after.opt.loadStateDict(JSON.parse(JSON.stringify(before.opt.stateDict())));
    train(after, data, 500, 1000);
    expect(weights(after.model)).toEqual(weights(eager.model));
  }
}

describe("training under jit", () => {
  it("the lecture's network (784-256-128-10, ReLU, softmax cross-entropy, Adam) reaches eager's weights after 1,000 steps, bit for bit", () => {
    checkAgreement(() => mlp([784, 256, 128, 10], { rng: new Rng(5) }), 784, 2);
  }, 240_000);

  it("the lecture's step runs its bias adds with their ReLUs, and the ReLU masks, as WebAssembly SIMD loops", () => {
    const model = mlp([784, 256, 128, 10], { rng: new Rng(5) });
    const opt = new Adam(model.parameters(), { lr: 1e-3 });
    let summary: ProgramSummary | undefined;
    const step = jit(
      (x: Tensor, y: Tensor) => {
        opt.zeroGrad();
        const loss = softmaxCrossEntropy(model.forward(x) as Tensor, y);
        loss.backward();
        opt.step();
        return loss;
      },
      { onTrace: ({ program }) => (summary = program) },
    );
    const { x, y } = batches(784, 128)[0]!;
    step(x, y);
    // Two hidden layers: each bias add + ReLU is one loop of two ops, and each ReLU mask a loop of its own.
    expect(summary!.fusedNodes - summary!.fusedLoops).toBeGreaterThanOrEqual(2);
    expect(summary!.simdLoops).toBeGreaterThanOrEqual(4);
  });

  it("the demo's CNN reaches eager's weights after 1,000 steps, bit for bit", () => {
    checkAgreement(() => new DigitsCnn(new Rng(5)), 64, 2);
  }, 240_000);

  it("the demo's LSTM and attention models train under jit as eagerly, bit for bit", () => {
    for (const make of [() => new DigitsLstm(new Rng(5)), () => new DigitsAttention(new Rng(5))]) {
      const data = batches(64, 3);
      const eager = setup(make, false);
      const compiled = setup(make, true);
      expect(train(compiled, data, 0, 6)).toEqual(train(eager, data, 0, 6));
      expect(weights(compiled.model)).toEqual(weights(eager.model));
    }
  }, 120_000);
});

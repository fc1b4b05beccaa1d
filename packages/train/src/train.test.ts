import { Rng, softmaxCrossEntropy, tensor, ValueError } from "@tapegrad/core";
import { describe, expect, it } from "vitest";
import { mlp, moons } from "../../optim/test/problems.js";
import { Adam, Scheduler, SGD } from "@tapegrad/optim";
import { accuracy, evaluate, train, trainSteps, type BatchEnd, type EpochEnd, type Trainable } from "./train.js";

const data = moons(60, 0.1, new Rng(0)); // 120 points

/** The lecture's network from the test problems, as a `Trainable`, counting train()/eval() calls. */
function network(seed: number): Trainable & { modes: string[] } {
  const net = mlp(8, new Rng(seed));
  const modes: string[] = [];
  return { modes, forward: net.forward, parameters: () => net.params, train: () => modes.push("train"), eval: () => modes.push("eval") };
}

function run(seed: number, epochs: number, extra: { onBatchEnd?: (b: BatchEnd) => void | "stop"; onEpochEnd?: (e: EpochEnd) => void | "stop" } = {}) {
  const model = network(seed);
  const history = train(model, data, {
    loss: softmaxCrossEntropy, optimizer: new Adam(model.parameters(), { lr: 0.02 }), epochs, batchSize: 16, seed: 3,
    validation: { data, metrics: { accuracy } }, callbacks: extra,
  });
  return { model, history };
}

describe("train", () => {
  it("lowers the loss of the lecture's network on two moons and records validation scores per epoch", () => {
    const { history } = run(1, 30);
    expect(history.loss).toHaveLength(30);
    expect(history.loss[29]!).toBeLessThan(history.loss[0]! / 4);
    expect(history.validation.loss).toHaveLength(30);
    expect(history.validation.accuracy![29]!).toBeGreaterThan(0.95);
    expect(history.validation.accuracy![0]!).toBeLessThan(history.validation.accuracy![29]!);
  });

  it("calls onBatchEnd once per batch and onEpochEnd once per epoch, with positions and losses that add up", () => {
    const batches: BatchEnd[] = [];
    const epochs: EpochEnd[] = [];
    const { history } = run(1, 3, { onBatchEnd: (b) => void batches.push(b), onEpochEnd: (e) => void epochs.push(e) });
    expect(batches).toHaveLength(3 * Math.ceil(120 / 16));
    expect(batches.map((b) => b.step)).toEqual(batches.map((_, i) => i + 1));
    expect(batches.slice(0, 8).map((b) => b.batch)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(batches[7]!.size).toBe(120 - 7 * 16);
    expect(epochs.map((e) => [e.epoch, e.epochs])).toEqual([[1, 3], [2, 3], [3, 3]]);
    const firstEpoch = batches.filter((b) => b.epoch === 1).reduce((s, b) => s + b.loss * b.size, 0) / 120;
    expect(epochs[0]!.loss).toBeCloseTo(firstEpoch, 6);
    expect(history.loss).toEqual(epochs.map((e) => e.loss));
    expect(epochs[2]!.validation.accuracy).toBe(history.validation.accuracy![2]);
  });

  it("is deterministic: one seed gives the same history and weights; another batch seed differs", () => {
    const a = run(1, 4);
    const b = run(1, 4);
    expect(b.history).toEqual(a.history);
    expect(b.model.parameters().map((p) => p.toArray())).toEqual(a.model.parameters().map((p) => p.toArray()));
    const model = network(1);
    const other = train(model, data, { loss: softmaxCrossEntropy, optimizer: new Adam(model.parameters(), { lr: 0.02 }), epochs: 4, batchSize: 16, seed: 4 });
    expect(other.loss).not.toEqual(a.history.loss);
  });

  it("stops when a callback returns \"stop\", and leaves the model in eval mode", () => {
    const { model, history } = run(1, 10, { onEpochEnd: (e) => (e.epoch === 2 ? "stop" : undefined) });
    expect(history.loss).toHaveLength(2);
    expect(model.modes.at(-1)).toBe("eval");
    expect(model.modes.filter((m) => m === "train")).toHaveLength(2);
    const seen: BatchEnd[] = [];
    const partial = run(1, 10, { onBatchEnd: (b) => (seen.push(b), b.step === 3 ? "stop" : undefined) });
    expect(partial.history.loss).toHaveLength(1);
    expect(partial.history.loss[0]).toBeCloseTo(seen.reduce((s, b) => s + b.loss, 0) / 3, 6); // the mean of the 3 batches trained on
  });

  it("steps the scheduler after every optimizer step", () => {
    const model = network(2);
    const opt = new SGD(model.parameters(), { lr: 1 });
    const seen: number[] = [];
    const sched = new Scheduler(opt, (k) => 1 / k);
    train(model, data, {
      loss: softmaxCrossEntropy, optimizer: opt, epochs: 1, batchSize: 40, scheduler: sched,
      callbacks: { onBatchEnd: () => void seen.push(opt.lr) },
    });
    expect(seen).toEqual([1 / 2, 1 / 3, 1 / 4]);
    expect(sched.k).toBe(4);
  });

  it("trainSteps yields once per batch and returns the same history as train", () => {
    const model = network(1);
    const steps = trainSteps(model, data, { loss: softmaxCrossEntropy, optimizer: new SGD(model.parameters(), { lr: 0.1 }), epochs: 2, batchSize: 60 });
    const yielded: number[] = [];
    let r = steps.next();
    while (r.done !== true) {
      yielded.push(r.value.step);
      r = steps.next();
    }
    expect(yielded).toEqual([1, 2, 3, 4]);
    const again = network(1);
    expect(train(again, data, { loss: softmaxCrossEntropy, optimizer: new SGD(again.parameters(), { lr: 0.1 }), epochs: 2, batchSize: 60 }).loss).toEqual(r.value.loss);
  });

  it("names the bad option and its value", () => {
    const model = network(1);
    const optimizer = new SGD(model.parameters(), { lr: 0.1 });
    const bad = (o: object) => () => trainSteps(model, data, { loss: softmaxCrossEntropy, optimizer, epochs: 1, ...o }).next();
    expect(bad({ epochs: 0 })).toThrow(ValueError);
    expect(bad({ epochs: 1.5 })).toThrow("option epochs must be an integer >= 1 (got 1.5)");
    expect(bad({ batchSize: -2 })).toThrow("option batchSize must be an integer >= 1 (got -2)");
  });
});

describe("evaluate and accuracy", () => {
  it("scores predictions by argmax against class indices", () => {
    expect(accuracy(tensor([[0.1, 0.9], [0.8, 0.2], [0, 5]]), tensor([1, 1, 1]))).toBeCloseTo(2 / 3, 12);
    expect(() => accuracy(tensor([0.1, 0.9]), tensor([1]))).toThrow(ValueError);
  });

  it("computes each named score on the model's output without taping", () => {
    const model: Trainable = { forward: (x) => x.mul(2), parameters: () => [] };
    const scores = evaluate(model, { x: tensor([[1, 0], [0, 1]], { requiresGrad: true }), y: tensor([0, 0]) }, {
      accuracy,
      tracked: (p) => Number(p.requiresGrad),
      total: (p) => p.sum(),
    });
    expect(scores).toEqual({ accuracy: 0.5, tracked: 0, total: 4 });
  });
});

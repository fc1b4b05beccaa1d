import { Rng, softmaxCrossEntropy, type Tensor } from "@tapegrad/core";
import { describe, expect, it } from "vitest";
import { DataLoader, Scheduler, schedules, type BaseOptions, type Optimizer, type Params } from "../src/index.js";
import { makeOptimizer, optimizers, type OptimizerName } from "./helpers.js";
import { mlp, moons } from "./problems.js";

/**
 * Save mid-run, load into fresh objects, continue: the weights must equal an uninterrupted run's bit for
 * bit. Everything goes through JSON text, as a checkpoint file would: the weights, the optimizer, the
 * schedule and the data loader (whose generator decides the remaining batches).
 */

const options: Record<OptimizerName, Record<string, unknown>> = {
  SGD: { lr: 0.05, momentum: 0.9, nesterov: true, weightDecay: 1e-3 },
  RMSprop: { lr: 0.003, momentum: 0.5, centered: true },
  AdaDelta: { weightDecay: 1e-3 },
  Adam: { lr: 0.01, amsgrad: true },
  AdamW: { lr: 0.01 },
  AdaBelief: { lr: 0.01 },
};

interface Run {
  params: Tensor[];
  opt: Optimizer<BaseOptions>;
  sched: Scheduler;
  loader: DataLoader<{ x: Tensor; y: Tensor }>;
  forward(x: Tensor): Tensor;
}

const data = moons(30, 0.15, new Rng(4));

function fresh(name: OptimizerName, netSeed: number): Run {
  const net = mlp(8, new Rng(netSeed));
  // Two groups, so group options travel too.
  const groups: Params<BaseOptions> = [{ params: net.params.slice(0, 2), lr: 0.02 }, { params: net.params.slice(2) }];
  const opt = makeOptimizer(name, groups as { params: Tensor[] }[], options[name]!);
  const sched = new Scheduler(opt, [schedules.inverseSqrt(0.02), schedules.warmup(5, schedules.cosine(0.01, { steps: 40 }))]);
  const loader = new DataLoader(data, { batchSize: 7, shuffle: true, seed: 11 });
  return { params: net.params, opt, sched, loader, forward: net.forward };
}

/** The raw bytes of a tensor's storage: equal bytes are equal bits (unlike ==, which equates 0 and −0). */
const bits = (t: Tensor): Uint8Array => new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);

function train(run: Run, steps: number): void {
  for (let k = 0; k < steps; k++) {
    const batch = run.loader.gather(run.loader.nextIndices()!);
    run.opt.zeroGrad();
    softmaxCrossEntropy(run.forward(batch.x), batch.y).backward();
    run.opt.step();
    run.sched.step();
  }
}

function checkpoint(run: Run): string {
  return JSON.stringify({
    params: run.params.map((p) => Array.from(p.data)),
    opt: run.opt.stateDict(),
    sched: run.sched.stateDict(),
    loader: run.loader.stateDict(),
  });
}

function restore(run: Run, text: string): void {
  const saved = JSON.parse(text);
  run.params.forEach((p, i) => p.data.set(saved.params[i]));
  run.opt.loadStateDict(saved.opt);
  run.sched.loadStateDict(saved.sched);
  run.loader.loadStateDict(saved.loader);
}

describe("save mid-run, load into fresh objects, continue: bit-identical weights", () => {
  for (const name of Object.keys(optimizers) as OptimizerName[]) {
    it(name, () => {
      const uninterrupted = fresh(name, 2);
      train(uninterrupted, 23);
      const resumedFrom = fresh(name, 2);
      train(resumedFrom, 10); // stops mid-epoch: 60 items in batches of 7
      const text = checkpoint(resumedFrom);
      const resumed = fresh(name, 99); // other initial weights: everything must come from the checkpoint
      restore(resumed, text);
      train(resumed, 13);
      resumed.params.forEach((p, i) => expect(bits(p)).toEqual(bits(uninterrupted.params[i]!)));
      expect(resumed.opt.stateDict()).toEqual(uninterrupted.opt.stateDict());
      // ...and the run really moved, so equality is not trivial.
      expect(uninterrupted.params[0]!.data).not.toEqual(fresh(name, 2).params[0]!.data);
    });
  }

  it("a checkpoint taken before the first step resumes too (no optimizer state yet)", () => {
    const a = fresh("Adam", 2);
    const b = fresh("Adam", 3);
    restore(b, checkpoint(a));
    train(a, 5);
    train(b, 5);
    b.params.forEach((p, i) => expect(bits(p)).toEqual(bits(a.params[i]!)));
  });
});

import fc from "fast-check";
import { randn, Rng, tensor, type Tensor } from "@tapegrad/core";
import { describe, expect, it } from "vitest";
import { AdaBelief, AdaDelta, Adam, AdamW, DataLoader, RMSprop, Scheduler, schedules, SGD } from "../src/index.js";
import { runs } from "../../../test-support/fuzz.js";
import { ownError } from "../../../test-support/ownError.js";

/**
 * optim's public API driven with random, mostly malformed arguments: every constructor, `loadStateDict`
 * and loader call either succeeds or throws one of tapegrad's error classes, never a TypeError from deep
 * inside and never a hang; a refused `loadStateDict` leaves the object as it was.
 */

// Doubles are bounded so that an accepted option cannot overflow float32 in one step by its size alone.
const junkNumber = fc.oneof(fc.constantFrom(Number.NaN, Infinity, -Infinity, -1, 0, 0.5, 1, 2, 1e6, -0), fc.double({ min: -1e6, max: 1e6 }), fc.integer({ min: -5, max: 100 }));
const junk = fc.oneof(
  junkNumber,
  fc.constantFrom(null, undefined, "x", true, {}, [], [0.9], [0.9, 0.999], [1, 1], [Number.NaN, 0.5], () => 1),
  fc.array(junkNumber, { maxLength: 6 }),
);

/** Options objects whose every field may be junk, with the names the optimizers read. */
const options = fc.record(
  {
    lr: junk, momentum: junk, dampening: junk, nesterov: junk, weightDecay: junk, betas: junk, eps: junk, amsgrad: junk,
    alpha: junk, centered: junk, rho: junk, maximize: junk,
  },
  { requiredKeys: [] },
);

const optimizers = { SGD, RMSprop, AdaDelta, Adam, AdamW, AdaBelief } as const;
type Ctor = new (params: unknown, options: unknown) => { step(): void; stateDict(): unknown; loadStateDict(s: unknown): void };

const params = (): Tensor[] => [randn([2, 2], { requiresGrad: true, rng: new Rng(0) }), randn([2], { requiresGrad: true, rng: new Rng(1) })];

const RUNS = runs(300);

describe("optim under random arguments", () => {
  it.each(Object.keys(optimizers))("%s: any options construct an optimizer whose step keeps the weights finite, or throw a tapegrad error", (name) => {
    const Optimizer = optimizers[name as keyof typeof optimizers] as unknown as Ctor;
    fc.assert(
      fc.property(options, (o) => {
        const ps = params();
        let opt: InstanceType<Ctor>;
        try {
          opt = new Optimizer(ps, o);
        } catch (e) {
          return ownError(`new ${name}(${JSON.stringify(o)})`, e);
        }
        for (const p of ps) p.grad = tensor(Array.from({ length: p.size }, () => 1), { dtype: p.dtype }).reshape(p.shape);
        opt.step();
        // Accepted options are in range, so one step from finite weights and gradients stays finite.
        for (const p of ps) expect(p.data.every(Number.isFinite)).toBe(true);
      }),
      RUNS,
    );
  });

  it.each(Object.keys(optimizers))("%s: any parameters argument constructs or throws a tapegrad error", (name) => {
    const Optimizer = optimizers[name as keyof typeof optimizers] as unknown as Ctor;
    const paramsArg = fc.oneof(junk, fc.constant([tensor([1]).mul(2)]), junk.map((j) => [{ params: j }]), fc.constant([{ params: [] }]));
    fc.assert(
      fc.property(paramsArg, (p) => {
        try {
          new Optimizer(p, { lr: 0.1 });
        } catch (e) {
          ownError(`new ${name}(${String(p)})`, e);
        }
      }),
      RUNS,
    );
  });

  it("Adam.loadStateDict: any state loads or is refused, and a refused one changes nothing", () => {
    const state = fc.record({
      kind: fc.oneof(fc.constant("Adam"), junk),
      state: fc.oneof(junk, fc.dictionary(fc.constantFrom("0", "1", "2", "x", "-1"), fc.record({ step: junk, buffers: fc.oneof(junk, fc.dictionary(fc.constantFrom("expAvg", "expAvgSq"), junk)) }))),
      paramGroups: fc.oneof(junk, fc.constant([{ params: [0, 1], options: { lr: 0.1 } }]), fc.array(fc.record({ params: junk, options: fc.oneof(junk, options) }), { maxLength: 2 })),
    }, { requiredKeys: [] });
    fc.assert(
      fc.property(state, (sd) => {
        const ps = params();
        const opt = new Adam(ps, { lr: 0.1 });
        for (const p of ps) p.grad = tensor(Array.from({ length: p.size }, () => 1)).reshape(p.shape);
        opt.step();
        const before = JSON.stringify(opt.stateDict());
        try {
          opt.loadStateDict(sd as never);
        } catch (e) {
          ownError(`Adam.loadStateDict(${JSON.stringify(sd)})`, e);
          expect(JSON.stringify(opt.stateDict())).toBe(before);
        }
      }),
      RUNS,
    );
  });

  it("DataLoader: any options construct a loader whose batches hold real rows, or throw a tapegrad error", () => {
    const data = { x: tensor([[0, 0], [1, 1], [2, 2], [3, 3], [4, 4]]), y: tensor([0, 1, 2, 3, 4]) };
    const loaderOptions = fc.record({ batchSize: junk, shuffle: junk, seed: junk, dropLast: junk }, { requiredKeys: [] });
    fc.assert(
      fc.property(loaderOptions, (o) => {
        let loader: DataLoader<typeof data>;
        try {
          loader = new DataLoader(data, o as never);
        } catch (e) {
          return ownError(`new DataLoader(${JSON.stringify(o)})`, e);
        }
        for (let i = 0; i < 3; i++) {
          const indices = loader.nextIndices();
          if (indices === null) break;
          const batch = loader.gather(indices);
          expect(batch.x.shape).toEqual([indices.length, 2]);
          expect(Array.from(batch.y.data)).toEqual(indices);
        }
      }),
      RUNS,
    );
  });

  it("DataLoader.loadStateDict: any state loads into a loader that draws real rows, or is refused and changes nothing", () => {
    const data = { x: tensor([10, 11, 12, 13]) };
    const state = fc.record({ rng: fc.oneof(junk, fc.array(fc.oneof(fc.integer({ min: 0, max: 2 ** 32 - 1 }), fc.constant(null)), { minLength: 5, maxLength: 5 })), epoch: junk, order: fc.oneof(junk, fc.constant([3, 2, 1, 0]), fc.array(fc.integer({ min: -2, max: 6 }), { minLength: 4, maxLength: 4 })), cursor: junk }, { requiredKeys: [] });
    fc.assert(
      fc.property(state, (sd) => {
        const loader = new DataLoader(data, { batchSize: 3, shuffle: true, seed: 1 });
        loader.nextIndices();
        const before = JSON.stringify(loader.stateDict());
        try {
          loader.loadStateDict(sd as never);
        } catch (e) {
          ownError(`DataLoader.loadStateDict(${JSON.stringify(sd)})`, e);
          expect(JSON.stringify(loader.stateDict())).toBe(before);
          return;
        }
        for (let i = 0; i < 3; i++) {
          const rows = Array.from(loader.gather(loader.nextIndices()!).x.data);
          expect(rows.every((v) => v >= 10 && v <= 13 && Number.isInteger(v))).toBe(true);
        }
      }),
      RUNS,
    );
  });

  it("schedules and Scheduler: any arguments make a schedule whose rates are >= 0 and finite, or throw a tapegrad error", () => {
    const makers: Record<string, (a: unknown, b: unknown) => (k: number) => number> = {
      constant: (a) => schedules.constant(a as never),
      linear: (a, b) => schedules.linear(a as never, b as never, 10),
      inverse: (a) => schedules.inverse(a as never),
      inverseSqrt: (a) => schedules.inverseSqrt(a as never),
      step: (a, b) => schedules.step(a as never, { stepSize: b as never }),
      exponential: (a, b) => schedules.exponential(a as never, b as never),
      cosine: (a, b) => schedules.cosine(a as never, { steps: b as never }),
      warmup: (a) => schedules.warmup(a as never, schedules.constant(0.1)),
    };
    fc.assert(
      fc.property(fc.constantFrom(...Object.keys(makers)), junk, junk, junk, (name, a, b, k) => {
        try {
          const s = makers[name]!(a, b);
          const rate = s(k as never);
          expect(Number.isFinite(rate) && rate >= 0).toBe(true);
          new Scheduler(new SGD(params(), { lr: 0.1 }), s);
        } catch (e) {
          ownError(`schedules.${name}(${String(a)}, ${String(b)})(${String(k)})`, e);
        }
      }),
      runs(1000),
    );
  });
});

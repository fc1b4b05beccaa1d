import fc from "fast-check";
import { randn, Rng, Tensor, zeros } from "@tapegrad/core";
import { describe, expect, it } from "vitest";
import {
  bceWithLogits, binaryCrossEntropy, crossEntropy, decodeSafetensors, encodeSafetensors, Linear, mlp, mseLoss, Sequential, squaredError,
} from "../src/index.js";
import { runs } from "../../../test-support/fuzz.js";
import { ownError } from "../../../test-support/ownError.js";

/**
 * nn's public API driven with random, mostly malformed arguments (as core's fuzz test drives core's):
 * every call either succeeds, with an output of the shape the call promises, or throws one of tapegrad's
 * error classes, never a TypeError from deep inside.
 */

const smallTensor = fc
  .tuple(fc.array(fc.integer({ min: 0, max: 4 }), { maxLength: 3 }), fc.boolean(), fc.integer({ min: 0, max: 99 }))
  .map(([shape, f64, seed]) => randn(shape, { dtype: f64 ? "float64" : "float32", rng: new Rng(seed) }));

const junk = fc.oneof(
  fc.constantFrom(null, undefined, Number.NaN, Infinity, -1, 0, 0.5, 3, 1e12, "x", true, {}, [], [[1], [1, 2]], [-1], [2, 3], [1, "a"], () => 1),
  fc.integer({ min: -3, max: 6 }),
  fc.array(fc.integer({ min: -2, max: 5 }), { maxLength: 4 }),
  smallTensor,
);

/** A state dict: some of the right names, some wrong, with tensors or junk as values. */
const stateDict = fc.dictionary(fc.constantFrom("weight", "bias", "0.weight", "0.bias", "2.weight", "extra", "__proto__", "constructor"), junk, { maxKeys: 4 });

function check(what: string, call: () => unknown, expectShape?: (out: Tensor) => readonly number[] | undefined): void {
  try {
    const out = call();
    if (out instanceof Tensor) {
      expect(out.size).toBe(out.shape.reduce((n, d) => n * d, 1));
      const promised = expectShape?.(out);
      if (promised !== undefined) expect(out.shape).toEqual(promised);
    }
  } catch (e) {
    ownError(what, e);
  }
}

const RUNS = runs(300);

describe("nn under random arguments", () => {
  it("Linear: construction from any sizes and options", () => {
    fc.assert(fc.property(junk, junk, junk, (a, b, o) => check(`new Linear(${String(a)}, ${String(b)})`, () => new Linear(a as never, b as never, o as never))), RUNS);
  });

  it("Linear.forward: any input gives [..., outFeatures] or a tapegrad error", () => {
    const layer = new Linear(3, 2, { rng: new Rng(0) });
    fc.assert(
      fc.property(junk, (x) =>
        check(`Linear.forward(${String(x)})`, () => layer.forward(x as never), () => (x instanceof Tensor ? [...x.shape.slice(0, -1), 2] : undefined)),
      ),
      RUNS,
    );
  });

  it("loadStateDict: any state either loads whole or leaves the module unchanged", () => {
    fc.assert(
      fc.property(stateDict, (state) => {
        const model = mlp([3, 2, 1], { rng: new Rng(1) });
        const before = model.parameters().map((p) => Array.from(p.data));
        try {
          model.loadStateDict(state as never);
        } catch (e) {
          ownError(`loadStateDict(${JSON.stringify(Object.keys(state))})`, e);
          expect(model.parameters().map((p) => Array.from(p.data))).toEqual(before);
        }
      }),
      RUNS,
    );
  });

  it("Sequential and mlp: construction from any arguments", () => {
    fc.assert(
      fc.property(junk, junk, (a, b) => {
        check(`new Sequential(${String(a)}, ${String(b)})`, () => new Sequential(a as never, b as never));
        check(`mlp(${String(a)})`, () => mlp(a as never, b as never));
      }),
      RUNS,
    );
  });

  it.each([
    ["squaredError", squaredError],
    ["mseLoss", mseLoss],
    ["crossEntropy", crossEntropy],
    ["binaryCrossEntropy", binaryCrossEntropy],
    ["bceWithLogits", bceWithLogits],
  ] as const)("%s: any prediction and target give a scalar or a tapegrad error", (name, loss) => {
    fc.assert(fc.property(junk, junk, (p, t) => check(`${name}(${String(p)}, ${String(t)})`, () => loss(p as never, t as never), () => [])), RUNS);
  });

  it("decodeSafetensors: any bytes, and any corruption of a valid file, decode or give a tapegrad error", () => {
    const valid = encodeSafetensors({ w: randn([2, 3], { rng: new Rng(2) }), b: zeros([3], { dtype: "float64" }) }, { format: "pt" });
    const corrupted = fc
      .array(fc.tuple(fc.nat({ max: valid.length - 1 }), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 6 })
      .chain((edits) => fc.nat({ max: valid.length }).map((cut) => ({ edits, cut })));
    fc.assert(
      fc.property(corrupted, ({ edits, cut }) => {
        const bytes = valid.slice(0, Math.max(cut, valid.length - 8 * edits.length));
        for (const [at, value] of edits) if (at < bytes.length) bytes[at] = value;
        check("decodeSafetensors(corrupted)", () => decodeSafetensors(bytes));
      }),
      runs(1000),
    );
    fc.assert(fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => check("decodeSafetensors(random)", () => decodeSafetensors(bytes))), RUNS);
  });
});

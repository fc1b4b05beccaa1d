import fc from "fast-check";
import { describe, expect, it } from "vitest";
import * as core from "@tapegrad/core";
import { TapegradError, Tensor, tensor } from "@tapegrad/core";
import { runs } from "../../../test-support/fuzz.js";

/**
 * The public API driven with random, mostly malformed arguments: every call must either succeed or throw one
 * of tapegrad's own errors — never a TypeError from deep inside, never a hang.
 */
const smallTensor = fc
  .tuple(fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 3 }), fc.boolean())
  .map(([shape, f64]) => core.randn(shape, { dtype: f64 ? "float64" : "float32", rng: new core.Rng(shape.length) }));

const junk = fc.oneof(
  fc.constantFrom(null, undefined, Number.NaN, Infinity, -1, 0.5, 1e12, "x", true, {}, [], [[1], [1, 2]], [-1], [0.5], [1, "a"], () => 1),
  fc.integer({ min: -5, max: 5 }),
  fc.array(fc.integer({ min: -3, max: 4 }), { maxLength: 4 }),
  smallTensor,
);

const calls: Record<string, (a: unknown, b: unknown) => unknown> = {
  tensor: (a) => tensor(a as never),
  tensorWithOptions: (a, b) => tensor(a as never, b as never),
  zeros: (a) => core.zeros(a as never),
  full: (a, b) => core.full(a as never, b as never),
  arange: (a, b) => core.arange(a as never, b as never),
  randn: (a, b) => core.randn(a as never, b as never),
  add: (a, b) => core.add(a as never, b as never),
  matmul: (a, b) => core.matmul(a as never, b as never),
  where: (a, b) => core.where(a as never, b as never, 0),
  reshape: (a, b) => core.reshape(a as never, b as never),
  sum: (a, b) => core.sum(a as never, b as never),
  max: (a, b) => core.max(a as never, b as never),
  mean: (a, b) => core.mean(a as never, b as never),
  softmax: (a, b) => core.softmax(a as never, b as never),
  logSumExp: (a, b) => core.logSumExp(a as never, b as never),
  transpose: (a, b) => core.transpose(a as never, b as never),
  broadcastTo: (a, b) => core.broadcastTo(a as never, b as never),
  slice: (a, b) => core.slice(a as never, b as never, b as never),
  pad: (a, b) => core.pad(a as never, b as never, b as never),
  concat: (a, b) => core.concat(a as never, b as never),
  cast: (a, b) => core.cast(a as never, b as never),
  softmaxCrossEntropy: (a, b) => core.softmaxCrossEntropy(a as never, b as never),
  backward: (a, b) => (a instanceof Tensor ? a.backward(b as never) : core.zeros([1]).backward(b as never)),
  grad: (a, b) => core.grad(a as never)(b as never),
  // Arrays and objects are pytrees now, so the function maps whatever tree it is given.
  jvp: (a, b) => core.jvp((x: core.Tree) => core.treeMap((l) => (l as Tensor).mul(2), x), [a as never], [b as never]),
  item: (a) => (a instanceof Tensor ? a.item() : tensor(1).item()),
};

describe("the public API under random arguments", () => {
  it.each(Object.keys(calls))("%s succeeds or throws a tapegrad error", (name) => {
    fc.assert(
      fc.property(junk, junk, (a, b) => {
        try {
          const out = calls[name]!(a, b);
          if (out instanceof Tensor) expect(out.size).toBe(out.shape.reduce((n, d) => n * d, 1));
        } catch (e) {
          if (!(e instanceof TapegradError)) throw new Error(`${name}(${String(a)}, ${String(b)}) threw ${String(e)}`);
        }
      }),
      runs(300),
    );
  });
});

import fc from "fast-check";
import { runs } from "../../../test-support/fuzz.js";
import { describe, expect, it } from "vitest";
import { concat, grad, jit, split, tensor, valueAndGrad, where, type Tensor } from "@tapegrad/core";

/**
 * Random compositions of ops, eager and under jit. A compiled program runs each primitive's own forward
 * kernel, in the order the eager call ran them, on the same values: so values and gradients must be
 * bit-identical, not merely close (no float32 tolerance is needed; none is allowed). Each case calls
 * the jitted function twice on different values of one signature: the first call is the trace, the
 * second runs the program.
 */

type Unary = (x: Tensor) => Tensor;
type Binary = (x: Tensor, y: Tensor) => Tensor;

const unaries: Record<string, Unary> = {
  exp: (x) => x.mul(0.3).exp(),
  tanh: (x) => x.tanh(),
  relu: (x) => x.relu(),
  sigmoid: (x) => x.sigmoid(),
  square: (x) => x.square(),
  softplus: (x) => x.softplus(),
  sin: (x) => x.sin(),
  logSoftmax: (x) => x.logSoftmax(-1),
  sumKeep: (x) => x.mul(x.sum(-1, { keepDims: true }).mul(0.1)),
  meanRows: (x) => x.sub(x.mean(0, { keepDims: true })),
  transpose2: (x) => x.transpose().transpose(),
  clamp: (x) => x.clamp(-0.5, 0.5),
  maxKeep: (x) => x.sub(x.max(-1, { keepDims: true })),
  logSumExp: (x) => x.sub(x.logSumExp(-1, { keepDims: true })),
  sqrt: (x) => x.square().add(1).sqrt(),
  pow: (x) => x.pow(2),
  leakyRelu: (x) => x.leakyRelu(0.1),
  // pieces used by different ops: the gradient is a sum of pads of disjoint boxes (jit writes it in one pass)
  splitCols: (x) => concat(split(x, 2, -1).map((p, i) => (i % 2 === 0 ? p.tanh() : p.mul(p))), -1),
  splitRows: (x) => concat(split(x, 1, 0).map((p, i) => (i % 2 === 0 ? p.mul(-1) : p.sin())), 0),
};
const binaries: Record<string, Binary> = {
  add: (x, y) => x.add(y),
  mul: (x, y) => x.mul(y),
  sub: (x, y) => x.sub(y),
  div: (x, y) => x.div(y.square().add(1)),
  maximum: (x, y) => x.maximum(y),
  matmulT: (x, y) => x.matmul(y.transpose()).div(4), // [r, c] · [c, r] -> [r, r], kept at [r, c] below
  where: (x, y) => where(x.gt(y), x, y.mul(0.5)),
  columnSub: (x, y) => x.sub(y.mean(-1, { keepDims: true })), // a [r, 1] column: a value per row, repeated along it (a nested loop)
  // [r, 1, c] against [r, c, 1] (a block repeated along the middle axis, a value per run), back to [r, c] by a sum
  outerBlocks: (x, y) => x.reshape([x.shape[0]!, 1, x.shape[1]!]).mul(y.reshape([y.shape[0]!, y.shape[1]!, 1])).relu().sum(1),
  // [r, 1, c] against [1, r, c] (a block repeated along the middle axis, and a row), back to [r, c] by a mean
  crossRows: (x, y) => x.reshape([x.shape[0]!, 1, x.shape[1]!]).add(y.reshape([1, ...y.shape])).tanh().mean(1),
};

/** One step of a program: a unary op on the last value, or a binary op on the last value and an earlier one; every step keeps the [rows, cols] shape. */
const step = fc.oneof(
  fc.record({ op: fc.constantFrom(...Object.keys(unaries)) }),
  fc.record({ op: fc.constantFrom(...Object.keys(binaries)), with: fc.nat(8) }),
);

function program(steps: readonly { op: string; with?: number }[]): (x: Tensor, y: Tensor) => Tensor {
  return (x, y) => {
    const seen = [x, y];
    for (const s of steps) {
      const last = seen[seen.length - 1]!;
      if (s.with === undefined) seen.push(unaries[s.op]!(last));
      else {
        const other = seen[s.with % seen.length]!;
        const out = binaries[s.op]!(last, other);
        // matmul's [r, r] result goes back to [r, c] by a product with the last value
        seen.push(s.op === "matmulT" ? out.matmul(last) : out);
      }
    }
    return seen[seen.length - 1]!.square().sum();
  };
}

const dims = fc.record({ rows: fc.integer({ min: 1, max: 4 }), cols: fc.integer({ min: 1, max: 5 }) });
const valuesOf = (n: number): fc.Arbitrary<number[]> => fc.array(fc.double({ min: -2, max: 2, noNaN: true, noDefaultInfinity: true }), { minLength: n, maxLength: n });
const caseOf = dims.chain(({ rows, cols }) =>
  fc.record({
    steps: fc.array(step, { minLength: 1, maxLength: 8 }),
    dtype: fc.constantFrom("float32" as const, "float64" as const),
    shape: fc.constant([rows, cols]),
    calls: fc.array(fc.tuple(valuesOf(rows * cols), valuesOf(rows * cols)), { minLength: 2, maxLength: 2 }),
  }),
);

const bits = (t: Tensor): number[] => Array.from(t.data);

describe("jit over random compositions of ops", () => {
  it("gives eager's values and gradients bit for bit, on the traced call and on the compiled ones", () => {
    fc.assert(
      fc.property(caseOf, ({ steps, dtype, shape, calls }) => {
        const f = program(steps);
        const jitted = jit(f);
        const jittedGrad = jit(valueAndGrad(f, { argnums: [0, 1] }));
        for (const [xs, ys] of calls) {
          const x = tensor(xs, { dtype }).reshape(shape);
          const y = tensor(ys, { dtype }).reshape(shape);
          expect(bits(jitted(x, y))).toEqual(bits(f(x, y)));
          const [value, [gx, gy]] = valueAndGrad(f, { argnums: [0, 1] })(x, y) as [Tensor, Tensor[]];
          const [jValue, [jgx, jgy]] = jittedGrad(x, y) as [Tensor, Tensor[]];
          expect(bits(jValue)).toEqual(bits(value));
          expect(bits(jgx!)).toEqual(bits(gx!));
          expect(bits(jgy!)).toEqual(bits(gy!));
        }
        expect(jitted.traces).toBe(1);
        expect(jittedGrad.traces).toBe(1);
      }),
      runs(40),
    );
  });

  it("gradients through jit of the grad function equal grad of the jitted function (f inline under grad)", () => {
    fc.assert(
      fc.property(caseOf, ({ steps, dtype, shape, calls }) => {
        const f = program(steps);
        const [xs, ys] = calls[0]!;
        const x = tensor(xs, { dtype }).reshape(shape);
        const y = tensor(ys, { dtype }).reshape(shape);
        expect(bits(grad(jit(f))(x, y))).toEqual(bits(grad(f)(x, y)));
      }),
      runs(20),
    );
  });
});

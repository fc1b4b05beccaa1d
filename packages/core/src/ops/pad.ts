import { apply } from "../autodiff/apply.js";
import { ShapeError } from "../errors.js";
import { kernels } from "../kernels/active.js";
import type { Tensor, TensorLike } from "../tensor.js";
import { intList } from "./args.js";
import type { OpRule } from "./rule.js";

export interface PadParams {
  readonly before: readonly number[];
  readonly after: readonly number[];
}

export const padOp: OpRule<[Tensor], PadParams> = {
  name: "pad",
  arity: 1,
  takesInt32: true,
  shape: ({ inputs: [x], params: p }) => {
    const s = x.shape;
    const ok = [p.before, p.after].every((a) => a.length === s.length && a.every((n) => Number.isInteger(n) && n >= 0));
    if (!ok) throw new ShapeError("pad", `before [${p.before.join(",")}] and after [${p.after.join(",")}] need one non-negative integer per axis`, [s]);
    return s.map((d, i) => p.before[i]! + d + p.after[i]!);
  },
  forward: ({ inputs: [x], params: p, outShape, dtype }) => kernels.pad(x.data, x.shape, p.before, outShape, dtype),
  jvp: ({ tangents: [dx], params: p }) => dx && pad(dx, p.before, p.after),
  batching: ({ values: [x], params }) => pad(x!, [0, ...params.before], [0, ...params.after]),
  vjp: ({ primals: [x], params: p, ct }) => [ct.slice(p.before, x.shape)], // the method: slice.ts imports this file // pad and slice are each other's transpose
  cost: () => 0,
  test: {
    cases: (g) => {
      const shape = g.shape(0, 3, 4);
      return { shapes: [shape], params: { before: shape.map(() => g.int(0, 2)), after: shape.map(() => g.int(0, 2)) } };
    },
  },
};

/**
 * Surrounds `x` with zeros: `before[i]` and `after[i]` elements on each side of axis i.
 * @example
 * ```ts
 * pad(tensor([1, 2]), [1], [2]).toArray(); // [0, 1, 2, 0, 0]
 * ```
 */
export function pad(x: TensorLike, before: readonly number[], after: readonly number[]): Tensor {
  return apply(padOp, [x], { before: intList("pad", "before", before), after: intList("pad", "after", after) });
}

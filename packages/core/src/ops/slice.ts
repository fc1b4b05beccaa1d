import { apply } from "../autodiff/apply.js";
import { ShapeError } from "../errors.js";
import { kernels } from "../kernels/active.js";

import type { Tensor, TensorLike } from "../tensor.js";
import { pad } from "./pad.js";
import { argShape, intList } from "./args.js";
import type { OpRule } from "./rule.js";

export interface SliceParams {
  readonly begin: readonly number[];
  readonly size: readonly number[];
}

export const sliceOp: OpRule<[Tensor], SliceParams> = {
  name: "slice",
  arity: 1,
  takesInt32: true,
  shape: ({ inputs: [x], params: p }) => {
    const s = x.shape;
    const fits =
      p.begin.length === s.length &&
      p.size.length === s.length &&
      p.begin.every((b, i) => Number.isInteger(b) && b >= 0 && Number.isInteger(p.size[i]) && p.size[i]! >= 0 && b + p.size[i]! <= s[i]!);
    if (!fits) throw new ShapeError("slice", `box at [${p.begin.join(",")}] of size [${p.size.join(",")}] is not inside the input`, [s]);
    return p.size;
  },
  forward: ({ inputs: [x], params: p, outShape, dtype }) => kernels.slice(x.data, x.shape, p.begin, outShape, dtype),
  jvp: ({ tangents: [dx], params: p }) => dx && slice(dx, p.begin, p.size),
  batching: ({ values: [x], size, params }) => slice(x!, [0, ...params.begin], [size, ...params.size]),
  vjp: ({ primals: [x], params: p, ct }) => [pad(ct, p.begin, x.shape.map((d, i) => d - p.begin[i]! - p.size[i]!))],
  cost: () => 0,
  test: {
    cases: (g) => {
      const shape = g.shape(1, 3, 5);
      const begin = shape.map((d) => g.int(0, d - 1));
      return { shapes: [shape], params: { begin, size: shape.map((d, i) => g.int(1, d - begin[i]!)) } };
    },
  },
};

/**
 * The box of `size` starting at `begin`. A negative begin counts from the end of its axis, as a Python
 * index does; a size of -1, or an omitted size, runs to the end of that axis.
 * @example
 * ```ts
 * slice(tensor([[1, 2, 3], [4, 5, 6]]), [0, 1], [2, 2]).toArray(); // [[2, 3], [5, 6]]
 * slice(tensor([1, 2, 3, 4]), [-2]).toArray();                     // [3, 4]
 * ```
 */
export function slice(x: TensorLike, begin: readonly number[], size?: readonly number[]): Tensor {
  const shape = argShape("slice", x);
  intList("slice", "begin", begin);
  if (size !== undefined) intList("slice", "size", size);
  const start = begin.map((b, i) => {
    const d = shape[i] ?? 0;
    if (b < -d) throw new ShapeError("slice", `begin ${b} on axis ${i} is before the start of an axis of length ${d}`, [shape]);
    return b < 0 ? b + d : b;
  });
  const resolved = shape.map((d, i) => {
    const s = size?.[i] ?? -1;
    return s === -1 ? d - (start[i] ?? 0) : s;
  });
  return apply(sliceOp, [x], { begin: start, size: size === undefined || size.includes(-1) ? resolved : size });
}

import { apply } from "../autodiff/apply.js";
import { batchedAxis, batchOf } from "../autodiff/batching.js";
import { ShapeError, ValueError } from "../errors.js";
import { kernels } from "../kernels/active.js";
import { normalizeAxis } from "../shape.js";
import type { Tensor, TensorLike } from "../tensor.js";
import { zerosLike } from "../creation.js";
import { tensorList } from "./args.js";
import type { OpRule } from "./rule.js";
import { slice } from "./slice.js";

function offsets(inputs: readonly { shape: readonly number[] }[], axis: number): number[] {
  let at = 0;
  return inputs.map((x) => {
    const begin = at;
    at += x.shape[axis]!;
    return begin;
  });
}

export const concatOp: OpRule<readonly Tensor[], { axis: number }> = {
  name: "concat",
  arity: "variadic",
  takesInt32: true,
  shape: ({ inputs: xs, params: p }) => {
    if (xs.length === 0) throw new ValueError("concat", `needs at least one tensor`);
    const first = xs[0]!.shape;
    const axis = normalizeAxis("concat", p.axis, first.length, first);
    const fits = xs.every((x) => x.shape.length === first.length && x.shape.every((d, i) => i === axis || d === first[i]));
    if (!fits) throw new ShapeError("concat", `shapes must agree on every axis but ${axis}`, xs.map((x) => x.shape));
    return first.map((d, i) => (i === axis ? xs.reduce((n, x) => n + x.shape[axis]!, 0) : d));
  },
  forward: ({ inputs: xs, params: p, outShape, dtype }) =>
    kernels.concat(xs.map((x) => x.data), xs.map((x) => x.shape), normalizeAxis("concat", p.axis, outShape.length, outShape), outShape, dtype),
  jvp: ({ primals: xs, tangents: dxs, params: p }) => concat(xs.map((x, i) => dxs[i] ?? zerosLike(x)), p.axis),
  batching: (b) => concat(b.inputs.map((_, i) => batchOf(b, i)), batchedAxis(b.params.axis, b.outShape.length)),
  vjp: ({ primals: xs, out, params: p, ct }) => {
    const axis = normalizeAxis("concat", p.axis, out.shape.length, out.shape);
    const at = offsets(xs, axis);
    return xs.map((x, i) => slice(ct, out.shape.map((_, d) => (d === axis ? at[i]! : 0)), x.shape));
  },
  cost: () => 0,
  test: {
    cases: (g) => {
      const shape = g.shape(1, 3, 4);
      const axis = g.int(0, shape.length - 1);
      const count = g.int(1, 3);
      const shapes = Array.from({ length: count }, () => shape.map((d, i) => (i === axis ? g.int(1, 3) : d)));
      return { shapes, params: { axis: g.bool() ? axis : axis - shape.length } };
    },
  },
};

/**
 * Joins tensors along an existing axis; all other dims must agree.
 * @example
 * ```ts
 * concat([tensor([[1, 2]]), tensor([[3, 4]])], 0).toArray(); // [[1, 2], [3, 4]]
 * ```
 */
export function concat(xs: readonly TensorLike[], axis = 0): Tensor {
  return apply(concatOp, tensorList("concat", xs), { axis });
}

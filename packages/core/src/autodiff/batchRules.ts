import type { BatchArgs, OpRule } from "../ops/rule.js";
import type { Tensor } from "../tensor.js";
import { ValueError } from "../errors.js";
import type { Conv2dParams } from "../ops/conv2d.js";
import type { ArgReduceParams } from "../ops/argmax.js";
import { cast } from "../ops/cast.js";
import { gather } from "../ops/gather.js";
import { mul } from "../ops/mul.js";
import { neg } from "../ops/neg.js";
import { reshape } from "../ops/reshape.js";
import { sum } from "../ops/sum.js";
import { transpose } from "../ops/transpose.js";
import { logSoftmax } from "../composites/softmax.js";
import { apply } from "./apply.js";
import { batchedAxis, batchOf } from "./batching.js";

/**
 * The batching rules too long to sit in their op's record: each runs the op on a whole vmap batch in one
 * call (see batching.ts), where a one-liner cannot say how the batch axis folds into the op's own axes.
 */

/**
 * conv2d on a batch. A batch of inputs folds into conv2d's N axis. A batch of weights becomes B times
 * the channel groups: each example's weight is its own group of output channels, reading its own copy of
 * the input's channels when the inputs are batched too, and the same channels (groups kept in order, the
 * batch inside each group) when they are shared.
 */
export function conv2dBatching(b: BatchArgs<Conv2dParams, readonly Tensor[]>, conv2dOp: OpRule<[Tensor, Tensor], Conv2dParams>): Tensor {
  const [xs, ws] = [b.values[0] ?? null, b.values[1] ?? null];
  const { size, outShape, params: p } = b;
  const [x, w] = b.inputs as [Tensor, Tensor];
  const [n, c, h, wd] = x.shape as [number, number, number, number];
  const [o, cg, kh, kw] = w.shape as [number, number, number, number];
  const [ho, wo] = [outShape[2]!, outShape[3]!];
  if (ws === null) {
    const folded = apply(conv2dOp, [reshape(xs!, [size * n, c, h, wd]), w], p);
    return reshape(folded, [size, ...outShape]);
  }
  if (xs === null) {
    const g = p.groups;
    const og = o / g;
    const grouped = reshape(transpose(reshape(ws, [size, g, og, cg, kh, kw]), [1, 0, 2, 3, 4, 5]), [g * size * og, cg, kh, kw]);
    const out = reshape(apply(conv2dOp, [x, grouped], p), [n, g, size, og, ho, wo]);
    return reshape(transpose(out, [2, 0, 1, 3, 4, 5]), [size, n, o, ho, wo]);
  }
  const inputs = reshape(transpose(xs, [1, 0, 2, 3, 4]), [n, size * c, h, wd]);
  const out = apply(conv2dOp, [inputs, reshape(ws, [size * o, cg, kh, kw])], { ...p, groups: size * p.groups });
  return transpose(reshape(out, [n, size, o, ho, wo]), [1, 0, 2, 3, 4]);
}

/**
 * softmaxCrossEntropy on a batch: each example's mean over its rows of −Σ_c y_c·log softmax(logits)_c,
 * written with the ops the fused kernel stands for, over logits `[B, N, C]` and targets `[B, N]` (class
 * indices, picked out by gather) or `[B, N, C]` (probabilities).
 */
export function softmaxCrossEntropyBatching(b: BatchArgs<undefined, readonly Tensor[]>): Tensor {
  const [logits, target] = [batchOf(b, 0), batchOf(b, 1)];
  const rows = b.inputs[0]!.shape[0]!;
  if (b.inputs[1]!.shape.length === 1) checkLabels(b.values[1] ?? null, rows, b.inputs[0]!.shape[1]!);
  const logProbs = logSoftmax(logits, -1);
  const picked = b.inputs[1]!.shape.length === 1 ? gather(logProbs, 2, reshape(cast(target, "int32"), [b.size, rows, 1])) : mul(logProbs, target);
  return mul(neg(sum(picked, [1, 2])), 1 / rows);
}

/**
 * Every example's class labels checked as the op's shape rule checks one example's (vmap showed it the
 * first): gather would catch a label out of range, but not a fractional one. Labels an outer vmap still
 * batches cannot be read here; their own level checks them.
 */
function checkLabels(labels: Tensor | null, rows: number, classes: number): void {
  if (labels === null || labels.batch !== null) return;
  const bad = labels.data.findIndex((v) => !Number.isInteger(v) || v < 0 || v >= classes);
  if (bad >= 0) {
    throw new ValueError("softmaxCrossEntropy", `target[${bad % rows}] = ${labels.data[bad]} of example ${Math.floor(bad / rows)} is not a class index in [0, ${classes})`);
  }
}

/** argmax or argmin on a batch: the axis moves past the batch axis; "all axes" becomes all of each example's. */
export function argReduceBatching(rule: OpRule<[Tensor], ArgReduceParams>, b: BatchArgs<ArgReduceParams, [Tensor]>): Tensor {
  const x = b.values[0]!;
  const { axis, keepDims } = b.params;
  if (axis !== null) return apply(rule, [x], { axis: batchedAxis(axis, b.inputs[0]!.shape.length), keepDims });
  const flat = apply(rule, [reshape(x, [b.size, b.inputs[0]!.size])], { axis: 1, keepDims: false });
  return reshape(flat, [b.size, ...b.outShape]);
}

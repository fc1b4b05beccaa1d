import { apply } from "../autodiff/apply.js";
import { softmaxCrossEntropyBatching } from "../autodiff/batchRules.js";
import { arange } from "../creation.js";
import { ShapeError, ValueError } from "../errors.js";
import { kernels } from "../kernels/active.js";
import type { Tensor, TensorLike } from "../tensor.js";
import { logSoftmax, softmax } from "../composites/softmax.js";
import { sub } from "../composites/arithmetic.js";
import { eq } from "./comparisons.js";
import { mul } from "./mul.js";
import { neg } from "./neg.js";
import { reshape } from "./reshape.js";
import type { OpRule } from "./rule.js";
import { sum } from "./sum.js";

const isIndices = (target: Tensor): boolean => target.shape.length === 1;

/**
 * ∂L/∂logits per example, before the 1/batch: softmax(logits)·Σ_c y_c − y. For class indices (one-hot
 * rows) and probability rows Σ_c y_c = 1, and this is the lecture's ŷ − y; for indices it is computed as
 * exactly that. Rows that do not sum to one (label smoothing done by hand, weights) get the general form.
 */
function logitsGradient(logits: Tensor, target: Tensor): Tensor {
  const predicted = softmax(logits, -1);
  if (isIndices(target)) {
    const oneHot = eq(reshape(target, [target.shape[0]!, 1]), arange(logits.shape[1]!, undefined, 1, { dtype: logits.dtype }));
    return sub(predicted, oneHot);
  }
  return sub(mul(predicted, sum(target, -1, { keepDims: true })), target);
}

export const softmaxCrossEntropyOp: OpRule<[Tensor, Tensor]> = {
  name: "softmaxCrossEntropy",
  arity: 2,
  batching: (b) => softmaxCrossEntropyBatching(b),
  readsValues: [1], // the class labels
  shape: ({ inputs: [logits, target] }) => {
    const [l, t] = [logits.shape, target.shape];
    if (l.length !== 2 || l[0] === 0 || l[1] === 0) throw new ShapeError("softmaxCrossEntropy", `logits must be a non-empty [batch, classes] matrix`, [l, t]);
    const indices = t.length === 1 && t[0] === l[0];
    if (!indices && !(t.length === 2 && t[0] === l[0] && t[1] === l[1])) {
      throw new ShapeError("softmaxCrossEntropy", `target must be [batch] class indices or [batch, classes] probabilities`, [l, t]);
    }
    if (indices) {
      const classes = l[1]!;
      const bad = target.data.findIndex((v) => !Number.isInteger(v) || v < 0 || v >= classes);
      if (bad >= 0) throw new ValueError("softmaxCrossEntropy", `target[${bad}] = ${target.data[bad]} is not a class index in [0, ${classes})`);
    }
    return [];
  },
  forward: ({ inputs: [logits, target], dtype }) =>
    kernels.softmaxCrossEntropy(logits.data, logits.shape[0]!, logits.shape[1]!, target.data, isIndices(target), dtype),
  // dL/dlogits = (softmax(logits) - y) / batch: the lecture's ŷ - y, per example, averaged (see logitsGradient).
  // The sums name the last two axes, so a tangent with a leading batch axis (jacfwd) keeps it.
  jvp: ({ primals: [logits, target], tangents: [dl, dt] }) => {
    const scale = 1 / logits.shape[0]!;
    const fromLogits = dl && sum(mul(logitsGradient(logits, target), dl), [-2, -1]);
    const fromTarget = dt && !isIndices(target) ? sum(mul(neg(logSoftmax(logits, -1)), dt), [-2, -1]) : null;
    const total = fromLogits && fromTarget ? fromLogits.add(fromTarget) : fromLogits ?? fromTarget;
    return total && mul(total, scale);
  },
  vjp: ({ primals: [logits, target], ct, needed }) => {
    const scale = mul(ct, 1 / logits.shape[0]!);
    return [
      needed[0] ? mul(logitsGradient(logits, target), scale) : null,
      needed[1] && !isIndices(target) ? mul(neg(logSoftmax(logits, -1)), scale) : null,
    ];
  },
  cost: ({ inputShapes: [l] }) => 6 * l[0]! * l[1]!, // max, subtract, exp, sum, log and the target's product, per logit
  test: {
    fixed: ([, target]) => (target.length === 1 ? [1] : []),
    cases: (g) => {
      const [b, c] = [g.int(1, 4), g.int(1, 5)];
      return { shapes: [[b, c], g.bool() ? [b] : [b, c]], params: undefined };
    },
    values: (g, [l, t]) => {
      const [batch, classes] = [l[0]!, l[1]!];
      const logits = Array.from({ length: batch * classes }, () => g.real(-3, 3));
      if (t.length === 1) return [logits, Array.from({ length: batch }, () => g.int(0, classes - 1))];
      // Rows that need not sum to one: the rule must hold for any non-negative weights.
      return [logits, Array.from({ length: batch * classes }, () => g.real(0, 1))];
    },
  },
};

/**
 * Softmax followed by cross-entropy, fused: the mean over the batch of −Σ_c y_c log softmax(logits)_c.
 * `target` is `[batch]` class indices or `[batch, classes]` probability (or one-hot) rows. Stable for
 * any logits (±1000 included), and its gradient with respect to the logits is exactly
 * (softmax(logits) − y) / batch.
 * @example
 * ```ts
 * const logits = tensor([[2, 0, 0]], { requiresGrad: true });
 * softmaxCrossEntropy(logits, tensor([0])).backward();
 * logits.grad?.toArray(); // [[softmax - 1, softmax, softmax]] ≈ [[-0.2248, 0.1124, 0.1124]]
 * ```
 */
export function softmaxCrossEntropy(logits: TensorLike, target: TensorLike): Tensor {
  return apply(softmaxCrossEntropyOp, [logits, target], undefined);
}

import { arange, eq, maximum, ShapeError, Tensor, valueCheck, ValueError } from "@tapegrad/core";

/**
 * The smallest probability whose log the probability losses take: e^−100, so log never returns −∞ and
 * the loss of a certain mistake is capped at 100 per term (PyTorch's `BCELoss` clamps its logs at −100
 * for the same reason). Below it the gradient is 0 rather than NaN.
 */
const MIN_PROBABILITY = Math.exp(-100);

/** Refuses a prediction or target that is not a tensor before any of its fields are read. */
function bothTensors(op: string, prediction: Tensor, target: Tensor): void {
  for (const [name, v] of [["prediction", prediction], ["target", target]] as const) {
    if (!(v instanceof Tensor)) throw new ValueError(op, `${name} must be a Tensor (got ${String(v)})`);
  }
}

function sameShape(op: string, prediction: Tensor, target: Tensor): void {
  bothTensors(op, prediction, target);
  const [p, t] = [prediction.shape, target.shape];
  if (p.length !== t.length || p.some((d, i) => d !== t[i])) {
    throw new ShapeError(op, `prediction and target must have the same shape`, [p, t]);
  }
}

/** Batch size: the leading dimension, or 1 for a scalar. */
const batchOf = (x: Tensor): number => (x.shape.length === 0 ? 1 : x.shape[0]!);

const safeLog = (p: Tensor): Tensor => maximum(p, MIN_PROBABILITY).log();

/**
 * The lecture's squared error ½‖y − ŷ‖² per example, averaged over the batch (the leading axis; a
 * scalar is one example). With an identity output its gradient with respect to the output of one
 * example is ŷ − y.
 * @example
 * ```ts
 * squaredError(tensor([[1, 2]]), tensor([[0, 0]])).item(); // ½(1 + 4) = 2.5
 * ```
 */
export function squaredError(prediction: Tensor, target: Tensor): Tensor {
  sameShape("squaredError", prediction, target);
  return prediction.sub(target).square().sum().mul(0.5 / batchOf(prediction));
}

/**
 * Mean of the squared differences over every element (PyTorch's `MSELoss` with `reduction="mean"`).
 * @example
 * ```ts
 * mseLoss(tensor([1, 3]), tensor([0, 0])).item(); // (1 + 9) / 2 = 5
 * ```
 */
export function mseLoss(prediction: Tensor, target: Tensor): Tensor {
  sameShape("mseLoss", prediction, target);
  return prediction.sub(target).square().mean();
}

/**
 * The target as rows of probabilities: `[batch, classes]` as given, or one-hot rows from `[batch]`
 * class indices (checked to be integers in range).
 */
function targetRows(op: string, probabilities: Tensor, target: Tensor): Tensor {
  bothTensors(op, probabilities, target);
  const [p, t] = [probabilities.shape, target.shape];
  if (p.length !== 2) throw new ShapeError(op, `prediction must be a [batch, classes] matrix`, [p, t]);
  if (t.length === 2 && t[0] === p[0] && t[1] === p[1]) return target;
  if (t.length !== 1 || t[0] !== p[0]) throw new ShapeError(op, `target must be [batch] class indices or [batch, classes] probabilities`, [p, t]);
  const classes = p[1]!;
  // A check of the labels, not a computation from them: under jit it runs on the traced call.
  const bad = valueCheck(() => target.data.findIndex((v) => !Number.isInteger(v) || v < 0 || v >= classes));
  if (bad >= 0) throw new ValueError(op, `target[${bad}] = ${valueCheck(() => target.data[bad])} is not a class index in [0, ${classes})`);
  return eq(target.reshape([p[0]!, 1]), arange(classes, undefined, 1, { dtype: probabilities.dtype }));
}

/**
 * The lecture's cross-entropy Σᵢ −yᵢ log ŷᵢ on predicted probabilities (a softmax output), averaged over
 * the batch. `target` is `[batch]` class indices or `[batch, classes]` probability rows. Through a
 * softmax its gradient with respect to the logits is ŷ − y per example; prefer the fused
 * `softmaxCrossEntropy` on logits, which is stable for any logits.
 * @example
 * ```ts
 * crossEntropy(tensor([[0.5, 0.25, 0.25]]), tensor([0])).item(); // −log 0.5 = 0.6931…
 * ```
 */
export function crossEntropy(probabilities: Tensor, target: Tensor): Tensor {
  const y = targetRows("crossEntropy", probabilities, target);
  return y.mul(safeLog(probabilities)).sum().mul(-1 / batchOf(probabilities));
}

/**
 * The lecture's binary cross-entropy −y log ŷ − (1 − y) log(1 − ŷ) on probabilities, averaged over every
 * element (PyTorch's `BCELoss`). Logs are clamped at −100 as PyTorch does.
 * @example
 * ```ts
 * binaryCrossEntropy(tensor([0.8]), tensor([1])).item(); // −log 0.8 = 0.2231…
 * ```
 */
export function binaryCrossEntropy(probabilities: Tensor, target: Tensor): Tensor {
  sameShape("binaryCrossEntropy", probabilities, target);
  const positive = target.mul(safeLog(probabilities));
  const negative = target.neg().add(1).mul(safeLog(probabilities.neg().add(1)));
  return positive.add(negative).mean().neg();
}

/**
 * Binary cross-entropy on logits z (before the sigmoid), averaged over every element (PyTorch's
 * `BCEWithLogitsLoss`). Written as softplus(z) − z·y = max(z, 0) − z·y + log(1 + e^−|z|), which never
 * overflows; its gradient is (sigmoid(z) − y) / count.
 * @example
 * ```ts
 * bceWithLogits(tensor([0]), tensor([1])).item(); // log 2 = 0.6931…
 * bceWithLogits(tensor([1000]), tensor([0])).item(); // 1000, not Infinity
 * ```
 */
export function bceWithLogits(logits: Tensor, target: Tensor): Tensor {
  sameShape("bceWithLogits", logits, target);
  return logits.softplus().sub(logits.mul(target)).mean();
}

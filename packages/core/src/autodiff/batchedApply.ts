import type { AnyOpRule } from "../ops/rule.js";
import { Tensor } from "../tensor.js";
import { engineOps } from "./engineOps.js";
import { sameShape } from "../shape.js";
import { alignBatch, batchedTangent, directionOf } from "./batching.js";

/**
 * How an op meets a `vmap` level: the inputs batched at that level are unpacked to their values (batch
 * axis first), the op runs on the whole batch by its `batching` rule (see OpRule) or once per example,
 * and the result is packed again as a tensor of one example's shape. Every op runs through here, so
 * rules written with tensor ops (the VJPs and JVPs) are batched too: `vmap(grad(f))` needs nothing more.
 * @internal
 */
export function applyBatched(rule: AnyOpRule, inputs: readonly Tensor[], params: unknown, level: number, apply: ApplyOp): Tensor {
  const values = inputs.map((t) => (t.batch?.level === level ? t.batch.value : null));
  const value = batchedValue(rule, inputs, values, params, apply);
  return new Tensor(null, value.shape.slice(1), value.dtype, null, { level, value });
}

/**
 * `apply` itself, passed in by apply.ts: the batched op runs through it again on the unpacked values, and
 * taking it as an argument keeps this module out of an import cycle with apply.ts.
 */
export type ApplyOp = (rule: AnyOpRule, inputs: readonly Tensor[], params: unknown) => Tensor;

/** Whether `inputs` hold a tensor batched at `level` (rather than a forward-mode dual of it). */
export function isBatchLevel(inputs: readonly Tensor[], level: number): boolean {
  return inputs.some((t) => t.batch?.level === level);
}

/**
 * The op's output for every example, `[B, ...out shape]`. The shape rule sees one example's shapes, and
 * only on the batched paths that never batch an index (a shape rule may read an index's values).
 */
function batchedValue(rule: AnyOpRule, inputs: readonly Tensor[], values: readonly (Tensor | null)[], params: unknown, apply: ApplyOp): Tensor {
  const positions = values.flatMap((v, i) => (v ? [i] : []));
  const batch = values[positions[0]!]!.shape[0]!;
  const indexBatched = positions.some((i) => rule.indexInputs?.includes(i) ?? false);
  if (typeof rule.batching === "function" && inputs.length === 1) return rule.batching(values[0]!, params);
  if (rule.batching === "broadcasts" && !indexBatched) {
    // Each batched input as [B, 1, ..., 1, ...shape]: broadcasting then pairs the examples' dims.
    const outShape = rule.shape({ inputs, params });
    return apply(rule, inputs.map((t, i) => (values[i] ? alignBatch(values[i], outShape.length) : t)), params);
  }
  if (rule.batching === "multilinear" && positions.length === 1 && !indexBatched) {
    // Linear in the one batched input: its batched JVP, with the batch as the tangent, is the output.
    const outShape = rule.shape({ inputs, params });
    const primals = inputs.map((t, i) => (values[i] ? new Tensor(null, t.shape, t.dtype) : t)); // read for their shapes only
    const out = new Tensor(null, outShape, values[positions[0]!]!.dtype);
    const result = batchedTangent(rule, { primals, tangents: values, out, params });
    if (result !== null) return sameShape(result.shape, [batch, ...outShape]) ? result : engineOps().broadcastTo(result, [batch, ...outShape]);
  }
  // One call per example, stacked: always right, whatever the op does with its axes.
  const rows = Array.from({ length: batch }, (_, k) => {
    const row = apply(rule, inputs.map((t, i) => (values[i] ? directionOf(values[i], k) : t)), params);
    return engineOps().reshape(row, [1, ...row.shape]);
  });
  return engineOps().concat(rows, 0);
}

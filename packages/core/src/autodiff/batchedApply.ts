import type { AnyOpRule } from "../ops/rule.js";
import { Tensor } from "../tensor.js";
import { engineOps } from "./engineOps.js";
import { ShapeError } from "../errors.js";
import { sameShape, type Shape } from "../shape.js";
import { alignBatch, directionOf } from "./batching.js";

/**
 * How an op meets a `vmap` level: the inputs batched at that level are unpacked to their values (batch
 * axis first), the op runs on the whole batch by its `batching` rule (see OpRule) or once per example,
 * and the result is packed again as a tensor of one example's shape. Every op runs through here, so
 * rules written with tensor ops (the VJPs and JVPs) are batched too: `vmap(grad(f))` and `jacfwd` (vmap
 * over the directions of a jvp) need nothing more.
 * @internal
 */
/**
 * `apply` itself, passed in by apply.ts: the batched op runs through it again on the unpacked values, and
 * taking it as an argument keeps this module out of an import cycle with apply.ts.
 */
export type ApplyOp = (rule: AnyOpRule, inputs: readonly Tensor[], params: unknown) => Tensor;

export function applyBatched(rule: AnyOpRule, inputs: readonly Tensor[], params: unknown, level: number, apply: ApplyOp): Tensor {
  const values = inputs.map((t) => (t.batch?.level === level ? t.batch.value : null));
  const value = batchedValue(rule, inputs, values, params, apply);
  return new Tensor(null, value.shape.slice(1), value.dtype, null, { level, value });
}

/** Whether `inputs` hold a tensor batched at `level` (rather than a forward-mode dual of it). */
export function isBatchLevel(inputs: readonly Tensor[], level: number): boolean {
  return inputs.some((t) => t.batch?.level === level);
}

/** The op's output for every example, `[B, ...out shape]`. */
function batchedValue(rule: AnyOpRule, inputs: readonly Tensor[], values: readonly (Tensor | null)[], params: unknown, apply: ApplyOp): Tensor {
  const size = values.find((v) => v !== null)!.shape[0]!;
  const batching = rule.batching;
  if (batching === undefined) return perExample(rule, inputs, values, params, size, apply);
  const outShape = exampleShape(rule, inputs, values, params);
  if (batching === "broadcasts") {
    // Each batched input as [B, 1, ..., 1, ...shape]: broadcasting then pairs the examples' dims.
    return apply(rule, inputs.map((t, i) => (values[i] ? alignBatch(values[i], outShape.length) : t)), params);
  }
  const out = batching({ values, inputs, params, size, outShape });
  const want = [size, ...outShape];
  if (sameShape(out.shape, want)) return out;
  // A rule may leave a result that broadcasts to the batch (a linear op of a shared zero, say); any other shape is a bug in it.
  try {
    return engineOps().broadcastTo(out, want);
  } catch {
    throw new ShapeError(rule.name, `its batching rule returned a batch that does not fit the output`, [out.shape, want]);
  }
}

/**
 * One example's output shape by the op's shape rule, which also checks one example's inputs. A rule that
 * reads an input's values (an index's bounds, class labels) is shown the first example's.
 */
function exampleShape(rule: AnyOpRule, inputs: readonly Tensor[], values: readonly (Tensor | null)[], params: unknown): Shape {
  const readsValues = values.some((v, i) => v !== null && (rule.indexInputs?.includes(i) || rule.readsValues?.includes(i)));
  return rule.shape({ inputs: readsValues ? inputs.map((t, i) => (values[i] ? firstExample(values[i]) : t)) : inputs, params });
}

/** The first example of a batch as a tensor whose values can be read: under nested vmaps, the first of every level's. */
function firstExample(values: Tensor): Tensor {
  let example = directionOf(values, 0);
  while (example.batch !== null) example = directionOf(example.batch.value, 0);
  return example;
}

/** One call per example, stacked: always right, whatever the op does with its axes. */
function perExample(rule: AnyOpRule, inputs: readonly Tensor[], values: readonly (Tensor | null)[], params: unknown, size: number, apply: ApplyOp): Tensor {
  const rows = Array.from({ length: size }, (_, k) => {
    const row = apply(rule, inputs.map((t, i) => (values[i] ? directionOf(values[i], k) : t)), params);
    return engineOps().reshape(row, [1, ...row.shape]);
  });
  return engineOps().concat(rows, 0);
}

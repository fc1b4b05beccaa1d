import type { OpRule } from "../ops/rule.js";
import { Tensor } from "../tensor.js";
import { apply } from "./apply.js";
import { checkReturned } from "./arguments.js";
import { withGradEnabled } from "./mode.js";

/**
 * A function of tensors made into a one-off primitive, with rules given as tensor code. `customVjp`,
 * `customJvp` and `checkpoint` are all this: the engine then handles them on its one path (`apply`):
 * forward-mode duals at every level, taping with only the inputs kept, anomaly detection.
 * @internal
 */
export interface FunctionOpSpec {
  /** The transform's name, which errors and the tape show. */
  readonly name: string;
  /** The output from concrete inputs; run once per call, with nothing taped. */
  run(inputs: readonly Tensor[]): Tensor;
  /** The output tangent; a missing input tangent comes as null. */
  jvp(primals: readonly Tensor[], tangents: readonly (Tensor | null)[], out: Tensor): Tensor | null;
  /** The input cotangents (null for none) from the output's. */
  vjp(ct: Tensor, primals: readonly Tensor[], out: Tensor, needed: readonly boolean[]): readonly (Tensor | null)[];
}

/** The concrete value under every forward-mode level. @internal */
export function concrete(t: Tensor): Tensor {
  return t.dual ? concrete(t.dual.primal) : t;
}

/**
 * Applies the function op to `inputs`. The output is computed once, from the inputs' concrete values,
 * and shared by the shape rule, the kernel and every forward-mode level that `apply` unpacks.
 */
export function applyFunctionOp(spec: FunctionOpSpec, inputs: readonly Tensor[]): Tensor {
  // Kept for the concrete inputs it was computed from (the shape rule, the kernel and vmap's batching all ask).
  let cache: { inputs: Tensor[]; value: Tensor } | null = null;
  const evaluate = (xs: readonly Tensor[]): Tensor => {
    const inputs = xs.map(concrete);
    if (cache === null || inputs.some((x, i) => x !== cache!.inputs[i])) {
      cache = { inputs, value: withGradEnabled(false, () => checkReturned(spec.name, spec.run(inputs))) };
    }
    return cache.value;
  };
  // Integer inputs (labels, indices) are passed as they are, never promoted to the floats' dtype.
  const indexInputs = inputs.flatMap((x, i) => (x.dtype === "int32" ? [i] : []));
  const rule: OpRule<readonly Tensor[]> = {
    name: spec.name,
    arity: "variadic",
    takesInt32: true,
    indexInputs,
    shape: ({ inputs }) => evaluate(inputs).shape,
    dtype: ({ inputs }) => evaluate(inputs).dtype,
    forward: ({ inputs }) => evaluate(inputs).data.slice(), // a copy: f may return its input, whose values an optimizer may update in place
    // Under vmap, f is tensor code: run once on the batched inputs, it computes every example at once.
    batching: ({ inputs, values }) => {
      const out = evaluate(inputs);
      const level = inputs[values.findIndex((v) => v !== null)]!.batch!.level;
      return out.batch?.level === level ? out.batch.value : out; // an output no example changes is broadcast over the batch
    },
    jvp: ({ primals, tangents, out }) => spec.jvp(primals, tangents, out),
    vjp: ({ ct, primals, out, needed }) => spec.vjp(ct, primals, out, needed),
    cost: () => 0,
    test: {},
  };
  return apply(rule, inputs, undefined);
}

import type { DType, Storage } from "../dtype.js";
import { isFloat, promote, scalarStorage } from "../dtype.js";
import { describeValue, DTypeError, GradError, notATensor, ShapeError, ValueError } from "../errors.js";
import { MAX_ELEMENTS, sameShape, sizeOf } from "../shape.js";
import type { AnyOpRule, Inputs, OpRule, PerInput } from "../ops/rule.js";
import { Tensor, type TensorLike } from "../tensor.js";
import { isGradEnabled, isLevelOpen } from "./mode.js";
import { asEngine, hooks, runRule, valueReads } from "./hooks.js";
import { engineOps } from "./engineOps.js";
import { applyBatched, isBatchLevel } from "./batchedApply.js";

/** How many nodes have been recorded: the last node's `sequence`. */
let recorded = 0;

/** The `sequence` of the last node recorded so far; every node recorded later has a larger one. */
export function lastSequence(): number {
  return recorded;
}

/**
 * Applies a primitive to its inputs. This is the one place where an op meets the autodiff machinery:
 *
 * 1. numbers become scalars of the inputs' common dtype, and mixed dtypes are promoted by a taped cast;
 * 2. an int32 input of an op that does not take integers is refused, then the op's shape rule validates
 *    the inputs, all before any kernel runs;
 * 3. if the highest level among the inputs is a vmap's, the op runs on the whole batch (batchedApply.ts);
 *    if any input is a forward-mode dual, the inputs are unpacked at the highest level present, the op is
 *    applied to the primals (recursively, so lower levels are handled the same way) and the JVP rule
 *    pushes the tangents through; otherwise the forward kernel runs on the concrete values;
 * 4. if grad mode is on and an input requires grad, the output is taped, unless it is int32 (integers
 *    carry no derivative, as in PyTorch, where argmax's result does not require grad).
 */
export function apply<I extends Inputs, P>(op: OpRule<I, P>, args: PerInput<I, TensorLike>, params: P): Tensor {
  // Under a tracer's guard (jit), the kernels' and shape rules' reads of values are the engine's own.
  if (valueReads.check !== null && valueReads.depth === 0) return asEngine(() => applyChecked(op, args, params));
  return applyChecked(op, args, params);
}

function applyChecked<I extends Inputs, P>(op: OpRule<I, P>, args: PerInput<I, TensorLike>, params: P): Tensor {
  // Each rule is typed over its own inputs and params; from here on the engine holds it as any rule.
  const rule = op as unknown as AnyOpRule;
  checkArity(rule, args);
  const indices = rule.indexInputs ?? [];
  const inputs = indices.length === 0 ? coerce(rule.name, args) : coerceAroundIndices(rule.name, args, indices);
  if (!rule.takesInt32) refuseInt32(rule.name, inputs, indices);
  const level = topLevel(rule.name, inputs);
  const out = level > 0 && isBatchLevel(inputs, level) ? applyBatched(rule, inputs, params, level, apply) : applyUnbatched(rule, inputs, params, level);
  if (!rule.constant && isFloat(out.dtype) && isGradEnabled() && inputs.some((t) => t.requiresGrad)) {
    out.node = { rule, inputs, params, released: false, walk: 0, sequence: ++recorded };
    out.requiresGrad = true;
    for (const hook of hooks.recorded) hook(out);
  }
  return out;
}

/** Steps 2 and 3 for inputs that no vmap level batches at the top: the shape rule, then duals or the kernel. */
function applyUnbatched(rule: AnyOpRule, inputs: readonly Tensor[], params: unknown, level: number): Tensor {
  const outShape = rule.shape({ inputs, params });
  checkAllocatable(rule.name, outShape, inputs);
  return level > 0 ? applyDual(rule, inputs, params, level) : applyKernel(rule, inputs, params, outShape);
}

function applyKernel(rule: AnyOpRule, inputs: readonly Tensor[], params: unknown, outShape: readonly number[]): Tensor {
  const dtype = rule.dtype?.({ inputs, params }) ?? inputs[0]?.dtype ?? "float32";
  const out = new Tensor(checkStorage(rule.name, rule.forward({ inputs, params, outShape, dtype }), outShape, dtype), outShape, dtype);
  if (hooks.kernel.length > 0) {
    const event = { rule, inputs, out, params, outShape };
    for (const hook of hooks.kernel) hook(event);
  }
  return out;
}

function applyDual(rule: AnyOpRule, inputs: readonly Tensor[], params: unknown, level: number): Tensor {
  const primals = inputs.map((t) => (t.dual?.level === level ? t.dual.primal : t));
  const tangents = inputs.map((t) => (t.dual?.level === level ? t.dual.tangent : null));
  const primal = apply(rule, primals, params);
  if (rule.constant || !isFloat(primal.dtype) || tangents.every((dt) => dt === null)) return new Tensor(null, primal.shape, primal.dtype, { level, primal, tangent: null });
  const context = { primals, tangents, out: primal, params };
  const run = (): Tensor | null => rule.jvp(context);
  const tangent = hooks.rule.length > 0 ? runRule("jvp", rule.name, null, run) : run();
  return new Tensor(null, primal.shape, primal.dtype, { level, primal, tangent: tangent && fitTangent(rule.name, tangent, primal) });
}

/** Refuses a call with more or fewer inputs than the op's arity, before anything reads them. */
function checkArity(rule: AnyOpRule, args: readonly unknown[]): void {
  if (!Array.isArray(args)) throw new ValueError(rule.name, `expected an array of inputs, got ${describeValue(args)}`);
  if (rule.arity !== "variadic" && args.length !== rule.arity) {
    throw new ValueError(rule.name, `takes ${rule.arity} input${rule.arity === 1 ? "" : "s"}, got ${args.length}`);
  }
}

/**
 * Refuses a forward kernel's result that is not a typed array of the output's dtype and size. Built-in
 * kernels always pass; a user's op could otherwise make a tensor that reads past its values as undefined.
 */
function checkStorage(op: string, storage: unknown, outShape: readonly number[], dtype: DType): Storage {
  const expected = dtype === "float64" ? Float64Array : dtype === "int32" ? Int32Array : Float32Array;
  if (!(storage instanceof expected) || storage.length !== sizeOf(outShape)) {
    throw new ValueError(op, `forward must return a ${expected.name} of ${sizeOf(outShape)} elements for its ${dtype}[${outShape.join(",")}] output, got ${describeValue(storage)}`);
  }
  return storage;
}

/** Broadcasts a JVP result to the tangent's shape (rules may leave it in a broadcastable shape) and checks it. */
function fitTangent(op: string, tangent: Tensor, out: Tensor): Tensor {
  const shape = out.shape;
  if (tangent.dtype !== out.dtype) throw new DTypeError(op, `JVP rule returned a ${tangent} tangent for a ${out} output`);
  if (sameShape(tangent.shape, shape)) return tangent;
  try {
    return engineOps().broadcastTo(tangent, shape);
  } catch {
    throw new ShapeError(op, `JVP rule returned a tangent that does not fit the output`, [tangent.shape, shape]);
  }
}

/**
 * Throws the DTypeError for an int32 input (other than an index) of an op that needs floating-point
 * inputs. Exported for composites that must refuse integers under their own name (mean).
 */
export function refuseInt32(op: string, inputs: readonly TensorLike[], indices: readonly number[] = []): void {
  for (let i = 0; i < inputs.length; i++) {
    const t = inputs[i];
    if (t instanceof Tensor && t.dtype === "int32" && !indices.includes(i)) {
      throw new DTypeError(op, `takes floating-point tensors, got an ${t} input (cast it to float32 or float64 first)`);
    }
  }
}

/** Refuses an output too large for a typed array before any kernel tries to allocate it. */
function checkAllocatable(op: string, outShape: readonly number[], inputs: readonly Tensor[]): void {
  if (sizeOf(outShape) > MAX_ELEMENTS) {
    throw new ShapeError(op, `the output [${outShape.join(",")}] would have ${sizeOf(outShape)} elements, more than can be allocated (${MAX_ELEMENTS})`, inputs.map((x) => x.shape));
  }
}

/** The highest forward-mode or vmap level among the inputs (0: none), refusing one whose transform has ended. */
function topLevel(op: string, inputs: readonly Tensor[]): number {
  let level = 0;
  for (const t of inputs) {
    if (t.dual !== null) {
      if (!isLevelOpen(t.dual.level)) throw new GradError(op, `a forward-mode tangent escaped the jvp that created it`);
      if (t.dual.level > level) level = t.dual.level;
    }
    if (t.batch !== null) {
      if (!isLevelOpen(t.batch.level)) throw new ValueError(op, `a tensor batched by vmap escaped the vmap that created it`);
      if (t.batch.level > level) level = t.batch.level;
    }
  }
  return level;
}

/**
 * `coerce` for an op with index inputs: each index must already be an int32 tensor, and only the other
 * inputs are promoted to their common dtype (an index promoted to float would no longer be an index).
 */
function coerceAroundIndices(op: string, args: readonly TensorLike[], indices: readonly number[]): readonly Tensor[] {
  for (const i of indices) {
    const a = args[i];
    if (!(a instanceof Tensor) || a.dtype !== "int32") {
      const hint = a instanceof Tensor ? ` (cast it with .cast("int32"))` : "";
      throw new DTypeError(op, `the index (input ${i}) must be an int32 tensor, got ${describeValue(a)}${hint}`);
    }
  }
  const values = coerce(op, args.filter((_, i) => !indices.includes(i)));
  let next = 0;
  return args.map((a, i) => (indices.includes(i) ? (a as Tensor) : values[next++]!));
}

/** Turns numbers into scalar tensors and promotes mixed dtypes (see `promote`). */
function coerce(op: string, args: readonly TensorLike[]): readonly Tensor[] {
  if (allTensorsOfOneDType(args)) return args; // the common case, kept free of allocation
  let dtype: DType | null = null;
  for (const a of args) {
    if (a instanceof Tensor) dtype = dtype === null ? a.dtype : promote(dtype, a.dtype);
    else if (typeof a !== "number") throw notATensor(op, "each input", a);
  }
  // A fractional number meeting int32 tensors makes the result float32, as PyTorch's `int_tensor * 0.5` does.
  const common = dtype === "int32" && args.some((a) => typeof a === "number" && !Number.isInteger(a)) ? "float32" : (dtype ?? "float32");
  return args.map((a) => {
    if (typeof a === "number") return new Tensor(scalarStorage(common, a), [], common);
    return a.dtype === common ? a : engineOps().cast(a, common);
  });
}

function allTensorsOfOneDType(args: readonly TensorLike[]): args is readonly Tensor[] {
  const first = args[0];
  if (!(first instanceof Tensor)) return false;
  for (let i = 1; i < args.length; i++) {
    const a = args[i];
    if (!(a instanceof Tensor) || a.dtype !== first.dtype) return false;
  }
  return true;
}

import type { Shape } from "../shape.js";
import type { Tensor } from "../tensor.js";
import type { AnyOpRule } from "../ops/rule.js";
import type { Storage } from "../dtype.js";

/** What a hook learns each time a primitive's kernel runs on concrete values. */
export interface KernelEvent {
  readonly rule: AnyOpRule;
  readonly inputs: readonly Tensor[];
  readonly out: Tensor;
  readonly params: unknown;
  readonly outShape: Shape;
}

/**
 * A change of state that is not a primitive's output, as the engine reports it to the `effect` hook:
 * `jit` records these in its program, in order with the primitives, so that a compiled step updates
 * parameters, gradients and optimizer state exactly as the eager step does.
 *
 * - `setGrad`: a tensor's `.grad` was assigned (`backward()` accumulating, `zeroGrad()` clearing it);
 * - `readGrad`: a tensor's `.grad` was read (`null` when it had none);
 * - `update`: `updateInPlace(name, run, reads)` ran `run` on the values of `reads`, writing tensors'
 *   storage in place (an optimizer's step); replaying the effect calls `run` again on the values `reads`
 *   have then;
 * - `random`: a random tensor was drawn; `fill` draws the same way (from the same generator, which moves
 *   on) into another array of its size.
 */
export type StateEffect =
  | { readonly kind: "setGrad"; readonly target: Tensor; readonly value: Tensor | null }
  | { readonly kind: "readGrad"; readonly target: Tensor; readonly value: Tensor | null }
  | { readonly kind: "update"; readonly name: string; readonly run: (...reads: Storage[]) => void; readonly reads: readonly Tensor[] }
  | { readonly kind: "random"; readonly out: Tensor; readonly fill: (into: Storage) => void };

/**
 * The one way debugging and measuring aids plug into the engine (anomaly detection, the kernel observers
 * that `profile` and exporters use, tape statistics). Each field is optional; the engine calls the
 * installed ones and, with none installed, pays one length test per event.
 */
export interface EngineHooks {
  /** A primitive's kernel ran: every unit of work, forward, JVP or VJP, is some kernel running. */
  readonly kernel?: (event: KernelEvent) => void;
  /** `out` was taped (its node is new). */
  readonly recorded?: (out: Tensor) => void;
  /** A backward pass released `out`'s node. */
  readonly released?: (out: Tensor) => void;
  /**
   * Wraps the evaluation of an op's JVP or VJP rule (`run`), for `out`, the op's output (the VJP's) or
   * null (a JVP's, whose output does not exist yet), so that what the rule does is blamed on it.
   */
  readonly rule?: <T>(kind: "jvp" | "vjp", op: string, out: Tensor | null, run: () => T) => T;
  /** A change of state that is not a primitive's output (see `StateEffect`). */
  readonly effect?: (effect: StateEffect) => void;
}

const installed: EngineHooks[] = [];
/** The installed hooks of each kind, kept as arrays so that the engine's test is a length. @internal */
export const hooks = {
  kernel: [] as ((event: KernelEvent) => void)[],
  recorded: [] as ((out: Tensor) => void)[],
  released: [] as ((out: Tensor) => void)[],
  rule: [] as NonNullable<EngineHooks["rule"]>[],
  effect: [] as ((effect: StateEffect) => void)[],
};

/**
 * The guard on reading values (`Tensor.data`): `check` is installed by a tracer (`jit`) to refuse reads of
 * traced values by the user's code, and `depth` counts the engine's own frames (inside `apply`, an
 * in-place update), whose reads are the kernels' and always allowed. @internal
 */
export const valueReads = { depth: 0, check: null as ((t: Tensor) => void) | null };

/** Runs `fn` as engine code: its reads of values pass the tracer's guard. @internal */
export function asEngine<T>(fn: () => T): T {
  valueReads.depth++;
  try {
    return fn();
  } finally {
    valueReads.depth--;
  }
}

function rebuild(): void {
  hooks.kernel = installed.flatMap((h) => (h.kernel ? [h.kernel] : []));
  hooks.recorded = installed.flatMap((h) => (h.recorded ? [h.recorded] : []));
  hooks.released = installed.flatMap((h) => (h.released ? [h.released] : []));
  hooks.rule = installed.flatMap((h) => (h.rule ? [h.rule] : []));
  hooks.effect = installed.flatMap((h) => (h.effect ? [h.effect] : []));
}

/** Reports `effect` to the installed `effect` hooks. @internal */
export function reportEffect(effect: StateEffect): void {
  for (const hook of hooks.effect) hook(effect);
}

/**
 * Runs `fn` with no hook installed and its value reads allowed: what an in-place update does is the update
 * itself, not primitives for an observer to record. @internal
 */
export function unobserved<T>(fn: () => T): T {
  const saved = { ...hooks };
  hooks.kernel = [];
  hooks.recorded = [];
  hooks.released = [];
  hooks.rule = [];
  hooks.effect = [];
  try {
    return asEngine(fn);
  } finally {
    Object.assign(hooks, saved);
  }
}

/**
 * Installs `h` until the returned function is called.
 * @example
 * ```ts
 * const remove = installHooks({ recorded: (out) => console.log("taped", out.shape) });
 * try { x.mul(x); } finally { remove(); }
 * ```
 */
export function installHooks(h: EngineHooks): () => void {
  installed.push(h);
  rebuild();
  return () => {
    const at = installed.indexOf(h);
    if (at >= 0) installed.splice(at, 1);
    rebuild();
  };
}

/** Runs `fn` with `h` installed. */
export function withHooks<T>(h: EngineHooks, fn: () => T): T {
  const remove = installHooks(h);
  try {
    return fn();
  } finally {
    remove();
  }
}

/** Runs an op's JVP or VJP rule through the installed `rule` hooks (outermost first). @internal */
export function runRule<T>(kind: "jvp" | "vjp", op: string, out: Tensor | null, run: () => T): T {
  let wrapped = run;
  for (let i = hooks.rule.length - 1; i >= 0; i--) {
    const hook = hooks.rule[i]!;
    const inner = wrapped;
    wrapped = () => hook(kind, op, out, inner);
  }
  return wrapped();
}

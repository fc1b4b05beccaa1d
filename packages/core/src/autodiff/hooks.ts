import type { Shape } from "../shape.js";
import type { Tensor } from "../tensor.js";
import type { AnyOpRule } from "../ops/rule.js";

/** What a hook learns each time a primitive's kernel runs on concrete values. */
export interface KernelEvent {
  readonly rule: AnyOpRule;
  readonly inputs: readonly Tensor[];
  readonly out: Tensor;
  readonly params: unknown;
  readonly outShape: Shape;
}

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
}

const installed: EngineHooks[] = [];
/** The installed hooks of each kind, kept as arrays so that the engine's test is a length. @internal */
export const hooks = {
  kernel: [] as ((event: KernelEvent) => void)[],
  recorded: [] as ((out: Tensor) => void)[],
  released: [] as ((out: Tensor) => void)[],
  rule: [] as NonNullable<EngineHooks["rule"]>[],
};

function rebuild(): void {
  hooks.kernel = installed.flatMap((h) => (h.kernel ? [h.kernel] : []));
  hooks.recorded = installed.flatMap((h) => (h.recorded ? [h.recorded] : []));
  hooks.released = installed.flatMap((h) => (h.released ? [h.released] : []));
  hooks.rule = installed.flatMap((h) => (h.rule ? [h.rule] : []));
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

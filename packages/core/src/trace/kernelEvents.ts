import { observeKernels } from "../autodiff/observers.js";
import type { AnyOpRule } from "../ops/rule.js";
import type { Tensor } from "../tensor.js";

/** One primitive application as the tracer records it. */
export interface RecordedKernel {
  readonly rule: AnyOpRule;
  readonly inputs: readonly Tensor[];
  readonly out: Tensor;
  readonly params: unknown;
}

/**
 * Runs `fn`, handing `onKernel` every primitive kernel that runs inside it. The one place the tracer
 * touches the engine's kernel-event hook, so a change to that hook is absorbed here.
 */
export function recordKernels<T>(fn: () => T, onKernel: (kernel: RecordedKernel) => void): T {
  return observeKernels((event) => onKernel({ rule: event.rule, inputs: event.inputs, out: event.out, params: event.params }), fn);
}

import type { Shape } from "../shape.js";
import type { Tensor } from "../tensor.js";
import type { AnyOpRule } from "../ops/rule.js";

/** What an observer learns each time a primitive's kernel runs on concrete values. */
export interface KernelEvent {
  readonly rule: AnyOpRule;
  readonly inputs: readonly Tensor[];
  readonly out: Tensor;
  readonly params: unknown;
  readonly outShape: Shape;
}

/**
 * Observers of kernel executions (the cost meter, anomaly detection). Every unit of work tapegrad does,
 * forward, JVP or VJP, is some primitive's kernel running, so this one hook sees all of it.
 */
const observers = new Set<(event: KernelEvent) => void>();

export function hasObservers(): boolean {
  return observers.size > 0;
}

export function notifyKernel(event: KernelEvent): void {
  for (const observe of observers) observe(event);
}

/** Runs `fn` with `observer` seeing every kernel execution inside it. */
export function observeKernels<T>(observer: (event: KernelEvent) => void, fn: () => T): T {
  observers.add(observer);
  try {
    return fn();
  } finally {
    observers.delete(observer);
  }
}

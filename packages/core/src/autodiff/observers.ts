import { withHooks, type KernelEvent } from "./hooks.js";

export type { KernelEvent } from "./hooks.js";

/**
 * Runs `fn` with `observer` seeing every kernel execution inside it (the cost meter, an exporter tracing
 * a program). Every unit of work tapegrad does, forward, JVP or VJP, is some primitive's kernel running,
 * so this one hook sees all of it. A `kernel` hook of the engine's hook interface (hooks.ts).
 * @example
 * ```ts
 * const names: string[] = [];
 * observeKernels((e) => names.push(e.rule.name), () => tensor([1, 2]).exp().sum());
 * names; // ["exp", "sum"]
 * ```
 */
export function observeKernels<T>(observer: (event: KernelEvent) => void, fn: () => T): T {
  return withHooks({ kernel: observer }, fn);
}

import type { Kernels } from "./backend.js";
import { fastKernels } from "./fast.js";

/**
 * The backend that the primitives' forward kernels run on (a live binding: ops read it at each call).
 * The fast backend is the default; tests switch to the reference to compare the two.
 */
export let kernels: Kernels = fastKernels;

/**
 * Makes `next` the active backend and returns the previous one.
 * @example
 * ```ts
 * const previous = useKernels(referenceKernels);
 * try { ... } finally { useKernels(previous); }
 * ```
 */
export function useKernels(next: Kernels): Kernels {
  const previous = kernels;
  kernels = next;
  return previous;
}

import { ValueError } from "../errors.js";
import { referenceKernels, type Kernels } from "./backend.js";
import { fastKernels } from "./fast.js";

/**
 * The backend that the primitives' forward kernels run on (a live binding: ops read it at each call).
 * The fast backend is the default; tests switch to the reference to compare the two.
 */
export let kernels: Kernels = fastKernels;

/**
 * Makes `next` the active backend and returns the previous one (core's own tests install wrapped
 * backends this way; users choose by name with `setKernels`).
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

/** The kernel backends by name: `"fast"` (the default) and `"reference"`. */
export type KernelBackend = "fast" | "reference";

const backends: Readonly<Record<KernelBackend, Kernels>> = { fast: fastKernels, reference: referenceKernels };

/**
 * Chooses the kernels every op runs on: `"fast"` (the default: WebAssembly SIMD for matmul and for the
 * kernels other packages register, such as optim's Adam update; loops with no call per element for the rest) or `"reference"` (plain TypeScript loops, the semantics
 * the fast kernels are tested against; slow). The two agree to rounding, not bit for bit, so a run
 * should keep one (docs/reliability.md). Returns the previous choice.
 * @example
 * ```ts
 * const previous = setKernels("reference"); // check a result against the plain loops
 * try { model.forward(x); } finally { setKernels(previous); }
 * ```
 */
export function setKernels(name: KernelBackend): KernelBackend {
  const next = (backends as Record<string, Kernels>)[name];
  if (next === undefined || !Object.hasOwn(backends, name)) {
    throw new ValueError("setKernels", `expected "fast" or "reference", got ${typeof name === "string" ? `"${name}"` : String(name)}`);
  }
  const previous = useKernels(next);
  return previous === referenceKernels ? "reference" : "fast";
}

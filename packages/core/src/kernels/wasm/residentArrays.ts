import type { Storage } from "../../dtype.js";
import { kernels } from "../active.js";
import { residentAddress, residentArray, residentBytes } from "./resident.js";
import { wasmRuntime } from "./runtime.js";

/**
 * Resident arrays for other packages (`@tapegrad/core/wasm`): float32 arrays that live in core's
 * WebAssembly memory, where registered kernels (`runInBlocks`) and core's own work on them in place.
 * A jit program keeps its buffers and the parameters it updates there; an optimizer keeps a resident
 * parameter's moments beside it.
 */

/**
 * Whether `array` lives in core's WebAssembly memory, so kernels read and write it in place.
 * @example
 * ```ts
 * isResident(new Float32Array(4)); // false
 * ```
 */
export function isResident(array: Storage): boolean {
  return residentAddress(array) !== undefined;
}

/**
 * A zeroed resident float32 array of `length` elements, or null where none can be made (no WebAssembly
 * SIMD, the reference kernels active, or a memory that is not shared: a page without cross-origin
 * isolation). Its bytes are reused once it is unreachable.
 * @example
 * ```ts
 * const m = residentZeros(1000) ?? new Float32Array(1000); // an Adam moment beside a resident parameter
 * ```
 */
export function residentZeros(length: number): Float32Array | null {
  if (kernels.name !== "fast") return null;
  const rt = wasmRuntime();
  return rt === null ? null : residentArray(rt, length);
}

/**
 * A resident copy of a float32 array, or null where `residentZeros` gives none.
 * @example
 * ```ts
 * const p = residentCopy(Float32Array.of(1, 2, 3)); // Float32Array [1, 2, 3] in WebAssembly memory, or null
 * ```
 */
export function residentCopy(values: Float32Array): Float32Array | null {
  const copy = residentZeros(values.length);
  copy?.set(values);
  return copy;
}

/** The size of core's WebAssembly memory and how much of it resident arrays take (see {@link wasmMemoryUsage}). */
export interface WasmMemoryUsage {
  /** The memory's size in bytes (0 before any kernel has run, or without WebAssembly SIMD). */
  readonly bytes: number;
  /** The top of the resident arrays' regions: the kernels' scratch space starts above it. */
  readonly resident: number;
  /** Bytes freed below that top (arrays collected), which new resident arrays reuse first. */
  readonly residentFree: number;
}

/**
 * How big core's WebAssembly memory is and how much of it holds resident arrays: a long training loop of
 * fixed shapes, eager or under `jit`, stops growing both after its first steps (`pnpm bench:soak` checks).
 * @example
 * ```ts
 * const { bytes, resident } = wasmMemoryUsage(); // e.g. 4.3 MB of memory, 1.9 MB of it resident arrays
 * ```
 */
export function wasmMemoryUsage(): WasmMemoryUsage {
  const rt = kernels.name === "fast" ? wasmRuntime() : null;
  const { end, free } = residentBytes();
  return { bytes: rt?.memory.buffer.byteLength ?? 0, resident: end, residentFree: free };
}

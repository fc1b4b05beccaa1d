import { Regions, type Region } from "./regions.js";
import { reserve, type WasmRuntime } from "./runtime.js";

/**
 * Float32 arrays that live in the runtime's WebAssembly memory, so that kernels work on them where they
 * are instead of copying them in and out: a jit program's buffers, the parameters it updates, an
 * optimizer's moments. A resident array is an ordinary Float32Array to everything else (a view of the
 * memory's SharedArrayBuffer), and tensors over it behave as any other.
 *
 * Only a shared memory can hold them: growing a shared memory leaves views of its old buffer valid (they
 * see the same bytes), while growing an unshared one detaches every view. Where the memory is not shared
 * (a page that is not cross-origin isolated) `residentArray` returns null and callers keep ordinary arrays.
 *
 * Layout: resident regions sit at the bottom of the memory, each rounded up to 16 bytes (a SIMD vector,
 * so a kernel may run whole vectors over the padding, which belongs to the array); the kernels' scratch
 * space starts above the highest of them (`scratchBase`). A region is reused after its array has been
 * garbage collected (a FinalizationRegistry returns it to the free list). So a subarray must not outlive
 * the array it was cut from, which no kernel does; the memory never shrinks, and a training loop of
 * fixed shapes stops growing it after its first step.
 */

const ALIGN = 16;

/** Where each resident array starts (byte address), by the array object itself. */
const addresses = new WeakMap<Float32Array, number>();
/** The resident regions; the scratch space starts at their top. */
const regions = new Regions();
const registry = new FinalizationRegistry<Region>((region) => regions.release(region));

/** The first byte the kernels may use as scratch: above every resident region. */
export function scratchBase(): number {
  return regions.end;
}

/**
 * A zeroed float32 array of `length` elements in the runtime's memory, or null where the memory is not
 * shared (see above). Its bytes are returned for reuse once the array is unreachable.
 * @example
 * ```ts
 * const a = residentArray(wasmRuntime()!, 100); // a Float32Array(100); residentAddress(a) is its byte address
 * ```
 */
export function residentArray(rt: WasmRuntime, length: number): Float32Array | null {
  if (!rt.shared) return null;
  const bytes = Math.max(ALIGN, Math.ceil((length * 4) / ALIGN) * ALIGN);
  const offset = regions.take(bytes);
  reserve(rt, regions.end);
  const array = new Float32Array(rt.memory.buffer, offset, length);
  new Float32Array(rt.memory.buffer, offset, bytes / 4).fill(0); // a reused region holds old values
  addresses.set(array, offset);
  registry.register(array, { offset, bytes });
  return array;
}

/**
 * A float32 view of `length` elements at byte `offset` inside the resident array `root` (a jit program's
 * arena), itself resident: kernels find its address. The caller keeps `root` reachable as long as the
 * view is used (its bytes are root's), and keeps views within root, each padded to 16 bytes.
 * @example
 * ```ts
 * const arena = residentArray(wasmRuntime()!, 64)!;
 * const second = residentView(arena, 128, 16); // floats 32..47 of the arena
 * ```
 */
export function residentView(root: Float32Array, offset: number, length: number): Float32Array {
  const base = addresses.get(root);
  if (base === undefined || offset % ALIGN !== 0 || offset + length * 4 > root.length * 4) {
    throw new RangeError(`residentView: ${length} floats at byte ${offset} do not fit a resident array of ${root.length}`);
  }
  const view = new Float32Array(root.buffer, root.byteOffset + offset, length);
  addresses.set(view, base + offset);
  return view;
}

/** The byte address of a resident array (made by `residentArray`), or undefined for any other array. */
export function residentAddress(array: ArrayLike<number>): number | undefined {
  return array instanceof Float32Array ? addresses.get(array) : undefined;
}

/** The top of the resident regions and the bytes free below it, for tests and the soak benchmark. */
export function residentBytes(): { readonly end: number; readonly free: number } {
  return { end: regions.end, free: regions.free.reduce((n, r) => n + r.bytes, 0) };
}

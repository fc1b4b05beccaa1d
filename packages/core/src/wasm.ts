/**
 * @tapegrad/core/wasm: how another package brings a WebAssembly kernel of its own and runs it on core's
 * shared WebAssembly memory, next to core's kernels: `defineWasmKernel` (a module from bytes or from
 * functions written with the assembler below, compiled on first use, running only where core's fast
 * kernels run), `runInBlocks` (stages long float32 arrays through the memory a block at a time, or runs in
 * place on resident arrays), resident arrays (`residentZeros`, `residentCopy`, `isResident`: float32
 * arrays that live in that memory, as a jit program's buffers and parameters do), `wasmMemoryUsage`, and
 * the small assembler core's own kernels are written with. `@tapegrad/optim`'s Adam update is written this way.
 *
 * @example
 * ```ts
 * import { defineWasmKernel, runInBlocks, type Func } from "@tapegrad/core/wasm";
 * const kernel = defineWasmKernel<{ scale(at: number, groups: number): void }>({ name: "scale", build: () => [scaleFunc] });
 * const k = kernel.acquire();
 * if (k === null) plainLoop(x); // no SIMD here, or setKernels("reference")
 * else runInBlocks(k, { operands: [x], updated: [0] }, ([at], groups) => k.exports.scale(at!, groups));
 * ```
 * @packageDocumentation
 */
export { defineWasmKernel, runInBlocks } from "./kernels/wasm/registered.js";
export type { BlockStaging, WasmBuildContext, WasmKernel, WasmKernelDefinition, WasmKernelInstance } from "./kernels/wasm/registered.js";
export * from "./kernels/wasm/assembler.js";
export { isResident, residentCopy, residentZeros, wasmMemoryUsage } from "./kernels/wasm/residentArrays.js";
export type { WasmMemoryUsage } from "./kernels/wasm/residentArrays.js";

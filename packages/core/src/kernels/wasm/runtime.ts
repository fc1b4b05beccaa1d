import { module, type Func, type MemoryImport } from "./assembler.js";
import { gemmFunc, matmulRangeFunc, packAFunc, packBFunc } from "./gemm.js";
import { sumRowsFunc } from "./sumRows.js";
import { placeRowsFunc } from "./placeRows.js";
import { ValueError } from "../../errors.js";

/**
 * The one WebAssembly instance behind the fast kernels, and the linear memory it works in. Tensor storage
 * stays in ordinary typed arrays (the garbage collector frees them); operands are packed into this
 * memory, worked on, and copied out. WebAssembly memory cannot shrink, so it is sized to the largest
 * recent need and then reused: a training loop of fixed shapes stops growing it after its first step.
 *
 * The memory is shared (a SharedArrayBuffer) where the platform allows it, so worker threads can run the
 * same kernels on it; otherwise it is ordinary memory and everything runs on the calling thread.
 */

/**
 * The part of the WebAssembly JavaScript API used here, typed locally: the project's TypeScript libs
 * (ES2022, no DOM) do not declare it, and this keeps the kernels free of DOM and Node types alike.
 */
interface WasmMemory {
  readonly buffer: ArrayBuffer | SharedArrayBuffer;
  grow(pages: number): number;
}
interface WasmApi {
  validate(bytes: Uint8Array<ArrayBuffer>): boolean;
  Memory: new (descriptor: { initial: number; maximum?: number; shared?: boolean }) => WasmMemory;
  Module: new (bytes: Uint8Array<ArrayBuffer>) => object;
  Instance: new (module: object, imports: object) => { exports: object };
}
const wasmApi = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;

const PAGE = 65536;
/** 1 GiB: the most this memory may grow to (a shared memory must declare a maximum up front). */
const MAX_PAGES = 16384;

/** The exported kernels of the instance. */
export interface WasmExports {
  gemm(a: number, aTile: number, aRow: number, aCol: number, bPack: number, c: number, mPanels: number, nPanels: number, kc: number, ldc: number, first: number): void;
  packB(src: number, bRow: number, bCol: number, dst: number, nPanels: number, kc: number, cols: number): void;
  matmulRange(
    a: number, aTile: number, aRow: number, aCol: number, b: number, bRow: number, bCol: number, bPack: number, c: number, ldc: number,
    mPad: number, k: number, n: number, firstMode: number, j0: number, j1: number,
  ): void;
  packA(src: number, lda: number, dst: number, m: number, k: number): void;
  sumRows(x: number, out: number, outer: number, reduced: number, inner: number): void;
  placeRows(src: number, srcStride: number, dst: number, dstStride: number, rows: number, length: number): void;
  copyRows(src: number, srcStride: number, dst: number, dstStride: number, rows: number, length: number): void;
}

/** What a running instance offers: the memory, a float view of it, and the exports. */
export interface WasmRuntime {
  readonly memory: WasmMemory;
  readonly exports: WasmExports;
  /** Whether the memory is a SharedArrayBuffer (worker threads can join in). */
  readonly shared: boolean;
  /** Whether the fused multiply-add of relaxed SIMD is in use. */
  readonly fma: boolean;
  /** The compiled module, which worker threads instantiate over the same shared memory. */
  readonly module: object;
  /** A Float32Array over the whole memory, renewed whenever the memory grows. */
  f32: Float32Array;
}

const simdProbe = (fma: boolean): Uint8Array<ArrayBuffer> => module([gemmFunc(fma)], { shared: false, minPages: 1, maxPages: 1 });

/** Whether this engine runs 128-bit WebAssembly SIMD (Node 16+, all current browsers). */
export function hasSimd(): boolean {
  return wasmApi !== undefined && wasmApi.validate(simdProbe(false));
}

/** Whether relaxed SIMD is on (Chromium and Node 22+: yes; Node 20: only with `--experimental-wasm-relaxed-simd`). */
export function hasRelaxedSimd(): boolean {
  return wasmApi !== undefined && wasmApi.validate(simdProbe(true));
}

/**
 * Relaxed SIMD where the engine has it, switching it on first in a Node whose V8 keeps it behind a flag.
 *
 * Relaxed SIMD is a finished WebAssembly standard, on by default in Chromium and Node 22+. Node 20's V8
 * (11.3) implements it but leaves it off; its fused multiply-add makes the matmul 1.4× faster there, and
 * the flag only adds instructions to WebAssembly validation (it changes nothing else), so it is set from
 * here with `v8.setFlagsFromString`, before this module is compiled, rather than asking users for a
 * command-line flag (which NODE_OPTIONS refuses). `TAPEGRAD_RELAXED_SIMD=0` in the environment opts out.
 */
function relaxedSimd(): boolean {
  if (hasRelaxedSimd()) return true;
  const proc = (globalThis as { process?: { env?: Record<string, string | undefined>; getBuiltinModule?(id: string): unknown } }).process;
  if (proc?.env?.["TAPEGRAD_RELAXED_SIMD"] === "0") return false;
  const v8 = proc?.getBuiltinModule?.("node:v8") as { setFlagsFromString?(flags: string): void } | undefined;
  v8?.setFlagsFromString?.("--experimental-wasm-relaxed-simd");
  return hasRelaxedSimd();
}

/** Whether a shared memory can be made and handed to workers. */
function canShare(): boolean {
  const isolated = (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated;
  return typeof SharedArrayBuffer === "function" && isolated !== false;
}

/** The functions every instance exports, in the order `GEMM` and `PACK_B` name. */
export const kernelFuncs = (fma: boolean): Func[] => [gemmFunc(fma), packBFunc(), matmulRangeFunc(), packAFunc(), sumRowsFunc(), placeRowsFunc(), placeRowsFunc(false)];

/** How every module run on the runtime declares its import of the memory (core's own and registered ones). */
export const memoryImport = (shared: boolean): MemoryImport => ({ shared, minPages: 1, maxPages: MAX_PAGES });

/** Compiles the kernels (synchronously: the module is about 3 KB, under the 4 KiB browsers compile on the main thread). */
function compile(shared: boolean, fma: boolean): object {
  return new wasmApi!.Module(module(kernelFuncs(fma), memoryImport(shared)));
}

/**
 * Compiles and instantiates another module over the runtime's memory (see registered.ts); throws a
 * `ValueError` naming the kernel when the bytes are not a module this engine accepts.
 */
export function instantiateOver(rt: WasmRuntime, name: string, bytes: Uint8Array<ArrayBuffer>): object {
  if (!wasmApi!.validate(bytes)) {
    throw new ValueError("defineWasmKernel", `kernel "${name}": its module does not validate (a module that imports env.memory with the limits it was given, using only the SIMD it was told is there)`);
  }
  return new wasmApi!.Instance(new wasmApi!.Module(bytes), { env: { memory: rt.memory } }).exports;
}

let runtime: WasmRuntime | null | undefined;

/** The runtime, created on first use; null where WebAssembly SIMD is unavailable. */
export function wasmRuntime(): WasmRuntime | null {
  if (runtime !== undefined) return runtime;
  if (!hasSimd()) return (runtime = null);
  const shared = canShare();
  const fma = relaxedSimd();
  const memory = new wasmApi!.Memory({ initial: 16, maximum: MAX_PAGES, ...(shared ? { shared: true } : {}) });
  const compiled = compile(shared, fma);
  const exports = new wasmApi!.Instance(compiled, { env: { memory } }).exports as unknown as WasmExports;
  return (runtime = { memory, exports, shared, fma, module: compiled, f32: new Float32Array(memory.buffer) });
}

/** Grows the runtime's memory (never shrinks it) so that it holds at least `bytes`, renewing the view. */
export function reserve(rt: WasmRuntime, bytes: number): void {
  const have = rt.memory.buffer.byteLength;
  if (bytes > have) rt.memory.grow(Math.ceil((bytes - have) / PAGE));
  if (rt.f32.buffer !== rt.memory.buffer || rt.f32.length * 4 !== rt.memory.buffer.byteLength) rt.f32 = new Float32Array(rt.memory.buffer);
}

import { ValueError } from "../../errors.js";
import { kernels } from "../active.js";
import { module as assemble, type Func, type MemoryImport } from "./assembler.js";
import { instantiateOver, memoryImport, reserve, wasmRuntime, type WasmRuntime } from "./runtime.js";
import { residentAddress, scratchBase } from "./resident.js";

/**
 * WebAssembly kernels that other packages bring (optim's Adam update is one). A kernel is a module of its
 * own, compiled on first use and instantiated over core's one WebAssembly memory, so it shares the memory
 * (and its growth) with core's kernels instead of holding another: operands are staged into that memory,
 * worked on, and copied out, as core's matmul does.
 *
 * A registered kernel runs only where core's fast kernels do: with WebAssembly SIMD present and the
 * `"fast"` backend active (`setKernels`). Anywhere else `acquire()` returns null and the caller runs its
 * own plain loop, so `setKernels("reference")` keeps meaning "plain TypeScript everywhere". Registered
 * kernels run on the calling thread; the worker threads serve core's large matrix products only.
 */

/** What a kernel's module is built against, passed to its `build`. */
export interface WasmBuildContext {
  /** How the module must import the memory (as `env.memory`): shared or not, and its page limits. */
  readonly memory: MemoryImport;
  /** Whether relaxed SIMD (fused multiply-add) is on; without it a module using it does not validate. */
  readonly relaxedSimd: boolean;
}

/** How to make a kernel: its name, and its module as bytes or as functions for core's assembler. */
export interface WasmKernelDefinition {
  /** Names the kernel in errors. */
  readonly name: string;
  /**
   * The module: its bytes (a module that imports `env.memory` as `context.memory` says and exports the
   * kernel's functions), or functions written with the assembler of `@tapegrad/core/wasm`, which core
   * assembles into such a module. Called once, on first use.
   */
  readonly build: (context: WasmBuildContext) => Uint8Array<ArrayBuffer> | readonly Func[];
}

/** A kernel ready to run on the calling thread: its exports, and the memory to stage operands in. */
export interface WasmKernelInstance<E> {
  /** The module's exported functions; addresses are byte offsets into the shared memory. */
  readonly exports: E;
  /**
   * `floats` floats of the shared memory to stage operands in, growing the memory first (it never
   * shrinks). The view's `byteOffset` is its byte address for the kernel: element i is at
   * `byteOffset + 4·i`. Take it again after anything that may grow the memory or make resident arrays
   * (another kernel's call, a jit compile): the scratch space moves above them.
   */
  scratch(floats: number): Float32Array;
}

/** A kernel defined by `defineWasmKernel`. */
export interface WasmKernel<E> {
  readonly name: string;
  /** The kernel, or null where it cannot run here (no WebAssembly SIMD, or the reference backend active). */
  acquire(): WasmKernelInstance<E> | null;
}

/**
 * Defines a WebAssembly kernel that runs on core's shared memory. Nothing is compiled until the first
 * `acquire()`; a module that does not validate is a `ValueError` naming the kernel then.
 * @example
 * ```ts
 * import { defineWasmKernel, f32x4Add, get, load128, store128, i32, type Func } from "@tapegrad/core/wasm";
 * // add4(a, b): the four floats at byte address a += the four at b
 * const add4: Func = { name: "add4", params: [i32, i32], results: [], locals: [],
 *   body: [...get(0), ...get(0), ...load128(), ...get(1), ...load128(), ...f32x4Add, ...store128()] };
 * const kernel = defineWasmKernel<{ add4(a: number, b: number): void }>({ name: "add4", build: () => [add4] });
 * const k = kernel.acquire(); // null under setKernels("reference")
 * if (k !== null) { const mem = k.scratch(8); mem.set([1, 2, 3, 4, 10, 20, 30, 40]); k.exports.add4(mem.byteOffset, mem.byteOffset + 16); } // mem[0..4] = 11, 22, 33, 44
 * ```
 */
export function defineWasmKernel<E>(definition: WasmKernelDefinition): WasmKernel<E> {
  if (typeof definition?.name !== "string" || typeof definition.build !== "function") {
    throw new ValueError("defineWasmKernel", `expected { name: string, build: function }, got ${String(definition)}`);
  }
  let instance: WasmKernelInstance<E> | null = null;
  return {
    name: definition.name,
    acquire(): WasmKernelInstance<E> | null {
      if (kernels.name !== "fast") return null;
      const rt = wasmRuntime();
      if (rt === null) return null;
      instance ??= instantiate<E>(rt, definition);
      return instance;
    },
  };
}

function instantiate<E>(rt: WasmRuntime, definition: WasmKernelDefinition): WasmKernelInstance<E> {
  const memory = memoryImport(rt.shared);
  const built = definition.build({ memory, relaxedSimd: rt.fma });
  const bytes = built instanceof Uint8Array ? built : assemble(built, memory);
  const exports = instantiateOver(rt, definition.name, bytes) as E;
  return {
    exports,
    scratch(floats: number): Float32Array {
      const base = scratchBase();
      reserve(rt, base + floats * 4);
      return rt.f32.subarray(base / 4, base / 4 + floats);
    },
  };
}

/** How `runInBlocks` stages float32 arrays of one length through the shared memory. */
export interface BlockStaging {
  /** The arrays the kernel reads, all of one length; each gets a block-sized slot in memory. */
  readonly operands: readonly Float32Array[];
  /** Which operands the kernel updates in place (by position): copied back after each block. */
  readonly updated: readonly number[];
  /** Elements per block (default 4096: a few 16 KiB slots stay in cache between copy-in, kernel and copy-out). */
  readonly block?: number;
  /** Elements per SIMD group (default 4): a block is padded with zeros to whole groups. */
  readonly lanes?: number;
}

/**
 * Runs an elementwise kernel over long float32 arrays. Where every operand is resident in the memory
 * (resident.ts: a jit program's buffers and state, an optimizer's moments) it runs once, in place, over
 * whole groups (the arrays' padding is theirs, so the spare lanes are harmless). Otherwise a block at a time: copies each operand's block
 * into its slot of the shared memory (zeros in the last group's spare lanes, so they stay finite), calls
 * `run(addresses, groups)` with the slots' byte addresses (in operand order) and the number of whole
 * groups, then copies the updated operands' blocks back. Main memory sees each array once, as in a plain loop.
 * @example
 * ```ts
 * // p += g over float32 arrays of any length, given a kernel whose addGroups(p, g, groups) adds group by group
 * runInBlocks(k, { operands: [p, g], updated: [0] }, ([atP, atG], groups) => k.exports.addGroups(atP!, atG!, groups));
 * ```
 */
export function runInBlocks<E>(kernel: WasmKernelInstance<E>, staging: BlockStaging, run: (addresses: readonly number[], groups: number) => void): void {
  const { operands, updated, block = 4096, lanes = 4 } = staging;
  const n = operands[0]?.length ?? 0;
  const lengths = operands.map((x) => x.length);
  if (lengths.some((len) => len !== n)) throw new ValueError("runInBlocks", `the operands must have one length, got ${lengths.join(", ")}`);
  if (block % lanes !== 0) throw new ValueError("runInBlocks", `option block (${block}) must be a multiple of option lanes (${lanes})`);
  const inPlace = operands.map(residentAddress);
  if (inPlace.every((at) => at !== undefined)) {
    // Every operand already lives in the memory (see resident.ts), padded to whole vectors: run in place.
    if (n > 0) run(inPlace as number[], Math.ceil(n / lanes));
    return;
  }
  const mem = kernel.scratch(operands.length * block);
  const slots = operands.map((_, k) => k * block);
  const addresses = slots.map((at) => mem.byteOffset + at * 4);
  for (let start = 0; start < n; start += block) {
    const len = Math.min(block, n - start);
    const padded = Math.ceil(len / lanes) * lanes;
    operands.forEach((x, k) => {
      mem.set(x.subarray(start, start + len), slots[k]);
      mem.fill(0, slots[k]! + len, slots[k]! + padded);
    });
    run(addresses, padded / lanes);
    for (const k of updated) operands[k]!.set(mem.subarray(slots[k]!, slots[k]! + len), start);
  }
}

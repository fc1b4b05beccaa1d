import { allocateToOverwrite, type DType, type Storage } from "../dtype.js";
import type { Shape } from "../shape.js";
import { sizeOf } from "../shape.js";
import { matmulWasm } from "./matmulWasm.js";
import * as reference from "./reference.js";
import { broadcastStrides, forEachStrided2 } from "./strided.js";
import { wasmRuntime } from "./wasm/runtime.js";

/**
 * Below this many multiply-adds per matrix the plain loop wins: packing and the call into WebAssembly
 * cost more than they save (measured with `pnpm bench --case matmul`).
 */
export const WASM_MIN_MACS = 4096;

/**
 * Batched matrix product (same contract as the reference kernel, transposed operands included): float32
 * products of useful size run on the WebAssembly SIMD kernel, everything else (float64, tiny matrices,
 * no WebAssembly SIMD) on the reference loop.
 * @example
 * ```ts
 * matmulFast(Float32Array.of(1, 2), [1, 2], Float32Array.of(3, 4), [2, 1], [1, 1], "float32"); // [11]
 * matmulFast(Float32Array.of(1, 2), [2, 1], Float32Array.of(3, 4), [2, 1], [1, 1], "float32", true); // [11]
 * ```
 */
export function matmulFast(
  a: Storage, aShape: Shape, b: Storage, bShape: Shape, outShape: Shape, dtype: DType, transposeA = false, transposeB = false,
): Storage {
  const rank = outShape.length;
  const m = outShape[rank - 2]!;
  const n = outShape[rank - 1]!;
  const k = aShape[aShape.length - (transposeA ? 2 : 1)]!;
  const rt = dtype === "float32" && k > 0 && m * n * k >= WASM_MIN_MACS ? wasmRuntime() : null;
  if (rt === null) return reference.matmul(a, aShape, b, bShape, outShape, dtype, transposeA, transposeB);
  const out = allocateToOverwrite("float32", sizeOf(outShape)) as Float32Array; // every element is written below
  const batchShape = outShape.slice(0, -2);
  const aBatch = broadcastStrides(aShape.slice(0, -2), batchShape).map((s) => s * m * k);
  const bBatch = broadcastStrides(bShape.slice(0, -2), batchShape).map((s) => s * k * n);
  const operands = { a, b, transposeA, transposeB };
  forEachStrided2(batchShape, aBatch, bBatch, (o, ao, bo) => matmulWasm(rt, operands, ao, bo, m, n, k, out, o * m * n));
  return out;
}

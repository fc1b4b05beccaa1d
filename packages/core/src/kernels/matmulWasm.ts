import type { Storage } from "../dtype.js";
import { KC, TILE_M, TILE_N } from "./wasm/gemm.js";
import { runPanels } from "./threads.js";
import { reserve, type WasmRuntime } from "./wasm/runtime.js";
import { scratchBase } from "./wasm/resident.js";
import { transposeMatrixInto } from "./layoutFast.js";

/**
 * float32 matrix product on the WebAssembly SIMD micro-kernel, blocked as in GotoBLAS. A and B are
 * copied into the runtime's memory (a `set` each, memcpy speed, or a transposing copy for a transposed
 * operand, which costs about what a separate transpose would but makes no array): A with its row count
 * rounded up to the tile (zero rows), B with its width rounded up to whole 8-column panels (zero
 * columns), so the kernel never sees a ragged tile. Then WebAssembly's `matmulRange` does the blocked product (see gemm.ts),
 * over all of B's panels or, for large products, over a share of them on each thread. C is accumulated
 * in the memory with the padded width and its real part copied out.
 */

/** Below this many multiply-adds, waking helper threads costs more than it saves. */
const THREAD_MIN_MACS = 1 << 20;

const roundUp = (n: number, to: number): number => Math.ceil(n / to) * to;

/** Where one product's operands live in the runtime's memory (float offsets). */
interface Layout {
  c: number;
  a: number;
  b: number;
  bPack: number;
  end: number;
}

/** The operands' places in the scratch space, which starts at float `base` (above the resident arrays). */
function layout(m: number, n: number, k: number, base: number): Layout {
  const [mPad, nPad] = [roundUp(m, TILE_M), roundUp(n, TILE_N)];
  const c = base;
  const a = c + mPad * nPad;
  const b = a + mPad * k;
  const bPack = b + k * nPad;
  return { c, a, b, bPack, end: bPack + KC * nPad };
}

/** Copies A (m × k, or k × m when transposed) to `at` as m × k row-major, then zeros rows up to the tile multiple. */
function copyA(mem: Float32Array, at: number, a: Storage, offset: number, m: number, k: number, transposed: boolean): void {
  if (transposed) transposeMatrixInto(mem, at, k, a, offset, k, m);
  else mem.set(a.subarray(offset, offset + m * k), at);
  mem.fill(0, at + m * k, at + roundUp(m, TILE_M) * k);
}

/** Copies B (k × n, or n × k when transposed) to `at` as k × n row-major with rows `nPad` wide, the extra columns zero. */
function copyB(mem: Float32Array, at: number, b: Storage, offset: number, k: number, n: number, nPad: number, transposed: boolean): void {
  if (n !== nPad) mem.fill(0, at, at + k * nPad);
  if (transposed) transposeMatrixInto(mem, at, nPad, b, offset, n, k);
  else if (n === nPad) mem.set(b.subarray(offset, offset + k * n), at);
  else for (let p = 0; p < k; p++) mem.set(b.subarray(offset + p * n, offset + p * n + n), at + p * nPad);
}

/** A product's operands as stored, and whether each is read transposed. */
export interface MatmulOperands {
  readonly a: Storage;
  readonly b: Storage;
  readonly transposeA: boolean;
  readonly transposeB: boolean;
}

/**
 * Computes `out[outOffset + i·n + j] = Σ_p A[i, p] · B[p, j]` in float32, for the m × k matrix A and
 * the k × n matrix B stored row-major at `aOffset` and `bOffset` (or their transposes, stored k × m and
 * n × k, when flagged). The caller handles k = 0 and empty outputs.
 * @example
 * ```ts
 * const out = new Float32Array(1);
 * const operands = { a: Float32Array.of(1, 2), b: Float32Array.of(3, 4), transposeA: false, transposeB: false };
 * matmulWasm(wasmRuntime()!, operands, 0, 0, 1, 1, 2, out, 0); // out = [11]
 * ```
 */
export function matmulWasm(
  rt: WasmRuntime, operands: MatmulOperands, aOffset: number, bOffset: number, m: number, n: number, k: number, out: Float32Array, outOffset: number,
): void {
  const [mPad, nPad] = [roundUp(m, TILE_M), roundUp(n, TILE_N)];
  const at = layout(m, n, k, scratchBase() / 4);
  reserve(rt, at.end * 4);
  const mem = rt.f32;
  copyA(mem, at.a, operands.a, aOffset, m, k, operands.transposeA);
  copyB(mem, at.b, operands.b, bOffset, k, n, nPad, operands.transposeB);
  mem.fill(0, at.c, at.c + mPad * nPad);
  const args = [at.a * 4, k * 4, at.b * 4, nPad * 4, at.bPack * 4, at.c * 4, nPad * 4, mPad, k];
  if (m * n * k >= THREAD_MIN_MACS) runPanels(rt, args, nPad / TILE_N);
  else rt.exports.matmulRange(args[0]!, args[1]!, args[2]!, args[3]!, args[4]!, args[5]!, args[6]!, mPad, k, 0, nPad / TILE_N);
  if (n === nPad) out.set(mem.subarray(at.c, at.c + m * n), outOffset);
  else for (let i = 0; i < m; i++) out.set(mem.subarray(at.c + i * nPad, at.c + i * nPad + n), outOffset + i * n);
}

import type { Storage } from "../dtype.js";
import { ACCUMULATE, KC, TILE_M, TILE_N } from "./wasm/gemm.js";
import { runPanels } from "./threads.js";
import { reserve, type WasmRuntime } from "./wasm/runtime.js";
import { residentAddress, scratchBase } from "./wasm/resident.js";

/**
 * float32 matrix product on the WebAssembly SIMD micro-kernel, blocked as in GotoBLAS (see gemm.ts):
 * WebAssembly's `matmulRange` does the blocked product over all of B's panels or, for large products,
 * over a share of them on each thread.
 *
 * The kernel reads A and B where they are, through their strides: a row-major A by the micro-kernel
 * itself, a transposed one through `packA` (into tiles of 4 rows in the scratch space, one pass at
 * memory speed), and B through `packB` (from its rows or, transposed, its columns). So an operand that
 * lives in the WebAssembly memory (resident.ts: a jit program's buffers and parameters) is read in
 * place, and any other is copied into the scratch space as it is stored (a `set`, memcpy speed; no
 * transposing copy). The micro-kernel computes whole tiles of 4 rows, so a row-major A is read in place
 * only when its row count is a multiple of 4 (else the last tile would read past its end); a copy has
 * zero rows appended. C is written in place into a resident output whose rows are whole tiles and whole
 * 8-column panels (the kernel adds its first inner block to zeros in registers, so C needs no zeroing); otherwise it is
 * computed in the scratch space with its rows rounded up to the tile and its width to whole panels, and
 * its real part copied out.
 * Where each operand is read from changes no result: every element is the same sums in the same order.
 */

/** Below this many multiply-adds, waking helper threads costs more than it saves. */
const THREAD_MIN_MACS = 1 << 20;

const roundUp = (n: number, to: number): number => Math.ceil(n / to) * to;

/**
 * Whether a product with inner dimension `k` can be added into its output bit-exactly (`matmulWasm`'s
 * `accumulate`): only with one inner block, whose sums the kernel rounds once before adding them.
 * @example
 * ```ts
 * accumulates(64); // true
 * ```
 */
export const accumulates = (k: number): boolean => k > 0 && k <= KC;

/** A product's operands as stored, and whether each is read transposed. */
export interface MatmulOperands {
  readonly a: Storage;
  readonly b: Storage;
  readonly transposeA: boolean;
  readonly transposeB: boolean;
}

/** Hands out 16-byte-aligned regions of the scratch space, from its base up. */
class Scratch {
  private top = scratchBase();
  /** The byte address of a region of `floats` floats. */
  take(floats: number): number {
    const at = this.top;
    this.top += roundUp(floats * 4, 16);
    return at;
  }
  get end(): number {
    return this.top;
  }
}

/** Which of a product's arrays the kernel works on in place: their byte addresses, or undefined for a copy. */
export interface Placement {
  readonly a: number | undefined;
  readonly b: number | undefined;
  readonly c: number | undefined;
}

/**
 * Where the kernel finds A and B and writes C for an m × n product (see above): in place for resident
 * arrays (a row-major A only with whole tiles of rows, C only with whole tiles and panels), else through
 * the scratch space.
 * @example
 * ```ts
 * placement({ a, b, transposeA: false, transposeB: true }, out, 128, 256); // { a: undefined, b: 1024, c: 4096 } for a resident b and out
 * ```
 */
export function placement(operands: MatmulOperands, out: Float32Array, m: number, n: number): Placement {
  const wholeTiles = m % TILE_M === 0;
  return {
    a: wholeTiles || operands.transposeA ? residentAddress(operands.a) : undefined,
    b: residentAddress(operands.b),
    c: wholeTiles && n % TILE_N === 0 ? residentAddress(out) : undefined,
  };
}

/**
 * Computes `out[outOffset + i·n + j] = Σ_p A[i, p] · B[p, j]` in float32, for the m × k matrix A and
 * the k × n matrix B stored row-major at `aOffset` and `bOffset` (or their transposes, stored k × m and
 * n × k, when flagged). The caller handles k = 0 and empty outputs.
 *
 * With `accumulate`, the product is added to what `out` holds instead: each element becomes
 * out + product, the product rounded as a stored one would be, so the bits of the product computed alone
 * and then added by an add kernel. That holds for one inner block only, so k must be at most `KC`
 * (`accumulates(k)`).
 * @example
 * ```ts
 * const out = new Float32Array(1);
 * const operands = { a: Float32Array.of(1, 2), b: Float32Array.of(3, 4), transposeA: false, transposeB: false };
 * matmulWasm(wasmRuntime()!, operands, 0, 0, 1, 1, 2, out, 0); // out = [11]
 * matmulWasm(wasmRuntime()!, operands, 0, 0, 1, 1, 2, out, 0, true); // out = [22]
 * ```
 */
export function matmulWasm(
  rt: WasmRuntime, operands: MatmulOperands, aOffset: number, bOffset: number, m: number, n: number, k: number, out: Float32Array, outOffset: number,
  accumulate = false,
): void {
  if (accumulate && !accumulates(k)) throw new RangeError(`matmulWasm: a product added into its output needs k <= ${KC}, got k = ${k}`);
  const { a, b, transposeA, transposeB } = operands;
  const [mPad, nPad] = [roundUp(m, TILE_M), roundUp(n, TILE_N)];
  const { a: aHome, b: bHome, c: outHome } = placement(operands, out, m, n);
  const scratch = new Scratch();
  // A as stored: in place, or copied (a row-major A with zero rows up to the tile, for the kernel to read).
  const aStored = aHome !== undefined ? aHome + aOffset * 4 : scratch.take(transposeA ? m * k : mPad * k);
  const bAt = bHome !== undefined ? bHome + bOffset * 4 : scratch.take(k * n);
  const cAt = outHome !== undefined ? outHome + outOffset * 4 : scratch.take(mPad * nPad);
  const aAt = transposeA ? scratch.take(mPad * k) : aStored; // a transposed A is packed into tiles
  const bPack = scratch.take(KC * nPad);
  reserve(rt, scratch.end);
  const mem = rt.f32;
  if (aHome === undefined) {
    mem.set(a.subarray(aOffset, aOffset + m * k), aStored / 4);
    if (!transposeA) mem.fill(0, aStored / 4 + m * k, aStored / 4 + mPad * k);
  }
  if (bHome === undefined) mem.set(b.subarray(bOffset, bOffset + k * n), bAt / 4);
  if (accumulate && outHome === undefined) for (let i = 0; i < m; i++) mem.set(out.subarray(outOffset + i * n, outOffset + i * n + n), cAt / 4 + i * nPad);
  if (transposeA) rt.exports.packA(aStored, m * 4, aAt, m, k);
  const [aTile, aRow, aCol] = transposeA ? [16 * k, 4, 16] : [16 * k, 4 * k, 4];
  const [bRow, bCol] = transposeB ? [4, k * 4] : [n * 4, 4];
  const ldc = (outHome !== undefined ? n : nPad) * 4;
  const firstMode = accumulate ? ACCUMULATE : 1;
  const args = [aAt, aTile, aRow, aCol, bAt, bRow, bCol, bPack, cAt, ldc, mPad, k, n, firstMode];
  if (m * n * k >= THREAD_MIN_MACS) runPanels(rt, args, nPad / TILE_N);
  else rt.exports.matmulRange(aAt, aTile, aRow, aCol, bAt, bRow, bCol, bPack, cAt, ldc, mPad, k, n, firstMode, 0, nPad / TILE_N);
  if (outHome !== undefined) return;
  const c = cAt / 4;
  if (n === nPad) out.set(mem.subarray(c, c + m * n), outOffset);
  else for (let i = 0; i < m; i++) out.set(mem.subarray(c + i * nPad, c + i * nPad + n), outOffset + i * n);
}

import { TILE_M, TILE_N } from "./wasm/gemm.js";
import { reserve, type WasmRuntime } from "./wasm/runtime.js";

/**
 * float32 matrix product on the WebAssembly SIMD micro-kernel, blocked as in GotoBLAS: for each block of
 * KC steps of the inner dimension, B's block is packed into 8-column panels and, block of MC rows by
 * block, A into 4-row panels; the micro-kernel then sweeps the panels. Packing pads the edges with
 * zeros, so the kernel never sees a ragged tile; C is accumulated in the runtime's memory with its width
 * rounded up to the panel width and the real part is copied out at the end.
 *
 * Operands are read through strides, so a transposed operand costs nothing extra.
 */

/** Inner-dimension block: one B panel (KC × 8 floats = 8 KiB) stays in L1. */
const KC = 256;
/** Row block: one packed A block (MC × KC floats = 256 KiB) stays in L2. */
const MC = 256;

/** A matrix read from storage: element (r, c) is `data[offset + r·rowStride + c·colStride]`. */
export interface MatrixView {
  data: Float32Array | Float64Array;
  offset: number;
  rowStride: number;
  colStride: number;
}

const roundUp = (n: number, to: number): number => Math.ceil(n / to) * to;

/** Packs rows [i0, i0+mc) × cols [p0, p0+kc) of A as 4-row panels, each stored column by column. */
function packA(a: MatrixView, m: number, i0: number, mc: number, p0: number, kc: number, dst: Float32Array, at: number): void {
  const { data, offset, rowStride, colStride } = a;
  for (let ip = 0; ip < mc; ip += TILE_M) {
    for (let r = 0; r < TILE_M; r++) {
      const row = i0 + ip + r;
      let o = at + ip * kc + r;
      if (row >= m) {
        for (let p = 0; p < kc; p++, o += TILE_M) dst[o] = 0;
        continue;
      }
      let s = offset + row * rowStride + p0 * colStride;
      for (let p = 0; p < kc; p++, o += TILE_M, s += colStride) dst[o] = data[s]!;
    }
  }
}

/** Packs rows [p0, p0+kc) of B (all n columns) as 8-column panels, each stored row by row. */
function packB(b: MatrixView, n: number, nPad: number, p0: number, kc: number, dst: Float32Array, at: number): void {
  const { data, offset, rowStride, colStride } = b;
  for (let jp = 0; jp < nPad; jp += TILE_N) {
    const panel = at + jp * kc;
    const width = Math.min(TILE_N, n - jp);
    for (let c = 0; c < TILE_N; c++) {
      let o = panel + c;
      if (c >= width) {
        for (let p = 0; p < kc; p++, o += TILE_N) dst[o] = 0;
        continue;
      }
      let s = offset + p0 * rowStride + (jp + c) * colStride;
      for (let p = 0; p < kc; p++, o += TILE_N, s += rowStride) dst[o] = data[s]!;
    }
  }
}

/**
 * `out[outOffset + i·n + j] = Σ_p A(i, p)·B(p, j)` for an m × k A and a k × n B, in float32.
 * @example
 * ```ts
 * const out = new Float32Array(4);
 * matmulWasm(rt, view(a, 2), view(b, 2), 2, 2, 2, out, 0);
 * ```
 */
export function matmulWasm(rt: WasmRuntime, a: MatrixView, b: MatrixView, m: number, n: number, k: number, out: Float32Array, outOffset: number): void {
  if (m === 0 || n === 0) return;
  if (k === 0) {
    out.fill(0, outOffset, outOffset + m * n);
    return;
  }
  const nPad = roundUp(n, TILE_N);
  const mPad = roundUp(m, TILE_M);
  const kcMax = Math.min(KC, k);
  const mcMax = Math.min(MC, mPad);
  // Layout (in floats): C [mPad × nPad], then B's packed block [kcMax × nPad], then A's [mcMax × kcMax].
  const cAt = 0;
  const bAt = cAt + mPad * nPad;
  const aAt = bAt + kcMax * nPad;
  reserve(rt, (aAt + mcMax * kcMax) * 4);
  const mem = rt.f32;
  mem.fill(0, cAt, cAt + mPad * nPad);
  for (let p0 = 0; p0 < k; p0 += KC) {
    const kc = Math.min(KC, k - p0);
    packB(b, n, nPad, p0, kc, mem, bAt);
    for (let i0 = 0; i0 < mPad; i0 += MC) {
      const mc = Math.min(MC, mPad - i0);
      packA(a, m, i0, mc, p0, kc, mem, aAt);
      rt.exports.gemm(aAt * 4, bAt * 4, (cAt + i0 * nPad) * 4, mc / TILE_M, nPad / TILE_N, kc, nPad * 4);
    }
  }
  for (let i = 0; i < m; i++) out.set(mem.subarray(cAt + i * nPad, cAt + i * nPad + n), outOffset + i * n);
}

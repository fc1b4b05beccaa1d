import {
  add32, block, br, brIf, call, const32, divU32, end, ltU32, select, f32x4Add, f32x4Mul, f32x4RelaxedMadd, geU32, get, i32, load128, loadSplat32,
  loop, mul32, ne32, set, store128, sub32, v128, zero128, type Code, type Func,
} from "./assembler.js";

/** Rows of A and columns of B that one call of the micro-kernel computes (a 4 × 8 tile of C). */
export const TILE_M = 4;
export const TILE_N = 8;
/** Inner-dimension block: one packed B panel (KC × 8 floats = 8 KiB) stays in L1 while A streams past. */
export const KC = 256;
/** Row block: MC rows × KC of A (256 KiB) stay in L2 across the B panels. */
export const MC = 256;
/** Positions of the functions in the module (`call` refers to them by index). */
export const GEMM = 0;
export const PACK_B = 1;

/**
 * The GEMM micro-kernel loop, as a WebAssembly function
 * `gemm(a, lda, bPack, c, mPanels, nPanels, kc, ldc)` (byte addresses and strides, counts ≥ 1):
 *
 *   for each B panel j (8 columns × kc, packed row by row by `packB`), for each group i of 4 rows of A
 *   (read in place, row-major, `lda` bytes apart): C[4i.., 8j..] += A rows · B panel.
 *
 * The 4 × 8 tile lives in 8 f32x4 accumulators; each step of the k loop loads 8 floats of B (two
 * vectors) and broadcasts one float of each of the 4 rows of A (`v128.load32_splat`): four sequential
 * streams, so A needs no packing. That is 11 live vectors: V8 gives
 * WebAssembly 15, and larger tiles spill (see docs/performance.md; a 6 × 8 tile with FMA measured 20 GFLOP/s
 * at 1024³ against this tile's 32). The k loop is left rolled on purpose: when
 * it is unrolled, V8 hoists the loads and spills. The B panel stays in L1 while the A panels stream past.
 * `fma` picks relaxed SIMD's fused multiply-add, which the caller uses only after feature detection.
 */
export function gemmFunc(fma: boolean): Func {
  // Locals: params 0..7, then i, j, p, aPtr, bPtr, cPtr, aRow (i32), then 8 accumulators, 2 B vectors, 1 A vector.
  const [a, lda, bPack, c, mPanels, nPanels, kc, ldc] = [0, 1, 2, 3, 4, 5, 6, 7];
  const [i, j, p, aPtr, bPtr, cPtr, aRow] = [8, 9, 10, 11, 12, 13, 14];
  const acc = (r: number): number => 15 + r;
  const [b0, b1, av] = [23, 24, 25];

  const madd = (accIndex: number, b: number): Code =>
    fma
      ? [...get(av), ...get(b), ...get(acc(accIndex)), ...f32x4RelaxedMadd, ...set(acc(accIndex))]
      : [...get(acc(accIndex)), ...get(av), ...get(b), ...f32x4Mul, ...f32x4Add, ...set(acc(accIndex))];
  const kStep: Code = [
    ...get(bPtr), ...load128(0), ...set(b0),
    ...get(bPtr), ...load128(16), ...set(b1),
    // Row r of A is at aPtr + r·lda: the row pointer steps down the rows, then back (3·lda).
    ...get(aPtr), ...set(aRow),
    ...[0, 1, 2, 3].flatMap((r) => [
      ...(r === 0 ? [] : [...get(aRow), ...get(lda), ...add32, ...set(aRow)]),
      ...get(aRow), ...loadSplat32(0), ...set(av), ...madd(2 * r, b0), ...madd(2 * r + 1, b1),
    ]),
    ...get(aPtr), ...const32(4), ...add32, ...set(aPtr),
    ...get(bPtr), ...const32(32), ...add32, ...set(bPtr),
  ];
  // C rows r = 0..3 at cPtr + r·ldc: add the two accumulators of row r to the 8 floats there.
  const storeRow = (r: number): Code => [
    ...get(cPtr), ...get(cPtr), ...load128(0), ...get(acc(2 * r)), ...f32x4Add, ...store128(0),
    ...get(cPtr), ...get(cPtr), ...load128(16), ...get(acc(2 * r + 1)), ...f32x4Add, ...store128(16),
    ...get(cPtr), ...get(ldc), ...add32, ...set(cPtr),
  ];
  const tile: Code = [
    // aPtr = a + i·4·lda, bPtr = bPack + j·kc·32
    ...get(a), ...get(i), ...const32(4), ...mul32, ...get(lda), ...mul32, ...add32, ...set(aPtr),
    ...get(bPack), ...get(j), ...get(kc), ...mul32, ...const32(32), ...mul32, ...add32, ...set(bPtr),
    ...[0, 1, 2, 3, 4, 5, 6, 7].flatMap((r) => [...zero128, ...set(acc(r))]),
    ...get(kc), ...set(p),
    ...loop, ...kStep, ...get(p), ...const32(1), ...sub32, ...set(p), ...get(p), ...const32(0), ...ne32, ...brIf(0), ...end,
    // cPtr = c + i·4·ldc + j·32
    ...get(c), ...get(i), ...const32(4), ...mul32, ...get(ldc), ...mul32, ...add32, ...get(j), ...const32(32), ...mul32, ...add32, ...set(cPtr),
    ...[0, 1, 2, 3].flatMap(storeRow),
  ];
  const body: Code = [
    ...const32(0), ...set(j),
    ...block, ...loop,
    ...get(j), ...get(nPanels), ...geU32, ...brIf(1),
    ...const32(0), ...set(i),
    ...block, ...loop,
    ...get(i), ...get(mPanels), ...geU32, ...brIf(1),
    ...tile,
    ...get(i), ...const32(1), ...add32, ...set(i), ...br(0),
    ...end, ...end,
    ...get(j), ...const32(1), ...add32, ...set(j), ...br(0),
    ...end, ...end,
  ];
  return {
    name: "gemm",
    params: [i32, i32, i32, i32, i32, i32, i32, i32],
    results: [],
    locals: [...new Array<number>(7).fill(i32), ...new Array<number>(11).fill(v128)],
    body,
  };
}

/**
 * `packB(src, ldb, dst, nPanels, kc)`: copies kc rows of a row-major B (`ldb` bytes apart, width padded
 * to whole panels) into 8-column panels, each stored row by row, so that the micro-kernel reads B
 * sequentially. Reading B in place instead would stride by whole rows, and rows 1 or 4 KiB apart all
 * land in the same few L1 sets.
 */
export function packBFunc(): Func {
  const [src, ldb, dst, nPanels, kc] = [0, 1, 2, 3, 4];
  const [j, p, s] = [5, 6, 7];
  const body: Code = [
    ...const32(0), ...set(j),
    ...block, ...loop,
    ...get(j), ...get(nPanels), ...geU32, ...brIf(1),
    ...get(src), ...get(j), ...const32(32), ...mul32, ...add32, ...set(s),
    ...get(kc), ...set(p),
    ...loop,
    ...get(dst), ...get(s), ...load128(0), ...store128(0),
    ...get(dst), ...get(s), ...load128(16), ...store128(16),
    ...get(dst), ...const32(32), ...add32, ...set(dst),
    ...get(s), ...get(ldb), ...add32, ...set(s),
    ...get(p), ...const32(1), ...sub32, ...set(p), ...get(p), ...const32(0), ...ne32, ...brIf(0),
    ...end,
    ...get(j), ...const32(1), ...add32, ...set(j), ...br(0),
    ...end, ...end,
  ];
  return { name: "packB", params: [i32, i32, i32, i32, i32], results: [], locals: [i32, i32, i32], body };
}

/** `min(x, y)` of two unsigned i32 expressions. */
const minU = (x: Code, y: Code): Code => [...x, ...y, ...x, ...y, ...ltU32, ...select];

/**
 * `matmulRange(a, lda, b, ldb, bPack, c, ldc, mPad, k, j0, j1)`: the blocked product for the B panels
 * j0..j1 (columns 8·j0 up to 8·j1) and all rows: for each block of KC steps of the inner dimension, pack
 * those panels of B, then run `gemm` over each block of MC rows of A. Different panel ranges touch
 * disjoint parts of C and of the packed B, so worker threads each run one range with no other
 * synchronisation. `a`, `b` and `c` are row-major with rows lda, ldb and ldc bytes apart; `mPad` is a
 * multiple of 4 and A has mPad rows; `bPack` has room for KC rows of every panel.
 */
export function matmulRangeFunc(): Func {
  const [a, lda, b, ldb, bPack, c, ldc, mPad, k, j0, j1] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
  const [p0, kc, i0, panels, packAt] = [11, 12, 13, 14, 15];
  const body: Code = [
    ...get(j1), ...get(j0), ...sub32, ...set(panels),
    ...const32(0), ...set(p0),
    ...block, ...loop,
    ...get(p0), ...get(k), ...geU32, ...brIf(1),
    ...minU(const32(KC), [...get(k), ...get(p0), ...sub32]), ...set(kc),
    // packB(b + p0·ldb + j0·32, ldb, bPack + j0·KC·32, panels, kc). The range's packed panels start at
    // j0·KC·32, not j0·kc·32: threads reach the last, shorter block at different times, and with the
    // current kc their regions would overlap.
    ...get(bPack), ...get(j0), ...const32(KC * 32), ...mul32, ...add32, ...set(packAt),
    ...get(b), ...get(p0), ...get(ldb), ...mul32, ...add32, ...get(j0), ...const32(32), ...mul32, ...add32,
    ...get(ldb), ...get(packAt), ...get(panels), ...get(kc), ...call(PACK_B),
    ...const32(0), ...set(i0),
    ...block, ...loop,
    ...get(i0), ...get(mPad), ...geU32, ...brIf(1),
    // gemm(a + i0·lda + p0·4, lda, packAt, c + i0·ldc + j0·32, min(MC, mPad − i0)/4, panels, kc, ldc)
    ...get(a), ...get(i0), ...get(lda), ...mul32, ...add32, ...get(p0), ...const32(4), ...mul32, ...add32,
    ...get(lda), ...get(packAt),
    ...get(c), ...get(i0), ...get(ldc), ...mul32, ...add32, ...get(j0), ...const32(32), ...mul32, ...add32,
    ...minU(const32(MC), [...get(mPad), ...get(i0), ...sub32]), ...const32(4), ...divU32,
    ...get(panels), ...get(kc), ...get(ldc), ...call(GEMM),
    ...get(i0), ...const32(MC), ...add32, ...set(i0), ...br(0),
    ...end, ...end,
    ...get(p0), ...const32(KC), ...add32, ...set(p0), ...br(0),
    ...end, ...end,
  ];
  return { name: "matmulRange", params: new Array<number>(11).fill(i32), results: [], locals: new Array<number>(5).fill(i32), body };
}

import {
  add32, block, br, brIf, call, const32, divU32, end, ltU32, select, f32x4Add, f32x4Mul, f32x4RelaxedMadd, geU32, get, i32, load128, loadSplat32,
  loop, mul32, ne32, set, store128, sub32, v128, zero128, eq32, eqz32, loadF32, storeF32, type Code, type Func,
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
/** `gemm`'s `first` (and `matmulRange`'s `firstMode`) for a product added into C rather than stored. */
export const ACCUMULATE = 2;
export const PACK_B = 1;

/**
 * The GEMM micro-kernel loop, as a WebAssembly function
 * `gemm(a, aTile, aRow, aCol, bPack, c, mPanels, nPanels, kc, ldc, first)` (byte addresses and strides, counts ≥ 1):
 *
 *   for each B panel j (8 columns × kc, packed row by row by `packB`), for each group i of 4 rows of A
 *   (read in place: row r of tile i, step p at a + i·aTile + r·aRow + p·aCol): C[4i.., 8j..] += A rows · B panel, or
 *   C[4i.., 8j..] = 0 + A rows · B panel when `first` is 1 (the first inner block: C needs no zeroing), or
 *   C[4i.., 8j..] += (0 + A rows · B panel) when `first` is 2 (a product added into C: `ACCUMULATE`).
 *
 * The first block adds its sums to zeros held in a register instead of to a zeroed C: the same additions,
 * so the same bits (that + 0 is not a no-op: a sum whose fused multiply-adds all underflow to −0 comes
 * out +0, as it did from a zeroed C).
 *
 * The 4 × 8 tile lives in 8 f32x4 accumulators; each step of the k loop loads 8 floats of B (two
 * vectors) and broadcasts one float of each of the 4 rows of A (`v128.load32_splat`). A row-major A
 * needs no packing (aTile = 4·lda, aRow = lda, aCol = 4: four sequential streams); a transposed one is
 * packed by `packA` into tiles of 4 rows, each stored step by step (aTile = 16·k, aRow = 4, aCol = 16:
 * one sequential stream; read in place, its steps would be a whole row apart, each on its own page,
 * which measured 1.6× slower at the training step's xᵀ·g). That is 11 live vectors: V8 gives
 * WebAssembly 15, and larger tiles spill (see docs/performance.md; a 6 × 8 tile with FMA measured 20 GFLOP/s
 * at 1024³ against this tile's 32). The k loop is left rolled on purpose: when
 * it is unrolled, V8 hoists the loads and spills. The B panel stays in L1 while the A panels stream past.
 * `fma` picks relaxed SIMD's fused multiply-add, which the caller uses only after feature detection.
 */
export function gemmFunc(fma: boolean): Func {
  // Locals: params 0..10, then i, j, p, aPtr, bPtr, cPtr, aRowPtr (i32), then 8 accumulators, 2 B vectors, 1 A vector.
  const [a, aTile, aRow, aCol, bPack, c, mPanels, nPanels, kc, ldc, first] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
  const [i, j, p, aPtr, bPtr, cPtr, aRowPtr] = [11, 12, 13, 14, 15, 16, 17];
  const acc = (r: number): number => 18 + r;
  const [b0, b1, av] = [26, 27, 28];

  const madd = (accIndex: number, b: number): Code =>
    fma
      ? [...get(av), ...get(b), ...get(acc(accIndex)), ...f32x4RelaxedMadd, ...set(acc(accIndex))]
      : [...get(acc(accIndex)), ...get(av), ...get(b), ...f32x4Mul, ...f32x4Add, ...set(acc(accIndex))];
  const kStep: Code = [
    ...get(bPtr), ...load128(0), ...set(b0),
    ...get(bPtr), ...load128(16), ...set(b1),
    // Row r's float of this step is at aPtr + r·aRow: the row pointer steps down the rows.
    ...get(aPtr), ...set(aRowPtr),
    ...[0, 1, 2, 3].flatMap((r) => [
      ...(r === 0 ? [] : [...get(aRowPtr), ...get(aRow), ...add32, ...set(aRowPtr)]),
      ...get(aRowPtr), ...loadSplat32(0), ...set(av), ...madd(2 * r, b0), ...madd(2 * r + 1, b1),
    ]),
    ...get(aPtr), ...get(aCol), ...add32, ...set(aPtr),
    ...get(bPtr), ...const32(32), ...add32, ...set(bPtr),
  ];
  // C rows r = 0..3 at cPtr + r·ldc: the 8 floats there (or zeros, on the first block) plus row r's two accumulators.
  // With `rounded`, C plus (0 + the accumulators): the product rounded as a stored one would be (−0 sums
  // turned +0), then added, which is the bits of a product stored and then added to C by an add kernel.
  const storeRow = (r: number, fromZero: boolean, rounded = false): Code => [
    ...get(cPtr), ...(fromZero ? zero128 : [...get(cPtr), ...load128(0)]), ...(rounded ? zero128 : []), ...get(acc(2 * r)), ...f32x4Add, ...(rounded ? f32x4Add : []), ...store128(0),
    ...get(cPtr), ...(fromZero ? zero128 : [...get(cPtr), ...load128(16)]), ...(rounded ? zero128 : []), ...get(acc(2 * r + 1)), ...f32x4Add, ...(rounded ? f32x4Add : []), ...store128(16),
    ...get(cPtr), ...get(ldc), ...add32, ...set(cPtr),
  ];
  const tile: Code = [
    // aPtr = a + i·aTile, bPtr = bPack + j·kc·32
    ...get(a), ...get(i), ...get(aTile), ...mul32, ...add32, ...set(aPtr),
    ...get(bPack), ...get(j), ...get(kc), ...mul32, ...const32(32), ...mul32, ...add32, ...set(bPtr),
    ...[0, 1, 2, 3, 4, 5, 6, 7].flatMap((r) => [...zero128, ...set(acc(r))]),
    ...get(kc), ...set(p),
    ...loop, ...kStep, ...get(p), ...const32(1), ...sub32, ...set(p), ...get(p), ...const32(0), ...ne32, ...brIf(0), ...end,
    // cPtr = c + i·4·ldc + j·32
    ...get(c), ...get(i), ...const32(4), ...mul32, ...get(ldc), ...mul32, ...add32, ...get(j), ...const32(32), ...mul32, ...add32, ...set(cPtr),
    ...block, ...block, ...block,
    ...get(first), ...const32(ACCUMULATE), ...eq32, ...brIf(0),
    ...get(first), ...brIf(1),
    ...[0, 1, 2, 3].flatMap((r) => storeRow(r, false)), ...br(2),
    ...end,
    ...[0, 1, 2, 3].flatMap((r) => storeRow(r, false, true)), ...br(1),
    ...end,
    ...[0, 1, 2, 3].flatMap((r) => storeRow(r, true)),
    ...end,
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
    params: new Array<number>(11).fill(i32),
    results: [],
    locals: [...new Array<number>(7).fill(i32), ...new Array<number>(11).fill(v128)],
    body,
  };
}

/**
 * `packB(src, bRow, bCol, dst, nPanels, kc, cols)`: copies kc rows of B, element (p, col) at
 * src + p·bRow + col·bCol, into 8-column panels, each stored row by row, so that the micro-kernel reads B
 * sequentially; only the first `cols` columns exist, and the panel's columns past them are zeros. A
 * row-major B (bCol = 4) is copied two vectors a row; a transposed one (stored n × k: bRow = 4, bCol its
 * row length) and the last, ragged panel are gathered a column at a time (a column of the panel is a
 * sequential run of a transposed B). So B is packed from where it lives, transposed or not, with no
 * copy before. Reading B in place in the micro-kernel instead would stride by whole rows, and rows 1 or
 * 4 KiB apart all land in the same few L1 sets.
 */
export function packBFunc(): Func {
  const [src, bRow, bCol, dst, nPanels, kc, cols] = [0, 1, 2, 3, 4, 5, 6];
  const [j, p, s, col, valid, q, d] = [7, 8, 9, 10, 11, 12, 13];
  const countDown: Code = [...get(p), ...const32(1), ...sub32, ...set(p), ...get(p), ...const32(0), ...ne32, ...brIf(0)];
  const copyRows: Code = [
    ...get(kc), ...set(p),
    ...loop,
    ...get(dst), ...get(s), ...load128(0), ...store128(0),
    ...get(dst), ...get(s), ...load128(16), ...store128(16),
    ...get(dst), ...const32(32), ...add32, ...set(dst),
    ...get(s), ...get(bRow), ...add32, ...set(s),
    ...countDown,
    ...end,
  ];
  const gatherColumns: Code = [
    // A ragged panel: zeros first, for the columns that do not exist.
    ...block,
    ...get(valid), ...const32(TILE_N), ...eq32, ...brIf(0),
    ...get(dst), ...set(d), ...get(kc), ...set(p),
    ...loop,
    ...get(d), ...zero128, ...store128(0), ...get(d), ...zero128, ...store128(16),
    ...get(d), ...const32(32), ...add32, ...set(d),
    ...countDown,
    ...end,
    ...end,
    ...const32(0), ...set(col),
    ...block, ...loop,
    ...get(col), ...get(valid), ...geU32, ...brIf(1),
    // q = s + col·bCol, d = dst + col·4: column col, read along B's column and written down the panel.
    ...get(s), ...get(col), ...get(bCol), ...mul32, ...add32, ...set(q),
    ...get(dst), ...get(col), ...const32(4), ...mul32, ...add32, ...set(d),
    ...get(kc), ...set(p),
    ...loop,
    ...get(d), ...get(q), ...loadF32(0), ...storeF32(0),
    ...get(q), ...get(bRow), ...add32, ...set(q),
    ...get(d), ...const32(32), ...add32, ...set(d),
    ...countDown,
    ...end,
    ...get(col), ...const32(1), ...add32, ...set(col), ...br(0),
    ...end, ...end,
    ...get(dst), ...get(kc), ...const32(32), ...mul32, ...add32, ...set(dst),
  ];
  const body: Code = [
    ...const32(0), ...set(j),
    ...block, ...loop,
    ...get(j), ...get(nPanels), ...geU32, ...brIf(1),
    // s = src + j·8·bCol; valid = min(8, cols − 8j)
    ...get(src), ...get(j), ...const32(TILE_N), ...mul32, ...get(bCol), ...mul32, ...add32, ...set(s),
    ...minU(const32(TILE_N), [...get(cols), ...get(j), ...const32(TILE_N), ...mul32, ...sub32]), ...set(valid),
    ...block, ...block,
    ...get(bCol), ...const32(4), ...ne32, ...brIf(0),
    ...get(valid), ...const32(TILE_N), ...ne32, ...brIf(0),
    ...copyRows, ...br(1),
    ...end,
    ...gatherColumns,
    ...end,
    ...get(j), ...const32(1), ...add32, ...set(j), ...br(0),
    ...end, ...end,
  ];
  return { name: "packB", params: new Array<number>(7).fill(i32), results: [], locals: new Array<number>(7).fill(i32), body };
}

/** `min(x, y)` of two unsigned i32 expressions. */
const minU = (x: Code, y: Code): Code => [...x, ...y, ...x, ...y, ...ltU32, ...select];

/**
 * `matmulRange(a, aTile, aRow, aCol, b, bRow, bCol, bPack, c, ldc, mPad, k, n, firstMode, j0, j1)`: the
 * blocked product for the B panels j0..j1 (columns 8·j0 up to 8·j1) and all rows: for each block of KC
 * steps of the inner dimension, pack those panels of B, then run `gemm` over each block of MC rows of A
 * (the first block runs `gemm` with `first` = firstMode: 1 stores into C, `ACCUMULATE` adds the product
 * to C, which is exact only for k ≤ KC; later blocks add to it). Different panel ranges touch disjoint parts of C and
 * of the packed B, so worker threads each run one range with no other synchronisation. A's row 4t + r,
 * step p is at a + t·aTile + r·aRow + p·aCol (row-major, or packed by `packA`) and B's (p, j) at
 * b + p·bRow + j·bCol (row-major or transposed, read in place); B has n columns; C is row-major with
 * rows ldc bytes apart and whole panels wide; `mPad` is a multiple of 4 and A has mPad rows to read;
 * `bPack` has room for KC rows of every panel.
 */
export function matmulRangeFunc(): Func {
  const [a, aTile, aRow, aCol, b, bRow, bCol, bPack, c, ldc, mPad, k, n, firstMode, j0, j1] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15];
  const [p0, kc, i0, panels, packAt] = [16, 17, 18, 19, 20];
  const body: Code = [
    ...get(j1), ...get(j0), ...sub32, ...set(panels),
    ...const32(0), ...set(p0),
    ...block, ...loop,
    ...get(p0), ...get(k), ...geU32, ...brIf(1),
    ...minU(const32(KC), [...get(k), ...get(p0), ...sub32]), ...set(kc),
    // packB(b + p0·bRow + j0·8·bCol, bRow, bCol, bPack + j0·KC·32, panels, kc, n − 8·j0). The range's
    // packed panels start at j0·KC·32, not j0·kc·32: threads reach the last, shorter block at different
    // times, and with the current kc their regions would overlap.
    ...get(bPack), ...get(j0), ...const32(KC * 32), ...mul32, ...add32, ...set(packAt),
    ...get(b), ...get(p0), ...get(bRow), ...mul32, ...add32, ...get(j0), ...const32(TILE_N), ...mul32, ...get(bCol), ...mul32, ...add32,
    ...get(bRow), ...get(bCol), ...get(packAt), ...get(panels), ...get(kc),
    ...get(n), ...get(j0), ...const32(TILE_N), ...mul32, ...sub32, ...call(PACK_B),
    ...const32(0), ...set(i0),
    ...block, ...loop,
    ...get(i0), ...get(mPad), ...geU32, ...brIf(1),
    // gemm(a + (i0/4)·aTile + p0·aCol, aTile, aRow, aCol, packAt, c + i0·ldc + j0·32, min(MC, mPad − i0)/4, panels, kc, ldc, p0 = 0 ? firstMode : 0)
    ...get(a), ...get(i0), ...const32(4), ...divU32, ...get(aTile), ...mul32, ...add32, ...get(p0), ...get(aCol), ...mul32, ...add32,
    ...get(aTile), ...get(aRow), ...get(aCol), ...get(packAt),
    ...get(c), ...get(i0), ...get(ldc), ...mul32, ...add32, ...get(j0), ...const32(32), ...mul32, ...add32,
    ...minU(const32(MC), [...get(mPad), ...get(i0), ...sub32]), ...const32(4), ...divU32,
    ...get(panels), ...get(kc), ...get(ldc), ...get(firstMode), ...const32(0), ...get(p0), ...eqz32, ...select, ...call(GEMM),
    ...get(i0), ...const32(MC), ...add32, ...set(i0), ...br(0),
    ...end, ...end,
    ...get(p0), ...const32(KC), ...add32, ...set(p0), ...br(0),
    ...end, ...end,
  ];
  return { name: "matmulRange", params: new Array<number>(16).fill(i32), results: [], locals: new Array<number>(5).fill(i32), body };
}

/** Steps of a transposed A that `packA` copies per pass over its tiles: a few rows of it, each read along. */
const PACK_A_STEPS = 8;

/**
 * `packA(src, lda, dst, m, k)`: packs a transposed A, stored k × m row-major (rows `lda` bytes apart),
 * into tiles of 4 of A's rows (4 neighbouring columns of the stored matrix), each tile k steps of 4
 * floats (16·k bytes), so that `gemm` reads it as one sequential stream (aTile = 16·k, aRow = 4,
 * aCol = 16). A last, partial tile (m not a multiple of 4) gets zeros for the rows past m. Reads run
 * along the stored rows a few at a time, so that each pass touches few pages.
 */
export function packAFunc(): Func {
  const [src, lda, dst, m, k] = [0, 1, 2, 3, 4];
  const [p0, pEnd, t, s, d, p, tiles, tileBytes, r] = [5, 6, 7, 8, 9, 10, 11, 12, 13];
  const body: Code = [
    ...get(m), ...const32(4), ...divU32, ...set(tiles),
    ...get(k), ...const32(16), ...mul32, ...set(tileBytes),
    ...const32(0), ...set(p0),
    ...block, ...loop,
    ...get(p0), ...get(k), ...geU32, ...brIf(1),
    ...minU(get(k), [...get(p0), ...const32(PACK_A_STEPS), ...add32]), ...set(pEnd),
    ...const32(0), ...set(t),
    ...block, ...loop,
    ...get(t), ...get(tiles), ...geU32, ...brIf(1),
    // s = src + p0·lda + 16t, d = dst + t·tileBytes + 16·p0
    ...get(src), ...get(p0), ...get(lda), ...mul32, ...add32, ...get(t), ...const32(16), ...mul32, ...add32, ...set(s),
    ...get(dst), ...get(t), ...get(tileBytes), ...mul32, ...add32, ...get(p0), ...const32(16), ...mul32, ...add32, ...set(d),
    ...get(p0), ...set(p),
    ...loop,
    ...get(d), ...get(s), ...load128(0), ...store128(0),
    ...get(s), ...get(lda), ...add32, ...set(s),
    ...get(d), ...const32(16), ...add32, ...set(d),
    ...get(p), ...const32(1), ...add32, ...set(p),
    ...get(p), ...get(pEnd), ...ltU32, ...brIf(0),
    ...end,
    ...get(t), ...const32(1), ...add32, ...set(t), ...br(0),
    ...end, ...end,
    ...get(pEnd), ...set(p0), ...br(0),
    ...end, ...end,
    // The partial tile: for each step, zeros, then the rows that exist, one float at a time.
    ...block,
    ...get(m), ...get(tiles), ...const32(4), ...mul32, ...eq32, ...brIf(0),
    ...const32(0), ...set(p),
    ...loop,
    ...get(dst), ...get(tiles), ...get(tileBytes), ...mul32, ...add32, ...get(p), ...const32(16), ...mul32, ...add32, ...set(d),
    ...get(d), ...zero128, ...store128(0),
    ...get(tiles), ...const32(4), ...mul32, ...set(r),
    ...loop,
    // dst float (r − 4·tiles) of this step = src[p, r]
    ...get(d), ...get(r), ...get(tiles), ...const32(4), ...mul32, ...sub32, ...const32(4), ...mul32, ...add32,
    ...get(src), ...get(p), ...get(lda), ...mul32, ...add32, ...get(r), ...const32(4), ...mul32, ...add32, ...loadF32(0),
    ...storeF32(0),
    ...get(r), ...const32(1), ...add32, ...set(r),
    ...get(r), ...get(m), ...ltU32, ...brIf(0),
    ...end,
    ...get(p), ...const32(1), ...add32, ...set(p),
    ...get(p), ...get(k), ...ltU32, ...brIf(0),
    ...end,
    ...end,
  ];
  return { name: "packA", params: new Array<number>(5).fill(i32), results: [], locals: new Array<number>(9).fill(i32), body };
}

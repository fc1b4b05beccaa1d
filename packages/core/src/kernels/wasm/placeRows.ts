import { add32, and32, block, br, brIf, const32, end, f32Add, f32x4Add, geU32, get, i32, load128, loadF32, loop, mul32, set, store128, storeF32, sub32, whileBelow, zero128, type Code, type Func } from "./assembler.js";

/** `f32.const +0`. */
const zeroF32: Code = [0x43, 0, 0, 0, 0];

/**
 * `placeRows(src, srcStride, dst, dstStride, rows, length)` (byte addresses and strides, counts): for each
 * of `rows` rows of `length` floats, dst[r, i] = src[r, i] + 0, row r at src + r·srcStride and
 * dst + r·dstStride. Adding zero is what the adds of zero-padded pieces did to each element (−0 becomes +0,
 * everything else is unchanged), so a sum of pieces written this way has their bits (jit/pieces.ts), four
 * floats to a vector (the last `length mod 4` one at a time). With `plusZero` false it is `copyRows`,
 * the same loop copying the bits as they are (a slice of a jit program's resident buffer, layoutFast.ts).
 * Rows must not overlap between source and destination.
 */
export function placeRowsFunc(plusZero = true): Func {
  const [src, srcStride, dst, dstStride, rows, length] = [0, 1, 2, 3, 4, 5];
  const [r, i, rowBytes, vecBytes] = [6, 7, 8, 9];
  const at = (base: number): Code => [...get(base), ...get(i), ...add32];
  const body: Code = [
    ...get(length), ...const32(4), ...mul32, ...set(rowBytes),
    ...get(rowBytes), ...get(rowBytes), ...const32(15), ...and32, ...sub32, ...set(vecBytes),
    ...const32(0), ...set(r),
    ...block, ...loop,
    ...get(r), ...get(rows), ...geU32, ...brIf(1),
    ...const32(0), ...set(i),
    ...whileBelow(i, vecBytes, 16, [...at(dst), ...at(src), ...load128(0), ...(plusZero ? [...zero128, ...f32x4Add] : []), ...store128(0)]),
    ...whileBelow(i, rowBytes, 4, [...at(dst), ...at(src), ...loadF32(0), ...(plusZero ? [...zeroF32, ...f32Add] : []), ...storeF32(0)]),
    ...get(src), ...get(srcStride), ...add32, ...set(src),
    ...get(dst), ...get(dstStride), ...add32, ...set(dst),
    ...get(r), ...const32(1), ...add32, ...set(r), ...br(0),
    ...end, ...end,
  ];
  return { name: plusZero ? "placeRows" : "copyRows", params: new Array<number>(6).fill(i32), results: [], locals: new Array<number>(4).fill(i32), body };
}

import {
  add32, and32, block, br, brIf, const32, end, f32Add, f32x4Add, geU32, get, i32, load128, loadF32, loop, mul32, set, store128, storeF32, whileBelow, type Code, type Func,
} from "./assembler.js";

/**
 * `sumRows(x, out, outer, reduced, inner)` (byte addresses, counts): for each of `outer` blocks of
 * `reduced` rows of `inner` floats (x row-major), adds the rows one after another into that block's
 * `inner` floats of `out`, which the caller has zeroed: out[o, i] = ((0 + x[o, 0, i]) + x[o, 1, i]) + …,
 * each addition rounded to float32. That is the order and rounding of the plain loop it replaces (a
 * float32 `+` in JavaScript is a double sum rounded once, which is the float32 sum), so the result is
 * bit-identical to it, four columns to a vector (the last `inner mod 4` columns one at a time).
 */
export function sumRowsFunc(): Func {
  const [x, out, outer, reduced, inner] = [0, 1, 2, 3, 4];
  const [o, r, i, rowBytes, vecBytes, block0] = [5, 6, 7, 8, 9, 10];
  const at = (base: number): Code => [...get(base), ...get(i), ...add32];
  const body: Code = [
    ...get(inner), ...const32(4), ...mul32, ...set(rowBytes),
    ...get(inner), ...const32(-4), ...and32, ...const32(4), ...mul32, ...set(vecBytes),
    ...const32(0), ...set(o),
    ...block, ...loop,
    ...get(o), ...get(outer), ...geU32, ...brIf(1),
    ...get(out), ...get(o), ...get(rowBytes), ...mul32, ...add32, ...set(block0),
    ...const32(0), ...set(r),
    ...block, ...loop,
    ...get(r), ...get(reduced), ...geU32, ...brIf(1),
    ...const32(0), ...set(i),
    ...whileBelow(i, vecBytes, 16, [...at(block0), ...at(block0), ...load128(0), ...at(x), ...load128(0), ...f32x4Add, ...store128(0)]),
    ...whileBelow(i, rowBytes, 4, [...at(block0), ...at(block0), ...loadF32(0), ...at(x), ...loadF32(0), ...f32Add, ...storeF32(0)]),
    ...get(x), ...get(rowBytes), ...add32, ...set(x),
    ...get(r), ...const32(1), ...add32, ...set(r), ...br(0),
    ...end, ...end,
    ...get(o), ...const32(1), ...add32, ...set(o), ...br(0),
    ...end, ...end,
  ];
  return { name: "sumRows", params: new Array<number>(5).fill(i32), results: [], locals: new Array<number>(6).fill(i32), body };
}

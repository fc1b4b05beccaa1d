import {
  add32, block, br, brIf, const32, end, f32, f32x4Add, f32x4Div, f32x4Mul, f32x4Splat, f32x4Sqrt, f32x4Sub, geU32, get, i32, load128, loop, mul32, set,
  store128, v128, type Code, type Func,
} from "@tapegrad/core/wasm";

/**
 * `adam(p, g, m, s, groups, beta1, c1, beta2, c2, stepSize, correction2, eps, decay)`: the Adam update
 * of `groups` × 4 float32 parameters at byte addresses p, g (gradient), m and s (moments), four lanes at
 * a time, in float32:
 *
 *     p ← p · decay;  m ← β1 m + c1 g;  s ← β2 s + c2 g²;  p ← p − stepSize · m / (√s / correction2 + ε)
 *
 * with c1 = 1 − β1 and c2 = 1 − β2 passed in (as torch.optim computes them in double, then rounds), and
 * `decay` = 1 − αλ for AdamW's decoupled decay (exactly 1 otherwise: multiplying by 1 changes nothing).
 * The square root and the divisions are 4-lane float32 operations, correctly rounded like their scalar
 * forms; one pass over each array is what makes this memory-bound rather than divide-bound.
 */
export function adamFunc(): Func {
  const [p, g, m, s, groups] = [0, 1, 2, 3, 4];
  // The scalar parameters beta1, c1, beta2, c2, stepSize, correction2, eps, decay are locals 5..12; the
  // same scalars splatted to four lanes are the v128 locals 15..22, in the same order.
  const scalars = [5, 6, 7, 8, 9, 10, 11, 12];
  const vec = (k: number): number => 15 + k;
  const [beta1, c1, beta2, c2, stepSize, correction2, eps, decay] = [vec(0), vec(1), vec(2), vec(3), vec(4), vec(5), vec(6), vec(7)];
  const at = 13; // i32: byte offset of the current group
  const end4 = 14; // i32: groups · 16
  const [vg, vm, vs] = [23, 24, 25];
  const addr = (base: number): Code => [...get(base), ...get(at), ...add32];
  const body: Code = [
    ...scalars.flatMap((l, k) => [...get(l), ...f32x4Splat, ...set(vec(k))]),
    ...get(groups), ...const32(16), ...mul32, ...set(end4),
    ...const32(0), ...set(at),
    ...block, ...loop,
    ...get(at), ...get(end4), ...geU32, ...brIf(1),
    ...addr(g), ...load128(0), ...set(vg),
    // m ← β1 m + c1 g
    ...addr(m), ...get(beta1), ...addr(m), ...load128(0), ...f32x4Mul, ...get(c1), ...get(vg), ...f32x4Mul, ...f32x4Add, ...set(vm), ...get(vm), ...store128(0),
    // s ← β2 s + c2 g²
    ...addr(s), ...get(beta2), ...addr(s), ...load128(0), ...f32x4Mul, ...get(c2), ...get(vg), ...f32x4Mul, ...get(vg), ...f32x4Mul, ...f32x4Add, ...set(vs), ...get(vs), ...store128(0),
    // p ← p · decay − stepSize · m / (√s / correction2 + ε)
    ...addr(p),
    ...addr(p), ...load128(0), ...get(decay), ...f32x4Mul,
    ...get(stepSize), ...get(vm), ...get(vs), ...f32x4Sqrt, ...get(correction2), ...f32x4Div, ...get(eps), ...f32x4Add, ...f32x4Div, ...f32x4Mul,
    ...f32x4Sub, ...store128(0),
    ...get(at), ...const32(16), ...add32, ...set(at),
    ...br(0),
    ...end, ...end,
  ];
  return {
    name: "adam",
    params: [i32, i32, i32, i32, i32, f32, f32, f32, f32, f32, f32, f32, f32],
    results: [],
    locals: [i32, i32, ...new Array<number>(11).fill(v128)],
    body,
  };
}

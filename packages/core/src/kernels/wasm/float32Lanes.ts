import { float32MathConstants as K } from "../float32Math.js";
import {
  f32x4Abs, f32x4Add, f32x4Const, f32x4Div, f32x4Lt, f32x4Max, f32x4Min, f32x4Mul, f32x4Sub, get, i32x4Add, i32x4Const, i32x4Shl, i32x4ShrS, i32x4Sub,
  i32x4TruncSatF32x4S, const32, set, tee, v128And, v128Bitselect, v128Or, type Code, type LaneLocals,
} from "./assembler.js";

/**
 * The 4-lane WebAssembly SIMD formulas of float32Math.ts's exp32 and tanh32: the same operations on the
 * same constants in the same order, each lane rounding where the JavaScript's `Math.fround` does, so a
 * lane gives the scalar function's bits (float32.test.ts checks it over a sweep of all float32 values).
 * Where the scalar function branches (tanh's two ranges) the lanes compute both sides and select.
 */

/** Horner's rule over `coefficients` in the variable held by local `v`: ((c0·v + c1)·v + ...) + c_last. */
function horner(coefficients: readonly number[], v: number): Code {
  const [first, ...rest] = coefficients;
  return [...f32x4Const(first!), ...rest.flatMap((c) => [...get(v), ...f32x4Mul, ...f32x4Const(c), ...f32x4Add])];
}

/** 2^(int32 lanes) for exponents in [-75, 64] as float32 lanes: the exponent's biased bits shifted into place. */
const powerOf2: Code = [...i32x4Const(127), ...i32x4Add, ...const32(23), ...i32x4Shl];

/**
 * e^x on four float32 lanes: `x` pushes the argument (it is read once). See exp32.
 * @example
 * ```ts
 * const rule = { ...expOp, simd(this: LaneLocals, x: Code) { return expLanes(x, this); } };
 * ```
 */
export function expLanes(x: Code, locals: LaneLocals): Code {
  const [clamped, n, r, k, half] = [locals.v128(), locals.v128(), locals.v128(), locals.v128(), locals.v128()];
  return [
    ...x, ...f32x4Const(K.expLow), ...f32x4Max, ...f32x4Const(K.expHigh), ...f32x4Min, ...tee(clamped),
    // n = round(clamped·log2 e), ties to even, by adding and subtracting 1.5·2^23
    ...f32x4Const(K.log2e), ...f32x4Mul, ...f32x4Const(K.rounder), ...f32x4Add, ...f32x4Const(K.rounder), ...f32x4Sub, ...set(n),
    // r = (clamped − n·c1) − n·c2
    ...get(clamped), ...get(n), ...f32x4Const(K.c1), ...f32x4Mul, ...f32x4Sub, ...get(n), ...f32x4Const(K.c2), ...f32x4Mul, ...f32x4Sub, ...set(r),
    // e^r = ((P(r)·r²) + r) + 1
    ...horner(K.expPoly, r), ...get(r), ...get(r), ...f32x4Mul, ...f32x4Mul, ...get(r), ...f32x4Add, ...f32x4Const(1), ...f32x4Add,
    // · 2^half · 2^(k − half), with k = n as int32 and half = k >> 1
    ...get(n), ...i32x4TruncSatF32x4S, ...tee(k), ...const32(1), ...i32x4ShrS, ...tee(half), ...powerOf2, ...f32x4Mul,
    ...get(k), ...get(half), ...i32x4Sub, ...powerOf2, ...f32x4Mul,
  ];
}

/**
 * tanh(x) on four float32 lanes: `x` pushes the argument (it is read twice). See tanh32.
 * @example
 * ```ts
 * const rule = { ...tanhOp, simd(this: LaneLocals, x: Code) { return tanhLanes(x, this); } };
 * ```
 */
export function tanhLanes(x: Code, locals: LaneLocals): Code {
  const [a, z] = [locals.v128(), locals.v128()];
  const small = [...get(z), ...f32x4Mul, ...get(a), ...f32x4Mul, ...get(a), ...f32x4Add]; // after the polynomial: ((Q·z)·a) + a
  return [
    ...x, ...f32x4Abs, ...tee(a), ...get(a), ...f32x4Mul, ...set(z),
    ...horner(K.tanhPoly, z), ...small,
    // 1 − 2/(exp(a + a) + 1)
    ...f32x4Const(1), ...f32x4Const(2), ...expLanes([...get(a), ...get(a), ...f32x4Add], locals), ...f32x4Const(1), ...f32x4Add, ...f32x4Div, ...f32x4Sub,
    ...get(a), ...f32x4Const(K.tanhSmall), ...f32x4Lt, ...v128Bitselect,
    // x's sign bit on the result
    ...x, ...i32x4Const(-0x80000000), ...v128And, ...v128Or,
  ];
}

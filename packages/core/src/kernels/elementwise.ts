import type { DType, Storage } from "../dtype.js";
import { allocate, words } from "../dtype.js";
import type { Shape } from "../shape.js";
import { sizeOf } from "../shape.js";
import { collapse } from "./collapse.js";
import { broadcastStrides, forEachStrided2 } from "./strided.js";

/**
 * Elementwise kernels without a function call per element. The reference kernels take the op's scalar
 * function as a closure; called from one shared loop with a different closure per op, V8 cannot inline
 * it and pays a call per element. Here each op has its own loop (one line: the formula is the only
 * difference), and broadcasting is handled a row at a time after `collapse`, so the per-element work
 * is a load, the formula and a store. The formulas are the op files' own, so results are identical to
 * the reference kernels' (each is computed in double precision and rounded once on store).
 */

/** `out[o + k] = a[ia + k·sa] ∘ b[ib + k·sb]` for k < n: one row of a broadcast binary op. */
type BinarySpan = (out: Storage, o: number, a: Storage, ia: number, sa: number, b: Storage, ib: number, sb: number, n: number) => void;

const binarySpans: Readonly<Record<string, BinarySpan>> = {
  add: (out, o, a, ia, sa, b, ib, sb, n) => { for (let e = o + n; o < e; o++, ia += sa, ib += sb) out[o] = a[ia]! + b[ib]!; },
  mul: (out, o, a, ia, sa, b, ib, sb, n) => { for (let e = o + n; o < e; o++, ia += sa, ib += sb) out[o] = a[ia]! * b[ib]!; },
  maximum: (out, o, a, ia, sa, b, ib, sb, n) => {
    for (let e = o + n; o < e; o++, ia += sa, ib += sb) { const x = a[ia]!, y = b[ib]!; out[o] = x >= y || x !== x ? x : y; }
  },
  gt: (out, o, a, ia, sa, b, ib, sb, n) => { for (let e = o + n; o < e; o++, ia += sa, ib += sb) out[o] = +(a[ia]! > b[ib]!); },
  ge: (out, o, a, ia, sa, b, ib, sb, n) => { for (let e = o + n; o < e; o++, ia += sa, ib += sb) out[o] = +(a[ia]! >= b[ib]!); },
  lt: (out, o, a, ia, sa, b, ib, sb, n) => { for (let e = o + n; o < e; o++, ia += sa, ib += sb) out[o] = +(a[ia]! < b[ib]!); },
  le: (out, o, a, ia, sa, b, ib, sb, n) => { for (let e = o + n; o < e; o++, ia += sa, ib += sb) out[o] = +(a[ia]! <= b[ib]!); },
  eq: (out, o, a, ia, sa, b, ib, sb, n) => { for (let e = o + n; o < e; o++, ia += sa, ib += sb) out[o] = +(a[ia]! === b[ib]!); },
  ne: (out, o, a, ia, sa, b, ib, sb, n) => { for (let e = o + n; o < e; o++, ia += sa, ib += sb) out[o] = +(a[ia]! !== b[ib]!); },
  pow: (out, o, a, ia, sa, b, ib, sb, n) => { for (let e = o + n; o < e; o++, ia += sa, ib += sb) out[o] = a[ia]! ** b[ib]!; },
  // g where x > 0, else 0, chosen on the bits (no branch to mispredict on a ReLU's random signs); NaN and −0
  // pass through unchanged, as in a copy. One loop per word count: a loop over the words of each element
  // ran at about half the speed.
  reluGrad: (out, o, a, ia, sa, b, ib, sb, n) => {
    const [ow, aw] = [words(out), words(a)];
    if (out.BYTES_PER_ELEMENT === 4) {
      for (let e = o + n; o < e; o++, ia += sa, ib += sb) ow[o] = aw[ia]! & -+(b[ib]! > 0);
    } else {
      for (let e = o + n; o < e; o++, ia += sa, ib += sb) {
        const mask = -+(b[ib]! > 0);
        ow[2 * o] = aw[2 * ia]! & mask;
        ow[2 * o + 1] = aw[2 * ia + 1]! & mask;
      }
    }
  },
};

/** `out[i] = f(x[i])` over whole arrays. */
type UnarySpan = (out: Storage, x: Storage) => void;

const unarySpans: Readonly<Record<string, UnarySpan>> = {
  neg: (out, x) => { for (let i = 0; i < x.length; i++) out[i] = -x[i]!; },
  reciprocal: (out, x) => { for (let i = 0; i < x.length; i++) out[i] = 1 / x[i]!; },
  abs: (out, x) => { for (let i = 0; i < x.length; i++) out[i] = Math.abs(x[i]!); },
  sqrt: (out, x) => { for (let i = 0; i < x.length; i++) out[i] = Math.sqrt(x[i]!); },
  exp: (out, x) => { for (let i = 0; i < x.length; i++) out[i] = Math.exp(x[i]!); },
  log: (out, x) => { for (let i = 0; i < x.length; i++) out[i] = Math.log(x[i]!); },
  sin: (out, x) => { for (let i = 0; i < x.length; i++) out[i] = Math.sin(x[i]!); },
  cos: (out, x) => { for (let i = 0; i < x.length; i++) out[i] = Math.cos(x[i]!); },
  tanh: (out, x) => { for (let i = 0; i < x.length; i++) out[i] = Math.tanh(x[i]!); },
  // max(x, 0) chosen on the bits, as reluGrad: the element's words where !(x <= 0) (positive or NaN), else
  // +0's (so −0 gives +0, as Math.max). Math.max with a ReLU's random signs branched and ran at half the speed.
  relu: (out, x) => {
    const [ow, xw] = [words(out), words(x)];
    if (x.BYTES_PER_ELEMENT === 4) {
      for (let i = 0; i < x.length; i++) ow[i] = xw[i]! & -+!(x[i]! <= 0);
    } else {
      for (let i = 0; i < x.length; i++) {
        const mask = -+!(x[i]! <= 0);
        ow[2 * i] = xw[2 * i]! & mask;
        ow[2 * i + 1] = xw[2 * i + 1]! & mask;
      }
    }
  },
};

/** The ops that have their own elementwise loop here (the rest run the reference kernel). */
export const fastElementwiseOps: readonly string[] = [...Object.keys(binarySpans), ...Object.keys(unarySpans)];

/**
 * Applies the named unary op, or `f` through the reference loop when the op has no loop of its own.
 * @example
 * ```ts
 * mapFast("neg", Float32Array.of(1, -2), "float32", (v) => -v); // Float32Array [-1, 2]
 * ```
 */
export function mapFast(op: string, x: Storage, dtype: DType, f: (v: number) => number): Storage {
  const out = allocate(dtype, x.length);
  const span = unarySpans[op];
  if (span) span(out, x);
  else for (let i = 0; i < x.length; i++) out[i] = f(x[i]!);
  return out;
}

/**
 * Applies the named binary op with NumPy broadcasting, a row at a time.
 * @example
 * ```ts
 * zipFast("add", Float32Array.of(1, 2), [2], Float32Array.of(10), [], [2], "float32", (x, y) => x + y); // [11, 12]
 * ```
 */
export function zipFast(
  op: string, a: Storage, aShape: Shape, b: Storage, bShape: Shape, outShape: Shape, dtype: DType,
  f: (x: number, y: number) => number,
): Storage {
  const out = allocate(dtype, sizeOf(outShape));
  if (out.length === 0) return out;
  const span: BinarySpan =
    binarySpans[op] ??
    ((o, oo, x, i, si, y, j, sj, n) => {
      for (let e = oo + n; oo < e; oo++, i += si, j += sj) o[oo] = f(x[i]!, y[j]!);
    });
  // Same-size operands and scalars (every op of a scalar graph) need no stride plan.
  const [fullA, fullB] = [a.length === out.length, b.length === out.length];
  if ((fullA || a.length === 1) && (fullB || b.length === 1)) {
    span(out, 0, a, 0, fullA ? 1 : 0, b, 0, fullB ? 1 : 0, out.length);
    return out;
  }
  const { shape, strides: [sa, sb] } = collapse(outShape, [broadcastStrides(aShape, outShape), broadcastStrides(bShape, outShape)]);
  const rank = shape.length;
  const inner = shape[rank - 1]!;
  const [ia, ib] = [sa![rank - 1]!, sb![rank - 1]!];
  if (rank === 1) span(out, 0, a, 0, ia, b, 0, ib, inner);
  else forEachStrided2(shape.slice(0, -1), sa!.slice(0, -1), sb!.slice(0, -1), (row, pa, pb) => span(out, row * inner, a, pa, ia, b, pb, ib, inner));
  return out;
}

import type { DType, Storage } from "../dtype.js";
import { allocate } from "../dtype.js";
import type { Shape } from "../shape.js";
import { sizeOf } from "../shape.js";
import { collapse } from "./collapse.js";
import { generatedFunction } from "./generatedCode.js";
import { broadcastStrides, forEachStrided2 } from "./strided.js";

/**
 * Elementwise kernels without a call per element that V8 cannot inline. The reference kernels take the
 * op's scalar function as a closure and call it from one shared loop; with a different closure per op
 * that call site is megamorphic and costs a call per element. Here each op gets a loop of its own,
 * compiled once from its scalar function (the op file's one statement of its formula), so V8 inlines the
 * function into it and the per-element work is a load, the formula and a store; broadcasting is handled
 * a row at a time after `collapse`. Results are identical to the reference kernels' (the same function,
 * computed in double precision and rounded once on store). An op whose fastest loop is not a call of its
 * scalar function (relu's sign-bit mask) passes that loop itself, from its own file.
 *
 * How a loop is compiled: `generatedFunction` over a fixed template, into which nothing but a counter is
 * written; the counter makes each op's source distinct, so V8 keeps a separate copy of the loop, with its
 * own type feedback, per op. Where generated code is refused, the loop falls back to a closure.
 */

/** `out[o + k] = a[ia + k·sa] ∘ b[ib + k·sb]` for k < n: one row of a broadcast binary op. */
export type BinarySpan = (out: Storage, o: number, a: Storage, ia: number, sa: number, b: Storage, ib: number, sb: number, n: number) => void;

/** `out[i] = f(x[i])` over whole arrays. */
export type UnaryLoop = (out: Storage, x: Storage) => void;

const unaryLoops = new WeakMap<(v: number) => number, UnaryLoop>();
const binarySpans = new WeakMap<(x: number, y: number) => number, BinarySpan>();
let compiled = 0;

/** A loop of its own for `make`'s template, or null where the page refuses `new Function`. */
function compile<L>(template: string, f: unknown): L | null {
  const make = generatedFunction<(f: unknown) => L>(["f"], `"use strict"; // elementwise loop ${++compiled}\nreturn ${template};`);
  return make === null ? null : make(f);
}

/** The compiled loop of a unary scalar function (compiled on first use, then kept with the function). */
export function unaryLoop(f: (v: number) => number): UnaryLoop {
  let loop = unaryLoops.get(f);
  if (loop === undefined) {
    loop =
      compile<UnaryLoop>("function (out, x) { for (let i = 0; i < x.length; i++) out[i] = f(x[i]); }", f) ??
      ((out, x) => { for (let i = 0; i < x.length; i++) out[i] = f(x[i]!); });
    unaryLoops.set(f, loop);
  }
  return loop;
}

/** The compiled broadcast row of a binary scalar function. */
export function binarySpan(f: (x: number, y: number) => number): BinarySpan {
  let span = binarySpans.get(f);
  if (span === undefined) {
    span =
      compile<BinarySpan>("function (out, o, a, ia, sa, b, ib, sb, n) { for (let e = o + n; o < e; o++, ia += sa, ib += sb) out[o] = f(a[ia], b[ib]); }", f) ??
      ((out, o, a, ia, sa, b, ib, sb, n) => { for (let e = o + n; o < e; o++, ia += sa, ib += sb) out[o] = f(a[ia]!, b[ib]!); });
    binarySpans.set(f, span);
  }
  return span;
}

/**
 * Applies a unary op: its own `loop` when it gives one, else the loop compiled from `f`.
 * @example
 * ```ts
 * mapFast("neg", Float32Array.of(1, -2), "float32", (v) => -v); // Float32Array [-1, 2]
 * ```
 */
export function mapFast(_op: string, x: Storage, dtype: DType, f: (v: number) => number, loop?: UnaryLoop): Storage {
  const out = allocate(dtype, x.length);
  (loop ?? unaryLoop(f))(out, x);
  return out;
}

/**
 * Applies a binary op with NumPy broadcasting, a row at a time: its own `span` when it gives one, else
 * the row compiled from `f`.
 * @example
 * ```ts
 * zipFast("add", Float32Array.of(1, 2), [2], Float32Array.of(10), [], [2], "float32", (x, y) => x + y); // [11, 12]
 * ```
 */
export function zipFast(
  _op: string, a: Storage, aShape: Shape, b: Storage, bShape: Shape, outShape: Shape, dtype: DType,
  f: (x: number, y: number) => number, own?: BinarySpan,
): Storage {
  const out = allocate(dtype, sizeOf(outShape));
  if (out.length === 0) return out;
  const span = own ?? binarySpan(f);
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

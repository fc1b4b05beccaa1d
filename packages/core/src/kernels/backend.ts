import type { DType, Storage } from "../dtype.js";
import type { Shape } from "../shape.js";
import * as indexing from "./indexing.js";
import * as reference from "./reference.js";
import * as windows from "./windows.js";
import type { Window } from "../ops/windows.js";
import type { BinarySpan, UnaryLoop } from "./elementwise.js";

/**
 * The one kernel interface that every primitive's forward calls. A backend is a record of these
 * functions; `referenceKernels` are the plain TypeScript loops (the semantics every other backend is
 * tested against), and `fastKernels` (see fast.ts) replace the hot ones with WebAssembly SIMD and typed
 * loops. Elementwise kernels receive the op's scalar function, its one statement of what it computes
 * (the fast backend compiles it into a loop of its own), and, for the few ops whose fastest loop is not a
 * call of that function (relu's sign-bit masks), the op's own loop from its file, which a backend may use.
 */
export interface Kernels {
  readonly name: string;
  map(op: string, x: Storage, dtype: DType, f: (v: number) => number, loop?: UnaryLoop): Storage;
  zip(op: string, a: Storage, aShape: Shape, b: Storage, bShape: Shape, outShape: Shape, dtype: DType, f: (x: number, y: number) => number, span?: BinarySpan): Storage;
  select(cond: Storage, condShape: Shape, a: Storage, aShape: Shape, b: Storage, bShape: Shape, outShape: Shape, dtype: DType): Storage;
  broadcast(x: Storage, shape: Shape, outShape: Shape, dtype: DType): Storage;
  reduce(op: "sum" | "max", x: Storage, shape: Shape, axes: readonly number[], dtype: DType, init: number, combine: (acc: number, v: number) => number): Storage;
  transpose(x: Storage, shape: Shape, perm: readonly number[], dtype: DType): Storage;
  slice(x: Storage, shape: Shape, begin: readonly number[], outShape: Shape, dtype: DType): Storage;
  pad(x: Storage, shape: Shape, before: readonly number[], outShape: Shape, dtype: DType): Storage;
  concat(xs: readonly Storage[], shapes: readonly Shape[], axis: number, outShape: Shape, dtype: DType): Storage;
  /** `op(a) · op(b)` over the last two axes, op transposing an operand whose flag is set. */
  matmul(a: Storage, aShape: Shape, b: Storage, bShape: Shape, outShape: Shape, dtype: DType, transposeA?: boolean, transposeB?: boolean): Storage;
  cast(x: Storage, dtype: DType): Storage;
  softmaxCrossEntropy(logits: Storage, rows: number, classes: number, target: Storage, targetIsIndices: boolean, dtype: DType): Storage;
  /** Positions of the first extreme along `axis` (of the flattened tensor when null). */
  argReduce(op: "argmax" | "argmin", x: Storage, shape: Shape, axis: number | null): Int32Array;
  /** `torch.gather` along `axis`; the output has the index's shape. */
  gather(x: Storage, shape: Shape, axis: number, index: Int32Array, indexShape: Shape, dtype: DType): Storage;
  /** `torch.scatter_add` along `axis`, out of place. */
  scatterAdd(x: Storage, shape: Shape, axis: number, index: Int32Array, indexShape: Shape, src: Storage, srcShape: Shape, dtype: DType): Storage;
  /** im2col: `[..., H, W]` to `[..., kh·kw, Ho, Wo]`, padding read as `padValue`. */
  unfold(x: Storage, shape: Shape, win: Window, outShape: Shape, padValue: number, dtype: DType): Storage;
  /** col2im, unfold's adjoint: `[..., kh·kw, Ho, Wo]` summed back into `[..., H, W]`. */
  fold(cols: Storage, shape: Shape, win: Window, outShape: Shape, dtype: DType): Storage;
  /** 2-D cross-correlation `[N, C, H, W]` ⋆ `[O, C/groups, kh, kw]` → `[N, O, Ho, Wo]`. */
  conv2d(x: Storage, xShape: Shape, w: Storage, wShape: Shape, outShape: Shape, win: Window, groups: number, dtype: DType): Storage;
}

/**
 * The reference backend: reference.ts as a `Kernels` record (the op names are not needed there).
 * @example
 * ```ts
 * referenceKernels.map("neg", Float32Array.of(1, 2), "float32", (v) => -v); // Float32Array [-1, -2]
 * ```
 */
export const referenceKernels: Kernels = {
  name: "reference",
  map: (_, x, dtype, f) => reference.map(x, dtype, f),
  zip: (_, a, aShape, b, bShape, outShape, dtype, f) => reference.zip(a, aShape, b, bShape, outShape, dtype, f),
  select: reference.select,
  broadcast: reference.broadcast,
  reduce: (_, x, shape, axes, dtype, init, combine) => reference.reduce(x, shape, axes, dtype, init, combine),
  transpose: reference.transpose,
  slice: reference.slice,
  pad: reference.pad,
  concat: reference.concat,
  matmul: reference.matmul,
  cast: reference.cast,
  softmaxCrossEntropy: reference.softmaxCrossEntropy,
  argReduce: indexing.argReduce,
  gather: indexing.gather,
  scatterAdd: indexing.scatterAdd,
  unfold: windows.unfold,
  fold: windows.fold,
  conv2d: windows.conv2d,
};

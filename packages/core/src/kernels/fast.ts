import type { Kernels } from "./backend.js";
import { referenceKernels } from "./backend.js";
import { mapFast, zipFast } from "./elementwise.js";
import { broadcastFast, concatFast, padFast, selectFast, sliceFast, transposeFast } from "./layoutFast.js";
import { matmulFast } from "./matmulFast.js";
import { conv2dFast } from "./convFast.js";
import { reduceFast } from "./reduceFast.js";

/**
 * The default backend: the reference kernels with the hot ones replaced — matmul on WebAssembly SIMD,
 * elementwise ops, reductions and data movement (slices, pads, concatenation by rows) as loops with no call per element. Every kernel here is
 * tested against its reference counterpart over random shapes in both dtypes (test/kernels.test.ts).
 * @example
 * ```ts
 * fastKernels.matmul(a, [128, 784], w, [784, 256], [128, 256], "float32");
 * ```
 */
export const fastKernels: Kernels = {
  ...referenceKernels,
  name: "fast",
  map: mapFast,
  zip: zipFast,
  select: selectFast,
  broadcast: broadcastFast,
  reduce: reduceFast,
  transpose: transposeFast,
  slice: sliceFast,
  pad: padFast,
  concat: concatFast,
  matmul: matmulFast,
  conv2d: conv2dFast,
};

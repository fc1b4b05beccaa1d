import { allocate, type DType, type Storage } from "../dtype.js";
import type { Shape } from "../shape.js";
import { sizeOf, stridesOf } from "../shape.js";
import { collapse } from "./collapse.js";
import { accumulator, reduce, stored } from "./reference.js";
import { broadcastStrides, forEachStrided2 } from "./strided.js";
import { reserve, wasmRuntime, type WasmRuntime } from "./wasm/runtime.js";
import { residentAddress, scratchBase } from "./wasm/resident.js";

/** Below this many elements a float32 sum over leading axes stays in the plain loop (the call and copy cost more). */
const WASM_MIN_SUM = 1024;

/**
 * Sum and max over a run of neighbouring axes (the last axis, the first, all of them: every reduction
 * the layers and losses make) as plain loops. The input is seen as [outer, reduced, inner]. With
 * inner = 1 each output is one running total kept in a local (double precision, rounded once);
 * otherwise whole rows are added into the output in the reference's order (float32 sums of useful size on
 * WebAssembly SIMD, `sumRowsWasm`: a bias gradient's sum over the batch). Other axis sets (a
 * convolution's bias gradient sums [N, C, H, W] over N, H and W) go to `reduceStrided`.
 * @example
 * ```ts
 * reduceFast("sum", Float32Array.of(1, 2, 3, 4), [2, 2], [1], "float32", 0, (a, v) => a + v); // [3, 7]
 * ```
 */
export function reduceFast(
  op: "sum" | "max", x: Storage, shape: Shape, axes: readonly number[], dtype: DType, init: number,
  combine: (acc: number, v: number) => number,
): Storage {
  const sorted = [...axes].sort((p, q) => p - q);
  const contiguous = sorted.every((a, i) => i === 0 || a === sorted[i - 1]! + 1);
  if (sorted.length === 0) return reduce(x, shape, axes, dtype, init, combine);
  if (!contiguous) return reduceStrided(op, x, shape, sorted, dtype, init);
  const outer = sizeOf(shape.slice(0, sorted[0]));
  const reduced = sizeOf(shape.slice(sorted[0], sorted[sorted.length - 1]! + 1));
  const inner = sizeOf(shape.slice(sorted[sorted.length - 1]! + 1));
  if (op === "sum" && init === 0 && dtype === "float32" && inner >= 4 && x.length >= WASM_MIN_SUM) {
    const rt = wasmRuntime();
    if (rt !== null) return sumRowsWasm(rt, x as Float32Array, outer, reduced, inner);
  }
  const out = accumulator(dtype, outer * inner, init);
  if (inner === 1) {
    for (let o = 0, s = 0; o < outer; o++) {
      let acc = init;
      if (op === "sum") for (const e = s + reduced; s < e; s++) acc += x[s]!;
      else for (const e = s + reduced; s < e; s++) { const v = x[s]!; if (v > acc || v !== v) acc = v; }
      out[o] = acc;
    }
    return stored(out, dtype);
  }
  for (let o = 0, s = 0; o < outer; o++) {
    const base = o * inner;
    for (let r = 0; r < reduced; r++) {
      if (op === "sum") for (let i = base, e = base + inner; i < e; i++, s++) out[i] = out[i]! + x[s]!;
      else for (let i = base, e = base + inner; i < e; i++, s++) { const v = x[s]!, acc = out[i]!; if (v > acc || v !== v) out[i] = v; }
    }
  }
  return stored(out, dtype);
}

/**
 * A float32 sum of the [outer, reduced, inner] array x over its middle axis on the WebAssembly kernel
 * `sumRows` (bit-identical to the plain loop: the same additions in the same order, four columns to a
 * vector). x is read where it lives when it is resident (a jit program's buffer), else copied into the
 * scratch space; the output is written in place when resident, else in the scratch space and copied out.
 */
function sumRowsWasm(rt: WasmRuntime, x: Float32Array, outer: number, reduced: number, inner: number): Float32Array {
  const out = allocate("float32", outer * inner) as Float32Array;
  const [xHome, outHome] = [residentAddress(x), residentAddress(out)];
  const xAt = xHome ?? scratchBase();
  const outAt = outHome ?? (xHome === undefined ? xAt + Math.ceil(x.length / 4) * 16 : scratchBase());
  reserve(rt, Math.max(xAt + x.length * 4, outAt + out.length * 4));
  const mem = rt.f32;
  if (xHome === undefined) mem.set(x, xAt / 4);
  if (outHome === undefined) mem.fill(0, outAt / 4, outAt / 4 + out.length); // a resident out is new, so zero
  rt.exports.sumRows(xAt, outAt, outer, reduced, inner);
  if (outHome === undefined) out.set(mem.subarray(outAt / 4, outAt / 4 + out.length));
  return out;
}

/**
 * Any axis set, a row at a time after `collapse` with the loop inline instead of a call per element.
 * Totals are kept in double precision and rounded once at the end, as in the neighbouring-axes path
 * (rounding to float32 after every addition, as the reference does, chains each addition on a float32
 * store and reload: a bias gradient's sum over [64, 16, 28, 28] ran about 16× slower that way).
 */
function reduceStrided(op: "sum" | "max", x: Storage, shape: Shape, axes: readonly number[], dtype: DType, init: number): Storage {
  const kept = shape.map((d, i) => (axes.includes(i) ? 1 : d));
  const acc = new Float64Array(sizeOf(kept)).fill(init);
  const { shape: dims, strides: [sx, so] } = collapse(shape, [stridesOf(shape), broadcastStrides(kept, shape)]);
  const rank = dims.length;
  const [n, dx, dout] = [dims[rank - 1]!, sx![rank - 1]!, so![rank - 1]!];
  forEachStrided2(dims.slice(0, -1), sx!.slice(0, -1), so!.slice(0, -1), (_, i, o) => {
    if (dout === 0) {
      // The row reduces into one output: a running value in a local.
      let a = acc[o]!;
      if (op === "sum") for (let k = 0; k < n; k++, i += dx) a += x[i]!;
      else for (let k = 0; k < n; k++, i += dx) { const v = x[i]!; if (v > a || v !== v) a = v; }
      acc[o] = a;
    } else if (op === "sum") for (let k = 0; k < n; k++, i += dx, o += dout) acc[o] = acc[o]! + x[i]!;
    else for (let k = 0; k < n; k++, i += dx, o += dout) { const v = x[i]!; if (v > acc[o]! || v !== v) acc[o] = v; }
  });
  return dtype === "float32" ? Float32Array.from(acc) : stored(acc, dtype);
}

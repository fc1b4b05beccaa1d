/**
 * The CNN of train-step-cnn (and of the conv2d cases, which time its two convolutions): sizes, the
 * weights and batch drawn once from one seeded generator, and the permutations that turn tapegrad's
 * NCHW/OIHW layout into tfjs's NHWC/HWIO.
 */
import { Rng } from "@tapegrad/core";

export const BATCH = 64;
export const IMAGE = 28;
export const CLASSES = 10;
/** Side of the second block's output: 28 → pool → 14 → pool → 7. */
export const POOLED = 7;
export const FLAT = 32 * POOLED * POOLED;
const SEED = 20261207;

/** A 3×3 convolution layer: weight [out, in, 3, 3] (OIHW, row-major) and bias [out]. */
export interface ConvLayer {
  w: Float32Array;
  b: Float32Array;
  in: number;
  out: number;
}

export interface CnnData {
  conv1: ConvLayer;
  conv2: ConvLayer;
  /** Linear layer, [FLAT, CLASSES] with rows in NCHW flatten order (c, h, w). */
  fc: { w: Float32Array; b: Float32Array };
  /** [BATCH, 1, 28, 28], uniform in [0, 1) like pixel intensities. */
  x: Float32Array;
  labels: number[];
  /** [BATCH, CLASSES] one-hot rows of `labels`. */
  oneHot: Float32Array;
}

/** He-normal weights (fan-in scaled) and small normal biases, then a random batch: all from one seeded generator. */
function makeData(): CnnData {
  const rng = new Rng(SEED);
  const normal = (n: number, scale: number): Float32Array => Float32Array.from({ length: n }, () => rng.normal() * scale);
  const conv = (cin: number, cout: number): ConvLayer => ({ w: normal(cout * cin * 9, Math.sqrt(2 / (cin * 9))), b: normal(cout, 0.01), in: cin, out: cout });
  const conv1 = conv(1, 16);
  const conv2 = conv(16, 32);
  const fc = { w: normal(FLAT * CLASSES, Math.sqrt(2 / FLAT)), b: normal(CLASSES, 0.01) };
  const x = Float32Array.from({ length: BATCH * IMAGE * IMAGE }, () => rng.uniform());
  const labels = Array.from({ length: BATCH }, () => rng.int(CLASSES));
  const oneHot = new Float32Array(BATCH * CLASSES);
  labels.forEach((c, i) => (oneHot[i * CLASSES + c] = 1));
  return { conv1, conv2, fc, x, labels, oneHot };
}

let cached: CnnData | null = null;
/** The data, made once; setups copy from it and never write to it. */
export const cnnData = (): CnnData => (cached ??= makeData());

/** An OIHW 3×3 kernel as HWIO (tfjs's filter layout). */
export function hwioFromOihw(w: Float32Array, out: number, cin: number): Float32Array {
  const r = new Float32Array(w.length);
  for (let o = 0; o < out; o++) for (let c = 0; c < cin; c++) for (let k = 0; k < 9; k++) r[(k * cin + c) * out + o] = w[(o * cin + c) * 9 + k]!;
  return r;
}

/** An NCHW batch of square images as NHWC. */
export function nhwcFromNchw(x: Float32Array, n: number, c: number, side: number): Float32Array {
  const r = new Float32Array(x.length);
  const plane = side * side;
  for (let i = 0; i < n; i++) for (let ch = 0; ch < c; ch++) for (let p = 0; p < plane; p++) r[(i * plane + p) * c + ch] = x[(i * c + ch) * plane + p]!;
  return r;
}

/**
 * A linear layer's weight whose rows follow the NCHW flatten order (c, h, w), reordered to the NHWC
 * flatten order (h, w, c), so that it computes the same function after an NHWC flatten.
 */
export function rowsHwcFromChw(w: Float32Array, c: number, side: number, cols: number): Float32Array {
  const r = new Float32Array(w.length);
  const plane = side * side;
  for (let ch = 0; ch < c; ch++) for (let p = 0; p < plane; p++) r.set(w.subarray((ch * plane + p) * cols, (ch * plane + p + 1) * cols), (p * c + ch) * cols);
  return r;
}

import {
  argmax, avgPool2d, conv2d, gather, indexSelect, maxPool2d, tensor,
  concat, erfc, logSoftmax, maximum, minimum, pad, randn, Rng, sigmoid, slice, softmax, where, type Tensor,
} from "@tapegrad/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { runs } from "../../../test-support/fuzz.js";
import { exportOnnx, importOnnx } from "../src/index.js";
import { expectClose, runOrt, scaleOf } from "./ort.js";

/** One step of a random model: `[batch, n]` in, `[batch, m]` out, with any weights drawn from `rng`. */
type Step = (x: Tensor, rng: Rng) => Tensor;

const width = (x: Tensor): number => x.shape[1]!;
/** A weight the step reads: a captured tensor, so a constant of the exported graph. */
const weight = (shape: number[], rng: Rng): Tensor => randn(shape, { rng });

/** Steps whose primitives cover the mappings: elementwise, broadcasting, reductions, shape ops, matmul. */
const steps: Record<string, Step> = {
  tanh: (x) => x.tanh(),
  sigmoid: (x) => sigmoid(x),
  relu: (x) => x.relu(),
  sin: (x) => x.sin(),
  cos: (x) => x.cos(),
  erf: (x) => x.erf(),
  erfc: (x) => erfc(x),
  absNeg: (x) => x.abs().neg(),
  expHalf: (x) => x.mul(0.5).exp(),
  logAbs: (x) => x.abs().add(1).log(),
  log1p: (x) => x.abs().log1p(),
  sqrtAbs: (x) => x.abs().add(1).sqrt(),
  powAbs: (x) => x.abs().add(0.5).pow(1.5),
  reciprocal: (x) => x.abs().add(1).reciprocal(),
  addWeight: (x, rng) => x.add(weight([width(x)], rng)),
  mulWeight: (x, rng) => x.mul(weight([width(x)], rng)),
  divWeight: (x, rng) => x.div(weight([width(x)], rng).abs().add(1)),
  maximum: (x, rng) => maximum(x, weight([width(x)], rng)),
  minimum: (x, rng) => minimum(x, weight([1, width(x)], rng)),
  where: (x, rng) => where(x.gt(0.2), x, weight([width(x)], rng)),
  whereLe: (x) => where(x.le(0), x.mul(0.1), x),
  matmul: (x, rng) => x.matmul(weight([width(x), 1 + rng.int(5)], rng)),
  matmulBatched: (x, rng) => x.reshape([x.shape[0]!, 1, 1, width(x)]).matmul(weight([2, width(x), 3], rng)).reshape([x.shape[0]!, 6]),
  softmax: (x) => softmax(x, -1),
  logSoftmax: (x) => logSoftmax(x, -1),
  center: (x) => x.sub(x.mean(-1, { keepDims: true })),
  subMax: (x) => x.sub(x.max(-1, { keepDims: true })),
  concat: (x) => concat([x, x.neg()], -1),
  slice: (x) => (width(x) > 1 ? slice(x, [0, 1], [x.shape[0]!, width(x) - 1]) : x),
  pad: (x) => pad(x, [0, 1], [0, 2]),
  transposeRoundTrip: (x) => x.reshape([x.shape[0]!, width(x), 1]).transpose([0, 2, 1]).reshape([x.shape[0]!, width(x)]),
  castRoundTrip: (x) => x.cast("float64").mul(2).cast("float32"),
  sumRows: (x) => x.sum(-1, { keepDims: true }).add(x),
};
const names = Object.keys(steps);

describe("random compositions of the mapped ops in ONNX Runtime", () => {
  it("agree with tapegrad, also at a batch size other than the traced one, and read back the same", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.constantFrom(...names), { minLength: 1, maxLength: 5 }), fc.integer({ min: 1, max: 6 }), fc.integer({ min: 0, max: 1e6 }), async (chain, features, seed) => {
        const rng = new Rng(seed);
        // Each step draws its weights from a generator of its own position: every call sees the same ones.
        let scale = 1; // the largest value any step computes, the scale of the rounding errors (see expectClose)
        const f = (x: Tensor): Tensor =>
          chain.reduce((h, name, at) => {
            const out = steps[name]!(h, new Rng(seed * 31 + at));
            scale = Math.max(scale, scaleOf(out));
            return out;
          }, x);
        const bytes = exportOnnx(f, [randn([2, features], { rng })], { dynamicAxes: { 0: [0] } });
        for (const batch of [2, 3]) {
          const x = randn([batch, features], { rng });
          scale = scaleOf(x);
          const expected = f(x);
          const [out] = await runOrt(bytes, [x]);
          expectClose(out!, expected, 16, scale);
          const { fn, params } = importOnnx(bytes);
          expect(fn(params, x)[0]!.shape).toEqual(expected.shape);
          expectClose(fn(params, x)[0]!, expected, 4);
        }
      }),
      runs(100),
    );
  });
});

describe("random image pipelines in ONNX Runtime", () => {
  const draws = fc.record({
    channels: fc.integer({ min: 1, max: 3 }),
    size: fc.integer({ min: 4, max: 7 }),
    kernel: fc.integer({ min: 1, max: 3 }),
    stride: fc.integer({ min: 1, max: 2 }),
    padding: fc.integer({ min: 0, max: 1 }),
    dilation: fc.integer({ min: 1, max: 2 }),
    groups: fc.constantFrom(1, 2),
    pool: fc.constantFrom("max", "avg", "none"),
    poolPadding: fc.integer({ min: 0, max: 1 }),
    seed: fc.integer({ min: 0, max: 1e6 }),
  });

  it("conv2d (strides, padding, dilation, groups) then max or average pooling agree with tapegrad", async () => {
    await fc.assert(
      fc.asyncProperty(draws, async (d) => {
        const rng = new Rng(d.seed);
        const [cin, cout] = [d.channels * d.groups, 2 * d.groups];
        const w = randn([cout, d.channels, d.kernel, d.kernel], { rng });
        const b = randn([cout], { rng });
        const f = (x: Tensor): Tensor => {
          const y = conv2d(x.reshape([x.shape[0]!, cin, d.size, d.size]), w, b, { stride: d.stride, padding: d.padding, dilation: d.dilation, groups: d.groups });
          const options = { kernelSize: 2, padding: Math.min(d.poolPadding, 1) };
          const pooled = d.pool === "max" ? maxPool2d(y, options) : d.pool === "avg" ? avgPool2d(y, options) : y;
          return pooled.reshape([x.shape[0]!, -1]);
        };
        const features = cin * d.size * d.size;
        fc.pre(spans(d.size + 2 * d.padding, d.dilation * (d.kernel - 1) + 1, d.stride, d.pool));
        const bytes = exportOnnx(f, [randn([2, features], { rng })], { dynamicAxes: { 0: [0] } });
        for (const batch of [2, 3]) {
          const x = randn([batch, features], { rng });
          const expected = f(x);
          const [out] = await runOrt(bytes, [x]);
          expectClose(out!, expected, 16, scaleOf(x, expected));
          const { fn, params } = importOnnx(bytes);
          expectClose(fn(params, x)[0]!, expected, 4, scaleOf(x, expected));
        }
      }),
      runs(40),
    );
  });

  it("an embedding (indexSelect), a gather and an argmax agree with tapegrad", async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 2, max: 6 }), fc.integer({ min: 1, max: 4 }), fc.integer({ min: 0, max: 1e6 }), async (vocabulary, width, seed) => {
        const rng = new Rng(seed);
        const table = randn([vocabulary, width], { rng });
        const f = (ids: Tensor): Tensor[] => {
          const embedded = indexSelect(table, 0, ids.reshape([-1])).reshape([ids.shape[0]!, ids.shape[1]!, width]);
          const picked = gather(embedded, 2, argmax(embedded, 2, { keepDims: true }));
          return [picked.reshape([ids.shape[0]!, ids.shape[1]!]), argmax(embedded.sum(1), 1)];
        };
        const ids = (batch: number): Tensor => tensor(Array.from({ length: batch * 3 }, () => rng.int(vocabulary)), { dtype: "int32" }).reshape([batch, 3]);
        const bytes = exportOnnx(f, [ids(2)], { dynamicAxes: { 0: [0] } });
        for (const batch of [2, 4]) {
          const x = ids(batch);
          const [values, indices] = f(x);
          const [ortValues, ortIndices] = await runOrt(bytes, [x]);
          expectClose(ortValues!, values!, 0);
          expect(ortIndices!.dtype).toBe("int32");
          expect(ortIndices!.toArray()).toEqual(indices!.toArray());
          const { fn, params } = importOnnx(bytes);
          const [importedValues, importedIndices] = fn(params, x);
          expectClose(importedValues!, values!, 0);
          expect(importedIndices!.toArray()).toEqual(indices!.toArray());
        }
      }),
      runs(30),
    );
  });
});

/** Whether the convolution (and the 2×2 pooling after it) has at least one output position. */
function spans(padded: number, reach: number, stride: number, pool: string): boolean {
  if (padded < reach) return false;
  const out = Math.floor((padded - reach) / stride) + 1;
  return pool === "none" || out >= 2;
}

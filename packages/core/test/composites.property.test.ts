import fc from "fast-check";
import { describe, expect, it } from "vitest";
import * as core from "@tapegrad/core";
import { gradcheck, type OpTestSpec, type Shape, type Tensor } from "@tapegrad/core";
import { caseGen, drawInputs } from "../../../test-support/opHarness.js";
import { runs } from "../../../test-support/fuzz.js";

/**
 * Every composite runs through the same checks as the primitives. Composites have no rules of their own,
 * so these tests prove that composing primitives gives correct derivatives in both modes, to second order.
 */
interface CompositeCase {
  f: (...xs: Tensor[]) => Tensor;
  spec: OpTestSpec<undefined>;
}

const unaryCase = (f: (x: Tensor) => Tensor, spec: OpTestSpec<undefined> = {}): CompositeCase => ({ f: (x) => f(x!), spec });
const binaryCase = (f: (x: Tensor, y: Tensor) => Tensor, spec: OpTestSpec<undefined> = {}): CompositeCase => ({
  f: (x, y) => f(x!, y!),
  spec: { cases: (g) => ({ shapes: g.broadcastPair(), params: undefined }), ...spec },
});
const axisCase = (f: (x: Tensor, axis: number) => Tensor): CompositeCase => ({
  f: (x) => f(x!, -1),
  spec: { cases: (g) => ({ shapes: [g.shape(1, 3, 4)], params: undefined }), domain: [-4, 4] },
});
const reduceCase = (f: (x: Tensor, axis: number | undefined, keepDims: boolean) => Tensor): CompositeCase[] =>
  [undefined, 0, -1].flatMap((axis) => [false, true].map((keepDims) => ({
    f: (x: Tensor) => f(x, axis, keepDims),
    spec: { cases: (g: core.CaseGen) => ({ shapes: [g.shape(1, 3, 4)] as Shape[], params: undefined }) },
  })));
const distinct = (g: core.CaseGen, shapes: readonly Shape[]): number[][] =>
  shapes.map((s) => g.permutation(s.reduce((a, b) => a * b, 1)).map((k) => k * 0.1 + g.real(-0.02, 0.02)));

const composites: Record<string, CompositeCase | CompositeCase[]> = {
  sub: binaryCase(core.sub),
  div: binaryCase(core.div, { domain: [[-2, 2], [0.5, 2]] }),
  square: unaryCase(core.square),
  minimum: binaryCase(core.minimum, { values: (g, [a, b]) => [distinct(g, [a!])[0]!, distinct(g, [b!])[0]!.map((v) => v + 7)] }),
  sigmoid: unaryCase(core.sigmoid, { domain: [-6, 6] }),
  relu: unaryCase(core.relu, { kinks: [0] }),
  leakyRelu: unaryCase((x) => core.leakyRelu(x, 0.1), { kinks: [0] }),
  softplus: unaryCase(core.softplus, { domain: [-4, 4], kinks: [0] }),
  logSigmoid: unaryCase(core.logSigmoid, { domain: [-4, 4], kinks: [0] }),
  silu: unaryCase(core.silu, { domain: [-4, 4] }),
  gelu: [unaryCase((x) => core.gelu(x), { domain: [-4, 4] }), unaryCase((x) => core.gelu(x, { approximate: "tanh" }), { domain: [-4, 4] })],
  softmax: axisCase(core.softmax),
  logSoftmax: axisCase(core.logSoftmax),
  mean: reduceCase((x, axis, keepDims) => core.mean(x, axis, { keepDims })),
  min: reduceCase((x, axis, keepDims) => core.min(x, axis, { keepDims })).map((c) => ({ ...c, spec: { ...c.spec, values: distinct } })),
  logSumExp: reduceCase((x, axis, keepDims) => core.logSumExp(x, axis, { keepDims })),
  stack: [0, 1, -1].map((axis) => binaryCase((x, y) => core.stack([x, y.mul(2)], axis), { cases: (g) => sameShapes(g, 2) })),
  // The pieces are weighted differently, so a gradient sent back to the wrong piece shows.
  split: [[1, 2], 2].map((sizes) => unaryCase((x) => core.concat(core.split(x, sizes, -1).map((t, i) => t.mul(i + 1)), -1), { cases: lastAxisOf(3) })),
  squeeze: unaryCase((x) => core.squeeze(x.reshape([1, ...x.shape, 1]))),
  unsqueeze: [0, -1].map((axis) => unaryCase((x) => core.unsqueeze(x, axis).mul(x.unsqueeze(axis)))),
  flatten: [[0, -1], [1, -1], [0, 1]].map(([start, end]) => unaryCase((x) => core.flatten(x, start, end).mul(3), { cases: (g) => ({ shapes: [g.shape(2, 3, 3)], params: undefined }) })),
  permute: unaryCase((x) => core.permute(x, [-1, 0, 1]).mul(core.arange(x.shape[0]!, undefined, 1, { dtype: "float64" }).add(1).reshape([1, -1, 1])), { cases: (g) => ({ shapes: [g.shape(3, 3, 3)], params: undefined }) }),
  clamp: [
    unaryCase((x) => core.clamp(x, -1, 1), { kinks: [-1, 1] }),
    unaryCase((x) => core.clamp(x, -0.5), { kinks: [-0.5] }),
    binaryCase((x, hi) => core.clamp(x, undefined, hi), { values: (g, [a, b]) => [distinct(g, [a!])[0]!, distinct(g, [b!])[0]!.map((v) => v + 0.05)] }),
  ],
  // Repeated and out-of-order rows, so the gradient must add the cotangents of repeats.
  indexSelect: [0, 1].map((axis) => unaryCase((x) => core.indexSelect(x, axis, core.tensor([2, 0, 2, 1], { dtype: "int32" })), { cases: () => ({ shapes: [[3, 3]], params: undefined }) })),
  // Distinct values keep each window's maximum clear of the others, so finite differences see one max.
  maxPool2d: [{ kernelSize: 2 }, { kernelSize: [3, 2], stride: 1, padding: 1 }].map((options) =>
    unaryCase((x) => core.maxPool2d(x, options as core.Pool2dOptions), { cases: poolShapes, values: distinct })),
  avgPool2d: [{ kernelSize: 2 }, { kernelSize: 3, stride: [2, 1], padding: 1 }].map((options) => unaryCase((x) => core.avgPool2d(x, options as core.Pool2dOptions), { cases: poolShapes })),
  conv2dWithBias: [
    { cases: (g: core.CaseGen) => ({ shapes: [[g.int(1, 2), 2, g.int(3, 5), g.int(3, 5)], [4, 1, 3, 2], [4]], params: undefined }) },
  ].map((spec) => ({ f: (x: Tensor, w: Tensor, b: Tensor) => core.conv2d(x, w, b, { groups: 2, padding: "same" }), spec }) as CompositeCase),
  vectorMatmul: [
    binaryCase((v, m) => core.matmul(v, m), { cases: (g) => ({ shapes: [[3], [g.int(0, 1) ? 2 : 1, 3, 2].slice(g.int(0, 1))], params: undefined }) }),
    binaryCase((m, v) => core.matmul(m, v), { cases: (g) => ({ shapes: [[2, 2, 3].slice(g.int(0, 1)), [3]], params: undefined }) }),
    binaryCase((u, v) => core.matmul(u, v), { cases: (g) => { const n = g.int(1, 4); return { shapes: [[n], [n]], params: undefined }; } }),
  ],
};

/** An [N, C, H, W] input large enough for the poolings above. */
function poolShapes(g: core.CaseGen): { shapes: Shape[]; params: undefined } {
  return { shapes: [[g.int(1, 2), g.int(1, 2), g.int(3, 5), g.int(3, 5)]], params: undefined };
}

/** `count` copies of one random shape of rank 1 or more. */
function sameShapes(g: core.CaseGen, count: number): { shapes: Shape[]; params: undefined } {
  const shape = g.shape(1, 3);
  return { shapes: Array.from({ length: count }, () => shape), params: undefined };
}

/** A random shape whose last axis has length `n`. */
function lastAxisOf(n: number) {
  return (g: core.CaseGen) => ({ shapes: [[...g.shape(0, 2, 3), n]] as Shape[], params: undefined });
}

/** Runs `check` on float64 inputs drawn for each of a composite's cases, as a fixed-seed property. */
function forEachDrawnCase(cases: CompositeCase | CompositeCase[], check: (f: CompositeCase["f"], inputs: Tensor[]) => void): void {
  for (const { f, spec } of [cases].flat()) {
    fc.assert(
      fc.property(fc.gen(), (g) => {
        const gen = caseGen(g);
        const { shapes } = spec.cases?.(gen) ?? { shapes: [gen.shape()] };
        check(f, drawInputs(gen, spec, shapes, undefined));
      }),
      runs(15),
    );
  }
}

describe.each(Object.entries(composites))("%s", (name, cases) => {
  it("JVP matches finite differences, VJP matches JVP, second order too (float64)", () => {
    forEachDrawnCase(cases, (f, inputs) => gradcheck(f, inputs, { name, secondOrder: true }));
  });

  it("jacfwd equals jacrev (float64)", () => {
    forEachDrawnCase(cases, (f, inputs) => {
      const argnums = inputs.map((_, i) => i);
      const forward = core.jacfwd(f, { argnums })(...inputs);
      const reverse = core.jacrev(f, { argnums })(...inputs);
      inputs.forEach((_, i) => {
        expect(forward[i]!.shape, name).toEqual(reverse[i]!.shape);
        forward[i]!.data.forEach((v, k) => expect(Math.abs(v - reverse[i]!.data[k]!), `${name}, input ${i}, entry ${k}`).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(v))));
      });
    });
  });
});

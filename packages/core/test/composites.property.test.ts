import fc from "fast-check";
import { describe, it } from "vitest";
import * as core from "@tapegrad/core";
import { gradcheck, type OpTestSpec, type Shape, type Tensor } from "@tapegrad/core";
import { caseGen, drawInputs } from "./caseGen.js";
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
  softmax: axisCase(core.softmax),
  logSoftmax: axisCase(core.logSoftmax),
  mean: reduceCase((x, axis, keepDims) => core.mean(x, axis, { keepDims })),
  min: reduceCase((x, axis, keepDims) => core.min(x, axis, { keepDims })).map((c) => ({ ...c, spec: { ...c.spec, values: distinct } })),
  logSumExp: reduceCase((x, axis, keepDims) => core.logSumExp(x, axis, { keepDims })),
};

describe.each(Object.entries(composites))("%s", (name, cases) => {
  it("JVP matches finite differences, VJP matches JVP, second order too (float64)", () => {
    for (const { f, spec } of [cases].flat()) {
      fc.assert(
        fc.property(fc.gen(), (g) => {
          const gen = caseGen(g);
          const { shapes } = spec.cases?.(gen) ?? { shapes: [gen.shape()] };
          gradcheck(f, drawInputs(gen, spec, shapes, undefined), { name, secondOrder: true });
        }),
        runs(15),
      );
    }
  });
});

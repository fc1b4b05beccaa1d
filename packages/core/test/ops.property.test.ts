import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { apply, gradcheck, GradcheckError, grad, jvp, primitives, type OpRule, type Tensor } from "@tapegrad/core";
import { caseGen, drawInputs } from "./caseGen.js";
import { runs } from "../../../test-support/fuzz.js";

const RUNS = runs(25);

/** The params of the case drawn last, for tests that apply a variant of the rule to the same case. */
let lastParams: unknown;
let drawnAll: Tensor[] = [];

const fixedOf = (rule: OpRule<unknown>, all: readonly Tensor[]): number[] => rule.test.fixed?.(all.map((x) => x.shape)) ?? [];

/** The op as a function of its free inputs, with the fixed ones (indices, conditions) closed over. */
function withFixed(rule: OpRule<unknown>, all: readonly Tensor[], params: unknown) {
  const fixed = fixedOf(rule, all);
  return (...free: Tensor[]): Tensor => {
    let k = 0;
    return apply(rule, all.map((x, i) => (fixed.includes(i) ? x : free[k++]!)), params);
  };
}

/** Draws a case for a rule and returns the function of its inputs and the inputs themselves. */
function drawCase(rule: OpRule<unknown>, g: Parameters<typeof caseGen>[0]) {
  const gen = caseGen(g);
  const { shapes, params } = rule.test.cases?.(gen) ?? { shapes: [gen.shape()], params: undefined };
  const all = drawInputs(gen, rule.test, shapes, params, rule.indexInputs);
  lastParams = params;
  drawnAll = all;
  return { f: withFixed(rule, all, params), inputs: all.filter((_, i) => !fixedOf(rule, all).includes(i)) };
}

describe.each(primitives.filter((r) => !r.constant).map((r) => [r.name, r as OpRule<unknown>] as const))("%s", (name, rule) => {
  it("JVP matches finite differences, VJP matches JVP, gradients keep shapes (float64)", () => {
    fc.assert(
      fc.property(fc.gen(), (g) => {
        const { f, inputs } = drawCase(rule, g);
        gradcheck(f, inputs, { name, secondOrder: rule.test.secondOrder !== false });
      }),
      RUNS,
    );
  });

  it("a planted error in its JVP or its VJP rule is caught", () => {
    const scaled = (t: Tensor | null): Tensor | null => t && t.mul(1.1);
    const mutants: OpRule<unknown>[] = [
      { ...rule, jvp: (...a) => scaled(rule.jvp!(...a)) },
      { ...rule, vjp: (...a) => rule.vjp!(...a).map(scaled) },
    ];
    for (const mutant of mutants) {
      fc.assert(
        fc.property(fc.gen(), (g) => {
          const { f, inputs } = drawCase(rule, g);
          // Where the true derivative vanishes along the drawn direction, no planted factor can show.
          const [, jt] = jvp(f, inputs, inputs.map((x) => x.mul(0).add(1)));
          fc.pre(jt.data.some((v) => Math.abs(v) > 1e-6));
          expect(() => gradcheck(withFixed(mutant, drawnAll, lastParams), inputs, { name })).toThrow(GradcheckError);
        }),
        runs(10),
      );
    }
  });
});

describe.each(primitives.filter((r) => r.constant).map((r) => [r.name, r as OpRule<unknown>] as const))("%s (constant)", (name, rule) => {
  it("carries no derivative in either mode", () => {
    fc.assert(
      fc.property(fc.gen(), (g) => {
        const { f, inputs } = drawCase(rule, g);
        const [, tangent] = jvp(f, inputs, inputs);
        expect(tangent.data.every((v) => v === 0)).toBe(true);
        const x = inputs[0]!;
        const g0 = grad((y: Tensor) => f(y, ...inputs.slice(1)).sum())(x);
        expect(g0.data.every((v) => v === 0)).toBe(true);
        expect(name.length).toBeGreaterThan(0);
      }),
      RUNS,
    );
  });
});

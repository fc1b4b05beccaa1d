import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { gradcheck, GradcheckError, grad, jvp, primitives, type AnyOpRule, type Tensor } from "@tapegrad/core";
import { drawOpCase, referenceError } from "../../../test-support/opHarness.js";
import { runs } from "../../../test-support/fuzz.js";

const RUNS = runs(25);

const all: readonly AnyOpRule[] = primitives;
const differentiable = all.filter((r) => !r.constant).map((r) => [r.name, r] as const);
const constant = all.filter((r) => r.constant).map((r) => [r.name, r] as const);

describe.each(differentiable)("%s", (name, rule) => {
  it("JVP matches finite differences, VJP matches JVP, gradients keep shapes (float64)", () => {
    fc.assert(
      fc.property(fc.gen(), (g) => {
        const { f, free } = drawOpCase(rule, g);
        gradcheck(f, free, { name, secondOrder: rule.test.secondOrder !== false });
      }),
      RUNS,
    );
  });

  it("a planted error in its JVP or its VJP rule is caught", () => {
    if (rule.constant) throw new Error("unreachable: only differentiable ops are listed here");
    const scaled = (t: Tensor | null): Tensor | null => t && t.mul(1.1);
    const mutants: AnyOpRule[] = [
      { ...rule, jvp: (ctx) => scaled(rule.jvp(ctx)) },
      { ...rule, vjp: (ctx) => rule.vjp(ctx).map(scaled) },
    ];
    for (const mutant of mutants) {
      fc.assert(
        fc.property(fc.gen(), (g) => {
          const { f, free, withRule } = drawOpCase(rule, g);
          // Where the true derivative vanishes along the drawn direction, no planted factor can show.
          const [, jt] = jvp(f, free, free.map((x) => x.mul(0).add(1)));
          fc.pre(jt.data.some((v) => Math.abs(v) > 1e-6));
          expect(() => gradcheck(withRule(mutant), free, { name })).toThrow(GradcheckError);
        }),
        runs(10),
      );
    }
  });
});

describe.each(constant)("%s (constant)", (name, rule) => {
  it("carries no derivative in either mode", () => {
    fc.assert(
      fc.property(fc.gen(), (g) => {
        const { f, free } = drawOpCase(rule, g);
        const [, tangent] = jvp(f, free, free);
        expect(tangent.data.every((v) => v === 0)).toBe(true);
        const x = free[0]!;
        const g0 = grad((y: Tensor) => f(y, ...free.slice(1)).sum())(x);
        expect(g0.data.every((v) => v === 0)).toBe(true);
        expect(name.length).toBeGreaterThan(0);
      }),
      RUNS,
    );
  });
});

const withReference = all.filter((r) => r.test.reference).map((r) => [r.name, r] as const);

describe.each(withReference)("%s", (_, rule) => {
  it("its kernel agrees with the plain reference in its test spec (float64)", () => {
    fc.assert(
      fc.property(fc.gen(), (g) => {
        expect(referenceError(drawOpCase(rule, g))).toBeLessThanOrEqual(1e-12);
      }),
      RUNS,
    );
  });
});

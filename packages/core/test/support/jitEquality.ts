import { expect } from "vitest";
import { jit, type ProgramSummary } from "../../src/index.js";
import type { Tensor } from "../../src/tensor.js";

/** Elementwise equality that tells −0 from +0 and takes any NaN as NaN: what "bit for bit" means for jit's loops. */
export function expectSameValues(actual: Tensor, expected: Tensor): void {
  const [a, e] = [Array.from(actual.data), Array.from(expected.data)];
  expect(a.length).toBe(e.length);
  const differing = a.flatMap((v, i) => (Object.is(v, e[i]) ? [] : [`${i}: ${v} against ${e[i]}`]));
  expect(differing).toEqual([]);
}

/** Runs `f` under jit (trace, then the program) on `args`, checks the program against eager, and returns its summary. */
export function compiledMatchesEager(f: (...args: Tensor[]) => Tensor, args: readonly Tensor[]): ProgramSummary {
  let summary: ProgramSummary | undefined;
  const g = jit(f, { onTrace: ({ program }) => (summary = program) });
  g(...args);
  expectSameValues(g(...args), f(...args));
  return summary!;
}

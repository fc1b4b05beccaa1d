import fc from "fast-check";
import type { AnyOpRule, CaseGen, Domain, OpTestSpec, Shape, Storage } from "@tapegrad/core";
import { apply, Rng, ShapeError, tensor, type Tensor } from "@tapegrad/core";

/**
 * The one op-test harness: how every property test (core's op, kernel, Jacobian, vmap and composite
 * suites, and nn's and optim's) draws a case for an op from its test spec. It draws shapes by the op's
 * arity when the spec gives no `cases`, values from the spec's domains kept away from its kinks, holds
 * the spec's fixed inputs (indices, conditions) closed over, and checks a spec's plain `reference` forward
 * against the kernel.
 */

/** One value of `fc.gen()`: what a property receives to draw with. */
export type Gen = fc.GeneratorValue;

/**
 * The op specs' random source. Structural choices (ranks, dims, axes) go through fast-check, so failures
 * shrink and replay from the printed seed; real values come from an `Rng` seeded by fast-check, because
 * fast-check favours edge values such as 0, where many derivatives vanish and a wrong rule would hide.
 */
export function caseGen(g: Gen): CaseGen {
  const int = (lo: number, hi: number): number => g(fc.integer, { min: lo, max: hi });
  const rng = new Rng(int(0, 2 ** 31 - 1));
  const self: CaseGen = {
    int,
    real: (lo, hi) => lo + (hi - lo) * rng.uniform(),
    bool: () => g(fc.boolean),
    shape: (minRank = 0, maxRank = 3, maxDim = 4) => Array.from({ length: int(minRank, maxRank) }, () => int(1, maxDim)),
    broadcastPair: () => {
      const [a, b] = broadcastGroup(self, 2);
      return [a!, b!];
    },
    permutation: (n) => {
      const p = Array.from({ length: n }, (_, i) => i);
      for (let i = n - 1; i > 0; i--) {
        const j = int(0, i);
        [p[i], p[j]] = [p[j]!, p[i]!];
      }
      return p;
    },
  };
  return self;
}

/**
 * `count` shapes that broadcast together: each drops some leading dims of one full shape and sets some
 * dims to 1, so scalars, size-1 dims and missing dims all occur.
 */
function broadcastGroup(g: CaseGen, count: number): number[][] {
  const full = g.shape(0, 3, 3);
  return Array.from({ length: count }, () => full.slice(g.int(0, full.length)).map((d) => (g.bool() ? d : 1)));
}

/**
 * The shapes and params of one case: the spec's own `cases`, or by the op's arity: one random shape for
 * one input, shapes that broadcast together for two or three (the elementwise ops).
 */
export function drawShapes(rule: AnyOpRule, g: CaseGen): { shapes: readonly Shape[]; params: unknown } {
  if (rule.test.cases) return rule.test.cases(g);
  if (rule.arity === 1) return { shapes: [g.shape()], params: undefined };
  if (rule.arity === "variadic") throw new Error(`${rule.name}: a variadic op's test spec must say how to draw its cases (test.cases)`);
  return { shapes: broadcastGroup(g, rule.arity), params: undefined };
}

const sizeOf = (s: Shape): number => s.reduce((a, b) => a * b, 1);

/**
 * Draws inputs for a spec: its own value generator, or its domain kept away from its kinks. Inputs are
 * float64, but those at `indexInputs` (an op's int32 indices), which are int32.
 */
export function drawInputs<P>(g: CaseGen, spec: OpTestSpec<P>, shapes: readonly Shape[], params: P, indexInputs: readonly number[] = []): Tensor[] {
  const values = spec.values?.(g, shapes, params) ?? shapes.map((s, i) => {
    const domain = domainOf(spec.domain, i);
    return Array.from({ length: sizeOf(s) }, () => awayFromKinks(g.real(domain[0], domain[1]), spec.kinks ?? []));
  });
  return values.map((v, i) => tensor(indexInputs.includes(i) ? Int32Array.from(v) : Float64Array.from(v), { shape: shapes[i]! }));
}

function domainOf(domain: OpTestSpec<unknown>["domain"], i: number): Domain {
  if (domain === undefined) return [-2, 2];
  return typeof domain[0] === "number" ? (domain as Domain) : ((domain as readonly Domain[])[i] ?? [-2, 2]);
}

function awayFromKinks(v: number, kinks: readonly number[]): number {
  for (const k of kinks) if (Math.abs(v - k) < 0.05) return k + (v < k ? -0.05 : 0.05);
  return v;
}

/** One drawn case of an op: all its inputs, which of them the checks hold fixed, and the op of the others. */
export interface OpCase {
  readonly rule: AnyOpRule;
  readonly shapes: readonly Shape[];
  readonly params: unknown;
  /** Every input, in the op's order. */
  readonly all: readonly Tensor[];
  /** The inputs the checks vary (all but the spec's fixed ones). */
  readonly free: Tensor[];
  /** The op as a function of the free inputs, the fixed ones closed over. */
  readonly f: (...free: Tensor[]) => Tensor;
  /** The same function for another rule over the same case (a mutant of this one). */
  readonly withRule: (rule: AnyOpRule) => (...free: Tensor[]) => Tensor;
}

/** Draws a case of `rule` from its test spec; `convert` maps each drawn input (to float32, to int32). */
export function drawOpCase(rule: AnyOpRule, gen: Gen, convert: (t: Tensor) => Tensor = (t) => t): OpCase {
  const g = caseGen(gen);
  const { shapes, params } = drawShapes(rule, g);
  const all = drawInputs(g, rule.test, shapes, params, rule.indexInputs).map(convert);
  const fixed = rule.test.fixed?.(shapes) ?? [];
  const withRule = (r: AnyOpRule) => (...free: Tensor[]): Tensor => {
    let k = 0;
    return apply(r, all.map((x, i) => (fixed.includes(i) ? x : free[k++]!)), params);
  };
  return { rule, shapes, params, all, free: all.filter((_, i) => !fixed.includes(i)), f: withRule(rule), withRule };
}

/**
 * Whether `call` gets past the op's shape rule: a spec may draw a case its own shape rule refuses
 * (matmul's batch dims are cut from a broadcast pair), and such a draw tests nothing, so properties
 * discard it. Any error but a ShapeError is a real failure and is thrown on.
 */
export function accepts(call: () => unknown): boolean {
  try {
    call();
    return true;
  } catch (e) {
    if (e instanceof ShapeError) return false;
    throw e;
  }
}

/**
 * The op's output on the case against its spec's plain `reference`, applied element by element with
 * NumPy broadcasting: the largest |kernel - reference| / (1 + |reference|), 0 when both are NaN. Null
 * when the spec has no reference.
 */
export function referenceError(c: OpCase): number | null {
  const reference = c.rule.test.reference;
  if (!reference) return null;
  const out = apply(c.rule, c.all, c.params);
  const want = broadcastMap(c.all.map((x) => ({ data: x.data, shape: x.shape })), out.shape, reference);
  let worst = 0;
  out.data.forEach((v, i) => {
    const w = want[i]!;
    if (Number.isNaN(v) && Number.isNaN(w)) return;
    const d = Math.abs(v - w) / (1 + Math.abs(w));
    worst = Number.isNaN(d) ? Infinity : Math.max(worst, d);
  });
  return worst;
}

/** `f` of the inputs' elements at each index of `outShape`, each input read with broadcasting. */
function broadcastMap(inputs: readonly { data: Storage; shape: Shape }[], outShape: Shape, f: (...v: number[]) => number): number[] {
  const out: number[] = [];
  const index = new Array<number>(outShape.length).fill(0);
  for (let n = 0; n < sizeOf(outShape); n++) {
    out.push(f(...inputs.map(({ data, shape }) => data[flatIndex(index, shape)]!)));
    for (let d = outShape.length - 1; d >= 0 && ++index[d]! === outShape[d]; d--) index[d] = 0;
  }
  return out;
}

/** The flat position in an input of `shape` read at `index` of the (longer or equal) output index. */
function flatIndex(index: readonly number[], shape: Shape): number {
  const lead = index.length - shape.length;
  return shape.reduce((at, d, i) => at * d + (d === 1 ? 0 : index[i + lead]!), 0);
}

import fc from "fast-check";
import type { CaseGen, Domain, OpTestSpec, Shape } from "@tapegrad/core";
import { Rng, tensor, type Tensor } from "@tapegrad/core";

type GenerateValue = (typeof fc.gen extends () => fc.Arbitrary<infer G> ? G : never);

/**
 * The op specs' random source. Structural choices (ranks, dims, axes) go through fast-check, so failures
 * shrink and replay from the printed seed; real values come from an `Rng` seeded by fast-check, because
 * fast-check favours edge values such as 0, where many derivatives vanish and a wrong rule would hide.
 */
export function caseGen(g: GenerateValue): CaseGen {
  const int = (lo: number, hi: number): number => g(fc.integer, { min: lo, max: hi });
  const rng = new Rng(int(0, 2 ** 31 - 1));
  const self: CaseGen = {
    int,
    real: (lo, hi) => lo + (hi - lo) * rng.uniform(),
    bool: () => g(fc.boolean),
    shape: (minRank = 0, maxRank = 3, maxDim = 4) => Array.from({ length: int(minRank, maxRank) }, () => int(1, maxDim)),
    broadcastPair: () => {
      const full = self.shape(0, 3, 3);
      // Each side drops some leading dims and sets some dims to 1, so scalars, size-1 dims and missing dims all occur.
      const side = (): number[] => full.slice(int(0, full.length)).map((d) => (self.bool() ? d : 1));
      return [side(), side()];
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

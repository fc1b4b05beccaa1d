import { ValueError } from "../errors.js";
import { profile } from "../profile.js";
import type { Tensor, TensorLike } from "../tensor.js";
import { problem, pullRows, pushColumns, type Problem } from "./directions.js";
import type { JacobianOptions } from "./jacobian.js";
import { vjp, type TensorFunction } from "./transforms.js";

/** What `adviseMode` found: the counted cost of the whole Jacobian in each mode. */
export interface ModeAdvice {
  /** The cheaper mode by counted FLOPs (`"reverse"` on a tie). */
  readonly mode: "forward" | "reverse";
  /** Input directions: the total size of the differentiated arguments (the Jacobian's columns). */
  readonly inputSize: number;
  /** Output elements (the Jacobian's rows). */
  readonly outputSize: number;
  /** FLOPs that `jacfwd(f, options)` counts on these arguments. */
  readonly forwardFlops: number;
  /** FLOPs that `jacrev(f, options)` counts on these arguments. */
  readonly reverseFlops: number;
  /** Costlier over cheaper: how many times cheaper `mode` is (1 on a tie). */
  readonly ratio: number;
  /** FLOPs each extra input direction adds to forward mode, and each output row adds to reverse mode. */
  readonly perDirection: { readonly forward: number; readonly reverse: number };
  /** One line for people: `reverse mode is 12.5× cheaper (…)`. */
  readonly summary: string;
}

/**
 * A cost that is affine in a count k (the directions of one batched JVP pass, or the pullbacks after
 * one taped forward pass), measured at two counts: `[fixed, perUnit]`. It is affine exactly, because
 * every FLOP is counted from shapes, and in both modes every shape grows with k only through the
 * leading tangent axis (forward) or the number of pullbacks (reverse).
 */
function affine(costAt: (k: number) => number): [number, number] {
  const one = costAt(1);
  const two = costAt(2);
  return [2 * one - two, two - one];
}

/** Directions 0 and 1 (or 0 twice when there is only one): the cost counts the same either way. */
const firstTwo = (k: number, available: number): number[] => Array.from({ length: k }, (_, i) => Math.min(i, available - 1));

function forwardCost(p: Problem, chunkSize: number | undefined): { flops: number; perDirection: number; out: Tensor } {
  const measure = (dirs: number[]): { flops: number; out: Tensor } => {
    const run = profile(() => pushColumns("adviseMode", p, dirs)[0]);
    return { flops: run.flops, out: run.result };
  };
  if (p.inputSize === 0) return { ...measure([]), perDirection: 0 };
  let out: Tensor | undefined;
  const [fixed, perDirection] = affine((k) => {
    const run = measure(firstTwo(k, p.inputSize));
    out = run.out;
    return run.flops;
  });
  const chunk = chunkSize ?? p.inputSize;
  return { flops: Math.ceil(p.inputSize / chunk) * fixed + p.inputSize * perDirection, perDirection, out: out! };
}

function reverseCost(p: Problem, outputSize: number): { flops: number; perDirection: number } {
  const measure = (rows: number[]): number =>
    profile(() => {
      const [out, pullback] = vjp(p.g, ...p.xs);
      pullRows(out, (ct) => pullback(ct), p.xs, rows);
    }).flops;
  if (outputSize === 0) return { flops: measure([]), perDirection: 0 };
  const [fixed, perDirection] = affine((k) => measure(firstTwo(k, outputSize)));
  return { flops: fixed + outputSize * perDirection, perDirection };
}

/**
 * Which mode computes f's whole Jacobian more cheaply, and by how much, from the counted cost rather
 * than a rule of thumb. The "tall vs wide" rule says forward mode wins when f has fewer inputs than
 * outputs and reverse mode otherwise; the real answer also depends on what one JVP costs against one
 * backward pass on this f, so `adviseMode` measures both (running f about four times, with one or two
 * directions) and extrapolates exactly to all directions. The FLOPs it reports are the ones `profile`
 * counts for `jacfwd` and `jacrev` with the same options.
 * @example
 * ```ts
 * const w = randn([3, 100]);
 * const advice = adviseMode((x) => w.matmul(x).tanh().sum(), [randn([100, 1])]);
 * advice.mode;    // "reverse": 100 inputs, 1 output
 * advice.summary; // "reverse mode is 38.1× cheaper (…)"
 * ```
 */
export function adviseMode(f: TensorFunction, args: readonly TensorLike[], options: JacobianOptions<number | readonly number[]> = {}): ModeAdvice {
  if (!Array.isArray(args)) throw new ValueError("adviseMode", `args must be an array of the function's arguments`);
  const p = problem("adviseMode", f, args, options.argnums ?? 0);
  const forward = forwardCost(p, options.chunkSize);
  const outputSize = forward.out.size;
  const reverse = reverseCost(p, outputSize);
  const mode = forward.flops < reverse.flops ? "forward" : "reverse";
  const [cheap, dear] = mode === "forward" ? [forward.flops, reverse.flops] : [reverse.flops, forward.flops];
  const ratio = cheap === 0 ? (dear === 0 ? 1 : Infinity) : dear / cheap;
  const summary =
    `${mode} mode is ${ratio.toFixed(1)}× cheaper (forward ${forward.flops} FLOPs, reverse ${reverse.flops} FLOPs; ` +
    `${p.inputSize} inputs, ${outputSize} outputs)`;
  return {
    mode,
    inputSize: p.inputSize,
    outputSize,
    forwardFlops: forward.flops,
    reverseFlops: reverse.flops,
    ratio,
    perDirection: { forward: forward.perDirection, reverse: reverse.perDirection },
    summary,
  };
}

import { formatShape, GradError, ValueError } from "../errors.js";
import { Rng } from "../rng.js";
import { sameShape } from "../shape.js";
import { Tensor } from "../tensor.js";
import { randn } from "../creation.js";
import { noGrad } from "../autodiff/mode.js";
import { jvp } from "../autodiff/jvp.js";
import { grad, vjp, type TensorFunction } from "../autodiff/transforms.js";
import { concat } from "../ops/concat.js";
import { mul } from "../ops/mul.js";
import { reshape } from "../ops/reshape.js";
import { sum } from "../ops/sum.js";

/** Options of `gradcheck`. */
export interface GradcheckOptions {
  /** Finite-difference step. Default 1e-6. */
  eps?: number;
  /** Absolute tolerance of the finite-difference comparison. Default 1e-5. */
  atol?: number;
  /** Relative tolerance of the finite-difference comparison. Default 1e-4. */
  rtol?: number;
  /** Also check the gradient function itself, forward over reverse and reverse over reverse. Default false. */
  secondOrder?: boolean;
  /** Seed of the random tangent and cotangent directions. Default 0. */
  seed?: number;
  /** A name for the function in error messages. */
  name?: string;
}

/** A failed check: what was compared, and by how much it missed. */
export class GradcheckError extends GradError {}

const dot = (a: Tensor, b: Tensor): number => {
  let s = 0;
  for (let i = 0; i < a.size; i++) s += a.data[i]! * b.data[i]!;
  return s;
};

/**
 * Checks a function's derivatives in float64, as PyTorch's `gradcheck` does, through both of tapegrad's
 * modes. Along a random direction t and a random cotangent c:
 *
 * - the JVP J·t must match central finite differences (f(x + εt) − f(x − εt)) / 2ε;
 * - the VJP must agree with the JVP through ⟨c, J·t⟩ = ⟨Jᵀ·c, t⟩, to rounding (no differences involved);
 * - every cotangent must have its input's shape and dtype;
 * - with `secondOrder`, the same checks run on x ↦ ∇⟨c, f(x)⟩ (forward over reverse, reverse over reverse).
 *
 * Both the first and the second checks are needed: a wrong JVP rule fails the first, and a VJP rule that is not
 * the JVP's transpose fails the second. Throws a `GradcheckError` describing the first mismatch.
 * @example
 * ```ts
 * gradcheck((x) => x.sin().mul(x), [randn([3], { dtype: "float64" })]); // passes silently
 * ```
 */
export function gradcheck(f: TensorFunction, inputs: readonly Tensor[], options: GradcheckOptions = {}): void {
  const name = options.name ?? "f";
  for (const [i, x] of inputs.entries()) {
    if (!(x instanceof Tensor) || x.dtype !== "float64") {
      throw new ValueError("gradcheck", `input ${i} of ${name} must be a float64 Tensor (finite differences need the precision)`);
    }
  }
  const rng = new Rng(options.seed ?? 0);
  const tangents = inputs.map((x) => randn(x.shape, { dtype: "float64", rng }));
  const [out, jt] = jvp(f, inputs, tangents);
  const fail = (what: string): never => {
    throw new GradcheckError("gradcheck", `${name} at ${inputs.map((x) => formatShape(x.shape)).join(", ")}: ${what}`);
  };
  if (!sameShape(jt.shape, out.shape) || jt.dtype !== out.dtype) fail(`JVP has shape ${formatShape(jt.shape)} (${jt.dtype}) for an output ${out}`);
  checkAgainstDifferences(f, inputs, tangents, jt, options, fail);

  const ct = randn(out.shape, { dtype: "float64", rng });
  const [, pullback] = vjp(f, ...inputs);
  const cts = pullback(ct);
  cts.forEach((g, i) => {
    if (!sameShape(g.shape, inputs[i]!.shape) || g.dtype !== inputs[i]!.dtype) {
      fail(`cotangent ${i} is ${g} but its input is ${inputs[i]}`);
    }
  });
  const forward = dot(ct, jt);
  const reverse = cts.reduce((s, g, i) => s + dot(g, tangents[i]!), 0);
  const scale = Math.max(1, Math.abs(forward), Math.abs(reverse));
  if (Math.abs(forward - reverse) > 1e-9 * scale) {
    fail(`VJP disagrees with JVP: <c, J t> = ${forward} but <J^T c, t> = ${reverse}`);
  }

  if (options.secondOrder) {
    const gradientOf = (...xs: Tensor[]): Tensor => {
      const gs = grad((...ys: Tensor[]) => sum(mul(f(...ys), ct)), { argnums: xs.map((_, i) => i) })(...xs);
      return concat(gs.map((g) => reshape(g, [g.size])), 0);
    };
    gradcheck(gradientOf, inputs, { ...options, secondOrder: false, name: `gradient of ${name}` });
  }
}

function checkAgainstDifferences(
  f: TensorFunction,
  inputs: readonly Tensor[],
  tangents: readonly Tensor[],
  jt: Tensor,
  options: GradcheckOptions,
  fail: (what: string) => never,
): void {
  const eps = options.eps ?? 1e-6;
  const atol = options.atol ?? 1e-5;
  const rtol = options.rtol ?? 1e-4;
  const shifted = (sign: number): Tensor =>
    noGrad(() => f(...inputs.map((x, i) => new Tensor(x.data.map((v, k) => v + sign * eps * tangents[i]!.data[k]!), x.shape, x.dtype))));
  const plus = shifted(1);
  const minus = shifted(-1);
  for (let k = 0; k < jt.size; k++) {
    const fd = (plus.data[k]! - minus.data[k]!) / (2 * eps);
    const exact = jt.data[k]!;
    if (!(Math.abs(fd - exact) <= atol + rtol * Math.abs(fd))) {
      fail(`JVP element ${k} is ${exact} but finite differences give ${fd}`);
    }
  }
}

import { describeValue, DTypeError, formatShape, ShapeError, ValueError } from "../errors.js";
import { sameShape } from "../shape.js";
import { Tensor } from "../tensor.js";
import { zerosLike } from "../creation.js";
import { checkFunction, tensorArgument } from "./arguments.js";
import { checkedOutput, flattenArgs, flattenOutput, unflattenArgs, type FlatArgs } from "./flatArgs.js";
import { concrete } from "./functionOp.js";
import { applyTreeFunctionOp } from "./treeFunctionOp.js";
import { isGradEnabled } from "./mode.js";
import { trace } from "./transforms.js";
import { leafPaths, leavesMatching, treeUnflatten, type TensorTree, type TreeDef } from "./tree.js";

/**
 * `customVjp` and `customJvp`: functions of tensors whose derivative is the one their author gives, not
 * the one their ops would give (JAX's `custom_vjp` and `custom_jvp`). Both are one-off primitives (see
 * functionOp.ts), so every transform meets them through the ordinary path.
 */

/** One cotangent per argument, each of its argument's structure, or null for a zero cotangent. */
export type ArgumentCotangents<A extends readonly unknown[]> = { [K in keyof A]: TensorTree<A[K]> | null };

/**
 * The rules of `customVjp`: `fwd` returns the output and what `bwd` needs; `bwd` maps them and the
 * output's cotangent (of the output's structure) to the arguments' cotangents.
 */
export interface CustomVjpRules<A extends readonly unknown[], O, R> {
  fwd(...args: A): readonly [O, R];
  bwd(residuals: R, ct: TensorTree<O>): ArgumentCotangents<A>;
}

/** The rule of `customJvp`: the output's tangent (of the output's structure) from the arguments and their tangents. */
export interface CustomJvpRule<A extends readonly unknown[], O> {
  jvp(primals: A, tangents: TensorTree<A>): TensorTree<O>;
}

/** Whether anything will differentiate this call: an input on the tape or carrying a tangent. */
function differentiated(leaves: readonly Tensor[]): boolean {
  return leaves.some((x) => x.requiresGrad || x.dual !== null);
}

/**
 * The linear map `linear` (of the tensors `at`'s shapes), transposed and applied to `cts`: run it under
 * the tape with its inputs as variables and pull `cts` back. Exact because the map is linear, and taped
 * whenever the caller tapes, so the result can be differentiated again.
 */
function transpose(linear: (...xs: Tensor[]) => readonly Tensor[], at: readonly Tensor[], cts: readonly Tensor[]): Tensor[] {
  return trace(linear, at.map((x) => zerosLike(x)), isGradEnabled()).pull(cts, false);
}

/** bwd's result checked against the arguments (count, structure, shapes, dtypes), as one tensor or null per leaf. */
function cotangentLeaves(flat: FlatArgs, returned: unknown): (Tensor | null)[] {
  const count = flat.defs.length;
  if (!Array.isArray(returned) || returned.length !== count) {
    throw new ValueError("customVjp", `bwd must return an array with one cotangent per argument (${count}), got ${describeValue(returned)}`);
  }
  return flat.defs.flatMap((def, i) => {
    const range = flat.leaves.slice(flat.starts[i], flat.starts[i + 1]);
    const entry: unknown = returned[i];
    if (entry === null || entry === undefined) return range.map(() => null);
    return leavesMatching("customVjp", def, entry, `bwd's cotangent ${i}`).map((leaf, k) => {
      const x = range[k]!;
      const at = `${i}${flat.paths[flat.starts[i]! + k]!}`;
      const ct = tensorArgument("customVjp", `bwd's cotangent ${at}`, leaf, x.dtype);
      if (!sameShape(ct.shape, x.shape)) {
        throw new ShapeError("customVjp", `bwd's cotangent ${at} has shape ${formatShape(ct.shape)}, but argument ${at} has shape ${formatShape(x.shape)}`, [ct.shape, x.shape]);
      }
      if (ct.dtype !== x.dtype) throw new DTypeError("customVjp", `bwd's cotangent ${at} is ${ct.dtype}, but argument ${at} is ${x.dtype}`);
      return ct;
    });
  });
}

function checkFwd<R>(returned: unknown): readonly [unknown, R] {
  if (!Array.isArray(returned) || returned.length !== 2) {
    throw new ValueError("customVjp", `fwd must return [output, residuals], got ${describeValue(returned)}`);
  }
  return [returned[0], returned[1] as R];
}

/** A tangent or cotangent tree returned by a rule, checked against the output's leaves (structure, shapes, dtypes). */
function matchOutputs(op: string, what: string, outs: readonly Tensor[], def: TreeDef, returned: unknown): Tensor[] {
  const paths = leafPaths(def, "output");
  return leavesMatching(op, def, returned, what).map((leaf, k) => {
    const out = outs[k]!;
    const at = `${what}${paths[k]!.slice("output".length)}`;
    const t = tensorArgument(op, at, leaf, out.dtype);
    if (!sameShape(t.shape, out.shape)) throw new ShapeError(op, `${at} has shape ${formatShape(t.shape)}, but ${paths[k]} has shape ${formatShape(out.shape)}`, [t.shape, out.shape]);
    return t;
  });
}

/**
 * A function with its own reverse-mode rule, as `jax.custom_vjp`: called normally it is `f`; under
 * differentiation `fwd(...args)` gives `[output, residuals]`, and the backward pass calls
 * `bwd(residuals, ct)`, which returns one cotangent per argument (in the argument's structure; null for
 * none). fwd and bwd are tensor code, so the rule is itself differentiable: `grad(grad(...))` and
 * `hessian` differentiate through them. When a second derivative is being taped, fwd is run again
 * in the backward pass on the taped inputs, so that the residuals carry their dependence on them.
 *
 * Forward mode (`jvp`, `jacfwd`) uses the transpose of bwd in ct, taken at ct = 0: exact for a bwd that
 * is linear in ct, as a VJP is; for one that is not (clipping), forward mode sees its linearisation.
 * f must not close over tensors it is differentiated with respect to: pass them as arguments.
 * @example
 * ```ts
 * const clip = customVjp((x: Tensor) => x, { fwd: (x) => [x, null], bwd: (_, ct) => [ct.clamp(-1, 1)] });
 * grad((x: Tensor) => clip(x).mul(5).sum())(tensor([1, 2])).toArray(); // [1, 1]: the gradient 5 clipped
 * ```
 */
export function customVjp<A extends readonly unknown[], O, R>(f: (...args: A) => O, rules: CustomVjpRules<A, O, R>): (...args: A) => O {
  checkFunction("customVjp", f);
  if (typeof rules !== "object" || rules === null) throw new ValueError("customVjp", `expected the rules { fwd, bwd }, got ${describeValue(rules)}`);
  checkFunction("customVjp", rules.fwd);
  checkFunction("customVjp", rules.bwd);
  return (...args) => {
    const flat = flattenArgs("customVjp", args);
    if (!differentiated(flat.leaves)) return checkedOutput("customVjp", f(...args));
    const fwd = (leaves: readonly Tensor[]): readonly [unknown, R] => checkFwd<R>(rules.fwd(...(unflattenArgs(flat, leaves) as unknown as A)));
    // The residuals of the forward run, reused by a first-order backward pass over those same inputs.
    let saved: { inputs: readonly Tensor[]; residuals: R; def: TreeDef } | null = null;
    const residualsAt = (primals: readonly Tensor[]): R => {
      const same = saved !== null && primals.every((p, i) => concrete(p) === saved!.inputs[i]);
      return !isGradEnabled() && same ? saved!.residuals : fwd(primals)[1];
    };
    const bwd = (residuals: R, cts: readonly Tensor[]): (Tensor | null)[] => cotangentLeaves(flat, rules.bwd(residuals, treeUnflatten(saved!.def, cts) as TensorTree<O>));
    return applyTreeFunctionOp(
      {
        name: "customVjp",
        run: (xs) => {
          const [out, residuals] = fwd(xs);
          saved = { inputs: xs, residuals, def: flattenOutput("customVjp", out)[1] };
          return out;
        },
        jvp: (primals, tangents, outs) => {
          const residuals = fwd(primals)[1];
          const present = tangents.flatMap((t, i) => (t ? [[i, t] as const] : []));
          const linear = (...cts: Tensor[]): Tensor[] => {
            const given = bwd(residuals, cts);
            return present.map(([i]) => given[i] ?? zerosLike(primals[i]!));
          };
          return transpose(linear, outs, present.map(([, t]) => t));
        },
        vjp: (cts, primals) => bwd(residualsAt(primals), cts),
      },
      flat.leaves,
    ) as O;
  };
}

/**
 * A function with its own forward-mode rule, as `jax.custom_jvp`: `jvp(primals, tangents)` returns the
 * output's tangent, where `primals` is the list of arguments and `tangents` has their structure (a
 * missing tangent is zeros). Reverse mode is derived from the rule by linearize-and-transpose: the rule
 * is linear in the tangents, so running it under the tape with the tangents as variables and pulling
 * the cotangent back gives the VJP. One rule then serves `jvp`, `grad`, `hessian` and every nesting of
 * them, and the two modes cannot disagree.
 * @example
 * ```ts
 * const log1pexp = customJvp((x: Tensor) => x.exp().log1p(), { jvp: ([x], [dx]) => x.sigmoid().mul(dx) });
 * grad((x: Tensor) => log1pexp(x).sum())(tensor([1000])).toArray(); // [1], not NaN
 * ```
 */
export function customJvp<A extends readonly unknown[], O>(f: (...args: A) => O, rule: CustomJvpRule<A, O>): (...args: A) => O {
  checkFunction("customJvp", f);
  if (typeof rule !== "object" || rule === null) throw new ValueError("customJvp", `expected the rule { jvp }, got ${describeValue(rule)}`);
  checkFunction("customJvp", rule.jvp);
  return (...args) => {
    const flat = flattenArgs("customJvp", args);
    if (!differentiated(flat.leaves)) return checkedOutput("customJvp", f(...args));
    const tree = (leaves: readonly Tensor[]): A => unflattenArgs(flat, leaves) as unknown as A;
    let def: TreeDef | null = null;
    const tangentsOut = (primals: readonly Tensor[], tangents: readonly Tensor[], outs: readonly Tensor[]): Tensor[] =>
      matchOutputs("customJvp", "jvp's tangent", outs, def!, rule.jvp(tree(primals), tree(tangents) as unknown as TensorTree<A>));
    return applyTreeFunctionOp(
      {
        name: "customJvp",
        run: (xs) => {
          const out = f(...tree(xs));
          def = flattenOutput("customJvp", out)[1];
          return out;
        },
        jvp: (primals, tangents, outs) => tangentsOut(primals, tangents.map((t, i) => t ?? zerosLike(primals[i]!)), outs),
        vjp: (cts, primals, outs) => transpose((...ts) => tangentsOut(primals, ts, outs), primals, cts),
      },
      flat.leaves,
    ) as O;
  };
}

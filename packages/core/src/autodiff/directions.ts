import { ValueError } from "../errors.js";
import { Tensor, type TensorLike } from "../tensor.js";
import { zeros } from "../creation.js";
import { reshape } from "../ops/reshape.js";
import { checkFunction, checkReturned, tensorArgument } from "./arguments.js";
import { jvp } from "./jvp.js";
import { vmap } from "./vmap.js";
import type { TensorFunction } from "./transforms.js";

/**
 * The pieces that `jacfwd`, `jacrev` and `adviseMode` share: f seen as a function of the chosen
 * arguments only, and the Jacobian's columns (by one batched JVP) or rows (by pullbacks) for any list of
 * directions. The directions are numbered across the chosen arguments laid end to end, so that the
 * Jacobian with respect to several arguments is one matrix with one column per input element.
 * @internal
 */
export interface Problem {
  /** f as a function of the chosen arguments, the others held fixed; checks that f returns a Tensor. */
  readonly g: TensorFunction;
  /** The chosen arguments, as tensors. */
  readonly xs: readonly Tensor[];
  /** Which arguments were chosen, as given (a number or a list). */
  readonly argnums: number | readonly number[];
  /** Σ of the chosen arguments' sizes: the number of input directions. */
  readonly inputSize: number;
}


/** Validates f and the arguments, and fixes the arguments that are not differentiated. */
export function problem(op: string, f: TensorFunction, args: readonly TensorLike[], argnums: number | readonly number[]): Problem {
  checkFunction(op, f);
  const tensors = args.map((a, i) => tensorArgument(op, `argument ${i}`, a));
  const chosen = typeof argnums === "number" ? [argnums] : [...argnums];
  if (chosen.length === 0) throw new ValueError(op, `argnums must name at least one argument`);
  for (const i of chosen) {
    if (!Number.isInteger(i) || i < 0 || i >= tensors.length) throw new ValueError(op, `argnums ${i} is out of range for ${tensors.length} arguments`);
  }
  const g: TensorFunction = (...xs) => {
    const full = [...tensors];
    chosen.forEach((a, k) => (full[a] = xs[k]!));
    return checkReturned(op, f(...full));
  };
  const xs = chosen.map((a) => tensors[a]!);
  return { g, xs, argnums, inputSize: xs.reduce((n, x) => n + x.size, 0) };
}

/** Rows `dirs` of the identity over the chosen arguments laid end to end, split per argument. */
function basisRows(xs: readonly Tensor[], dirs: readonly number[]): Tensor[] {
  let offset = 0;
  return xs.map((x) => {
    const e = zeros([dirs.length, ...x.shape], { dtype: x.dtype });
    dirs.forEach((d, k) => {
      const j = d - offset;
      if (j >= 0 && j < x.size) e.data[k * x.size + j] = 1;
    });
    offset += x.size;
    return e;
  });
}

/**
 * f's value and the Jacobian's columns `dirs`, as `[dirs.length, ...out.shape]`: `vmap` over the input
 * directions of one `jvp`, so the tangents travel as one batch through the ops' batching rules while the
 * primal computation runs once (its value does not depend on the direction: `outAxes` null).
 */
export function pushColumns(op: string, p: Problem, dirs: readonly number[]): [Tensor, Tensor] {
  if (dirs.length === 0) {
    const value = checkReturned(op, p.g(...p.xs));
    return [value, zeros([0, ...value.shape], { dtype: value.dtype })];
  }
  const columns = vmap((...ts: Tensor[]) => jvp(p.g, p.xs, ts), { outAxes: [null, 0] });
  return columns(...basisRows(p.xs, dirs));
}

/** Rows `rows` of the identity over `out`'s elements, as one batch of cotangents `[rows.length, ...out.shape]`. */
function unitRows(out: Tensor, rows: readonly number[]): Tensor {
  const e = zeros([rows.length, ...out.shape], { dtype: out.dtype });
  rows.forEach((i, k) => (e.data[k * out.size + i] = 1));
  return e;
}

/**
 * The Jacobian's rows `rows` (flat output indices) as one `[rows.length, x.size]` matrix per chosen
 * argument: `vmap` over the cotangents of one pullback, as `pushColumns` is over the tangents of one
 * jvp, so the backward pass runs once, its VJP rules batched, with the same FLOPs as one pass per row.
 */
export function pullRows(out: Tensor, pullback: (ct: Tensor) => Tensor[], xs: readonly Tensor[], rows: readonly number[]): Tensor[] {
  if (rows.length === 0) return xs.map((x) => zeros([0, x.size], { dtype: x.dtype }));
  const cts = vmap((ct: Tensor) => pullback(ct))(unitRows(out, rows));
  return xs.map((x, a) => reshape(cts[a]!, [rows.length, x.size]));
}

/** `[0, 1, ..., n - 1]`. */
export function range(from: number, to: number): number[] {
  return Array.from({ length: Math.max(0, to - from) }, (_, i) => from + i);
}

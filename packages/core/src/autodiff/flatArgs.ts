import { describeValue, ValueError } from "../errors.js";
import { Tensor } from "../tensor.js";
import { tensorArgument } from "./arguments.js";
import { flattenWithPaths, leavesMatching, treeFlatten, treeUnflatten, type Tree, type TreeDef } from "./tree.js";

/**
 * How the transforms see pytrees: every argument flattened to its leaves, laid end to end, so that the
 * engine works on a flat list of tensors and the caller's structure is rebuilt at the end. One place
 * for this, so that grad, vjp, jvp and the Jacobians name a bad leaf alike (`argument 0.layers[2].b`).
 * @internal
 */
export interface FlatArgs {
  /** Every leaf of every argument, as a tensor (a number becomes a float32 scalar). */
  readonly leaves: readonly Tensor[];
  /** Each leaf's path inside its argument (`.layers[2].b`; empty for an argument that is a leaf). */
  readonly paths: readonly string[];
  /** Each argument's structure. */
  readonly defs: readonly TreeDef[];
  /** Where each argument's leaves start in `leaves` (one more entry: the end). */
  readonly starts: readonly number[];
}

/** Flattens a transform's arguments; `what` names them in errors ("argument", "primal", "tangent"). */
export function flattenArgs(op: string, args: readonly unknown[], what = "argument"): FlatArgs {
  const leaves: Tensor[] = [];
  const paths: string[] = [];
  const defs: TreeDef[] = [];
  const starts: number[] = [];
  args.forEach((arg, i) => {
    const root = `${what} ${i}`;
    const tree = flattenWithPaths(arg, op, root);
    starts.push(leaves.length);
    tree.leaves.forEach((leaf, k) => leaves.push(tensorArgument(op, tree.paths[k]!, leaf)));
    paths.push(...tree.paths.map((p) => p.slice(root.length)));
    defs.push(tree.def);
  });
  starts.push(leaves.length);
  return { leaves, paths, defs, starts };
}

/** `values` (one per leaf of `flat`) rebuilt into one tree per argument. */
export function unflattenArgs<L>(flat: FlatArgs, values: readonly L[]): unknown[] {
  return flat.defs.map((def, i) => treeUnflatten(def, values.slice(flat.starts[i], flat.starts[i + 1])));
}

/** The leaf positions of argument `i`. */
export function leafRange(flat: FlatArgs, i: number): number[] {
  return Array.from({ length: flat.starts[i + 1]! - flat.starts[i]! }, (_, k) => flat.starts[i]! + k);
}

/** Trees given alongside the arguments (tangents), checked to have their structures, as tensors. */
export function matchingLeaves(op: string, flat: FlatArgs, trees: readonly unknown[], what: string): { leaves: Tensor[]; paths: string[] } {
  const leaves: Tensor[] = [];
  const paths: string[] = [];
  flat.defs.forEach((def, i) => {
    const root = `${what} ${i}`;
    leavesMatching(op, def, trees[i], root).forEach((leaf, k) => {
      const at = flat.starts[i]! + k;
      const path = root + flat.paths[at]!;
      leaves.push(tensorArgument(op, path, leaf, flat.leaves[at]!.dtype));
      paths.push(path);
    });
  });
  return { leaves, paths };
}

/** What a function returned, as its Tensor leaves and its structure; a number or empty output is refused. */
export function flattenOutput(op: string, out: unknown): [Tensor[], TreeDef] {
  if (out === null || out === undefined) throw new ValueError(op, `the function must return a Tensor or a pytree of Tensors, got ${describeValue(out)}`);
  const [leaves, def] = treeFlatten(out as Tree, op, "output");
  return [
    leaves.map((leaf) => {
      if (!(leaf instanceof Tensor)) throw new ValueError(op, `every leaf the function returns must be a Tensor, got ${describeValue(leaf)}`);
      return leaf;
    }),
    def,
  ];
}

/** A function's output returned as it is, once checked to be a Tensor or a pytree of Tensors. */
export function checkedOutput<O>(op: string, out: O): O {
  flattenOutput(op, out);
  return out;
}

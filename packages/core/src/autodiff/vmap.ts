import { describeValue, formatShape, ShapeError, ValueError } from "../errors.js";
import { Tensor } from "../tensor.js";
import { broadcastTo } from "../ops/broadcastTo.js";
import { transpose } from "../ops/transpose.js";
import { checkFunction } from "./arguments.js";
import { flattenArgs, flattenOutput, unflattenArgs } from "./flatArgs.js";
import { closeLevel, openLevel } from "./mode.js";
import { childPath, leafPaths, treeUnflatten, type TensorTree, type TreeDef } from "./tree.js";

/** Which axis of an argument is mapped: a number, null (not mapped), or a tree of them per leaf. */
export type AxisSpec = number | null | undefined | readonly AxisSpec[] | { readonly [key: string]: AxisSpec };

/** Options of `vmap`. */
export interface VmapOptions {
  /**
   * The mapped axis of each argument: one spec for all of them, or a list with one per argument. A spec
   * is a number (negative counts from the end), null for an argument passed whole to every example, or
   * a tree of specs that matches the argument's structure down to where a number or null covers the
   * rest. Default 0.
   */
  inAxes?: AxisSpec;
  /**
   * Where the batch axis goes in each output leaf: a number, null for a leaf that does not depend on the
   * mapped axis (returned once, without a batch axis, as JAX's `out_axes=None`; an error if it does
   * depend on it), or a tree of them like the output. Default 0.
   */
  outAxes?: AxisSpec;
}

/** One axis (or null) per leaf of `def`, from a spec that is a prefix of its structure. */
function axesOf(spec: AxisSpec, def: TreeDef, path: string, what: string): (number | null)[] {
  if (spec === null || spec === undefined || typeof spec === "number") {
    const count = def.kind === "leaf" ? 1 : def.kind === "empty" ? 0 : def.children.reduce<number>((n, c) => n + axesOf(spec, c, path, what).length, 0);
    return new Array<number | null>(count).fill(spec ?? null);
  }
  if (def.kind === "array" && Array.isArray(spec) && spec.length === def.children.length) {
    return def.children.flatMap((c, i) => axesOf((spec as readonly AxisSpec[])[i], c, childPath(path, i), what));
  }
  if (def.kind === "object" && typeof spec === "object" && !Array.isArray(spec)) {
    const given = spec as { readonly [key: string]: AxisSpec };
    const keys = Object.keys(given).sort();
    if (keys.join("\u0000") === def.keys.join("\u0000")) return def.children.flatMap((c, i) => axesOf(given[def.keys[i]!], c, childPath(path, def.keys[i]!), what));
  }
  throw new ValueError("vmap", `${what}${path.replace(/^[^.[]*/, "")} does not match the structure of ${path}: got ${describeValue(spec)}`);
}

/** A non-negative axis of a rank-`rank` tensor, or the error naming the leaf and its shape. */
function normalizeAxis(axis: number, x: Tensor, where: string): number {
  const rank = x.shape.length;
  if (!Number.isInteger(axis) || axis < -rank || axis >= rank) {
    throw new ValueError("vmap", `inAxes maps axis ${axis} of ${where}, but it is a ${x} tensor with ${rank} ${rank === 1 ? "axis" : "axes"}`);
  }
  return axis < 0 ? axis + rank : axis;
}

/** `x` with axis `from` moved to position `to`. */
function moveAxis(x: Tensor, from: number, to: number): Tensor {
  if (from === to) return x;
  const order = x.shape.map((_, i) => i).filter((i) => i !== from);
  order.splice(to, 0, from);
  return transpose(x, order);
}

/**
 * Vectorising map, as `jax.vmap`: `vmap(f)` runs f on every slice of its arguments along the mapped axis
 * and stacks the results, but as ONE call of f on the whole batch: each op inside runs batched (an
 * elementwise op or a matmul once over the batch; an op without a batching rule once per example).
 * `inAxes` says which axis of each argument is mapped (null: shared by every example), `outAxes` where
 * the batch axis goes in the outputs. Arguments and outputs may be pytrees. It nests (`vmap(vmap(f))`)
 * and composes with the other transforms: `vmap(grad(loss), { inAxes: [null, 0, 0] })(params, X, Y)`
 * gives per-example gradients. Inside f a batched tensor has one example's shape; its values cannot be
 * read (item, toArray) until vmap returns them.
 * @example
 * ```ts
 * const dot = (a: Tensor, b: Tensor) => a.mul(b).sum();
 * vmap(dot)(tensor([[1, 2], [3, 4]]), tensor([[1, 1], [0, 1]])).toArray(); // [3, 4]
 * vmap(dot, { inAxes: [0, null] })(tensor([[1, 2], [3, 4]]), tensor([1, 1])).toArray(); // [3, 7]
 * ```
 */
export function vmap(f: (...args: Tensor[]) => Tensor, options?: VmapOptions): (...args: Tensor[]) => Tensor;
export function vmap<F extends (...args: never[]) => unknown>(f: F, options?: VmapOptions): (...args: Parameters<F>) => TensorTree<ReturnType<F>>;
export function vmap(f: (...args: never[]) => unknown, options: VmapOptions = {}): (...args: never[]) => unknown {
  checkFunction("vmap", f);
  const inAxes = options.inAxes === undefined ? 0 : options.inAxes;
  const outAxes = options.outAxes === undefined ? 0 : options.outAxes;
  return ((...args: unknown[]) => {
    const flat = flattenArgs("vmap", args);
    const perArgument = Array.isArray(inAxes) ? inAxes : args.map(() => inAxes);
    if (perArgument.length !== args.length) {
      throw new ValueError("vmap", `inAxes has ${perArgument.length} entries for ${args.length} arguments`);
    }
    const axes = flat.defs.flatMap((def, i) => axesOf(perArgument[i], def, `argument ${i}`, `inAxes[${i}]`));
    const where = (k: number): string => {
      const i = flat.starts.findIndex((s, j) => k >= s && k < flat.starts[j + 1]!);
      return `argument ${i}${flat.paths[k]!}`;
    };
    const mapped = flat.leaves.map((x, k) => (axes[k] === null ? null : normalizeAxis(axes[k]!, x, where(k))));
    const first = mapped.findIndex((a) => a !== null);
    if (first < 0) throw new ValueError("vmap", `inAxes maps no argument: at least one must have a mapped axis`);
    const size = flat.leaves[first]!.shape[mapped[first]!]!;
    mapped.forEach((a, k) => {
      const x = flat.leaves[k]!;
      if (a !== null && x.shape[a] !== size) {
        throw new ShapeError("vmap", `sizes along the mapped axes differ: ${where(first)} has ${size} along axis ${mapped[first]}, ${where(k)} has ${x.shape[a]} along axis ${a}`, [flat.leaves[first]!.shape, x.shape]);
      }
    });
    if (size === 0) throw new ValueError("vmap", `the mapped axis of ${where(first)} has size 0: there is no example to map over`);
    const level = openLevel(true);
    try {
      const leaves = flat.leaves.map((x, k) => {
        const a = mapped[k]!;
        if (mapped[k] === null) return x;
        return new Tensor(null, x.shape.filter((_, i) => i !== a), x.dtype, null, { level, value: moveAxis(x, a, 0) });
      });
      const [outs, def] = flattenOutput("vmap", (f as unknown as (...args: unknown[]) => unknown)(...unflattenArgs(flat, leaves)));
      const outAxesPerLeaf = axesOf(outAxes, def, "output", "outAxes");
      const outPaths = leafPaths(def, "output");
      return treeUnflatten(
        def,
        outs.map((out, k) => {
          const batched = out.batch?.level === level;
          const to = outAxesPerLeaf[k];
          if (to === null || to === undefined) {
            // JAX's out_axes=None: the leaf is returned as one value, which it can be only when no example changes it.
            if (batched) throw new ValueError("vmap", `outAxes is null for ${outPaths[k]}, but it depends on the mapped axis (it differs between examples): give the batch axis a position`);
            return out;
          }
          const value = batched ? out.batch!.value : broadcastTo(out, [size, ...out.shape]);
          const rank = value.shape.length;
          if (!Number.isInteger(to) || to < -rank || to >= rank) {
            throw new ValueError("vmap", `outAxes puts the batch axis of ${outPaths[k]} at ${to}, but with the batch axis it has shape ${formatShape(value.shape)}`);
          }
          return moveAxis(value, 0, to < 0 ? to + rank : to);
        }),
      );
    } finally {
      closeLevel(level);
    }
  }) as (...args: never[]) => unknown;
}

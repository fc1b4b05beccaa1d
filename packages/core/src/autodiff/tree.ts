import { describeValue, ValueError } from "../errors.js";
import { Tensor } from "../tensor.js";

/**
 * Pytrees, as JAX has them: nested arrays and plain objects whose leaves are Tensors and numbers.
 * `null` and `undefined` are empty subtrees (no leaves), so an optional field may be left out. The
 * transforms flatten every argument to its leaves, work on tensors, and rebuild the caller's structure.
 */

/** A leaf of a pytree. */
export type TreeLeaf = Tensor | number;

/** A pytree: a leaf, an empty subtree, or an array or plain object of pytrees. */
export type Tree = TreeLeaf | null | undefined | readonly Tree[] | { readonly [key: string]: Tree };

/** The same structure with every leaf (Tensor or number) replaced by `L`: what a gradient of T is. */
export type TreeWith<T, L> = [Tree] extends [T]
  ? unknown // the general Tree type: its structure is only known at run time
  : T extends Tensor | number
  ? L
  : T extends null | undefined
    ? T
    : T extends readonly unknown[]
      ? { -readonly [K in keyof T]: TreeWith<T[K], L> }
      : T extends object
        ? { -readonly [K in keyof T]: TreeWith<T[K], L> }
        : never;

/** A tree with every leaf a Tensor: the type of a gradient, a tangent or a cotangent of T. */
export type TensorTree<T> = TreeWith<T, Tensor>;

/** The leaf types a tree holds (what `treeMap`'s function receives). */
export type LeafOf<T> = [Tree] extends [T]
  ? TreeLeaf
  : T extends Tensor | number
  ? T
  : T extends null | undefined
    ? never
    : T extends readonly (infer E)[]
      ? LeafOf<E>
      : T extends object
        ? LeafOf<T[keyof T]>
        : never;

/** The structure of a pytree without its leaves, as `treeFlatten` returns it. */
export type TreeDef =
  | { readonly kind: "leaf" }
  | { readonly kind: "empty"; readonly value: null | undefined }
  | { readonly kind: "array"; readonly children: readonly TreeDef[] }
  | { readonly kind: "object"; readonly keys: readonly string[]; readonly children: readonly TreeDef[] };

function isPlainObject(value: unknown): value is Readonly<Record<string, unknown>> {
  if (typeof value !== "object" || value === null) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** `path` extended by an array index or an object key, as JavaScript would write the access. */
export function childPath(path: string, key: string | number): string {
  if (typeof key === "number") return `${path}[${key}]`;
  return /^[A-Za-z_$][\w$]*$/.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;
}

/** The path of each leaf of a structure, in leaf order, from `root` (`output.w`, `output[1]`). */
export function leafPaths(def: TreeDef, root: string): string[] {
  if (def.kind === "leaf") return [root];
  if (def.kind === "array") return def.children.flatMap((c, i) => leafPaths(c, childPath(root, i)));
  if (def.kind === "object") return def.children.flatMap((c, i) => leafPaths(c, childPath(root, def.keys[i]!)));
  return [];
}

/** Object keys in sorted order, as JAX orders a dict's: `{ a, b }` and `{ b, a }` are one structure. */
function sortedKeys(value: Readonly<Record<string, unknown>>): string[] {
  return Object.keys(value).sort();
}

/**
 * Splits a pytree into its leaves (depth first, object keys sorted) and its structure. `op` and `path`
 * name the tree in the error for a value that is neither a leaf nor a container.
 * @example
 * ```ts
 * const [leaves, def] = treeFlatten({ w: tensor([1, 2]), b: 0.5 });
 * leaves.length; // 2 (b first: keys are sorted)
 * ```
 */
export function treeFlatten(tree: Tree, op = "treeFlatten", path = "tree"): [TreeLeaf[], TreeDef] {
  const { leaves, def } = flattenWithPaths(tree, op, path);
  return [leaves, def];
}

/** `treeFlatten`, also giving each leaf's path (`params.layers[2].b`) for error messages. @internal */
export function flattenWithPaths(tree: unknown, op: string, path: string): { leaves: TreeLeaf[]; paths: string[]; def: TreeDef } {
  const leaves: TreeLeaf[] = [];
  const paths: string[] = [];
  const visit = (value: unknown, at: string): TreeDef => {
    if (value instanceof Tensor || typeof value === "number") {
      leaves.push(value);
      paths.push(at);
      return { kind: "leaf" };
    }
    if (value === null || value === undefined) return { kind: "empty", value };
    if (Array.isArray(value)) return { kind: "array", children: value.map((v: unknown, i) => visit(v, childPath(at, i))) };
    if (isPlainObject(value)) {
      const keys = sortedKeys(value);
      return { kind: "object", keys, children: keys.map((k) => visit(value[k], childPath(at, k))) };
    }
    const hint = ArrayBuffer.isView(value) ? " (wrap it with tensor())" : "";
    throw new ValueError(op, `${at} must be a Tensor or a number, got ${describeValue(value)}${hint}; a pytree's containers are arrays and plain objects`);
  };
  const def = visit(tree, path);
  return { leaves, paths, def };
}

/** How many leaves a structure holds. */
export function leafCount(def: TreeDef): number {
  switch (def.kind) {
    case "leaf":
      return 1;
    case "empty":
      return 0;
    default:
      return def.children.reduce((n, c) => n + leafCount(c), 0);
  }
}

/**
 * Rebuilds a pytree of structure `def` from its leaves, in `treeFlatten`'s order.
 * @example
 * ```ts
 * const [leaves, def] = treeFlatten({ w: tensor([1, 2]), b: tensor(0) });
 * treeUnflatten(def, leaves.map((l) => 0)); // { b: 0, w: 0 }
 * ```
 */
export function treeUnflatten<L>(def: TreeDef, leaves: readonly L[]): unknown {
  if (leaves.length !== leafCount(def)) {
    throw new ValueError("treeUnflatten", `the structure holds ${leafCount(def)} leaves, got ${leaves.length}`);
  }
  let next = 0;
  const build = (d: TreeDef): unknown => {
    switch (d.kind) {
      case "leaf":
        return leaves[next++];
      case "empty":
        return d.value;
      case "array":
        return d.children.map(build);
      case "object":
        return Object.fromEntries(d.keys.map((k, i) => [k, build(d.children[i]!)]));
    }
  };
  return build(def);
}

function describeDef(def: TreeDef): string {
  switch (def.kind) {
    case "leaf":
      return "a leaf";
    case "empty":
      return String(def.value);
    case "array":
      return `an array of ${def.children.length}`;
    case "object":
      return `an object with keys ${def.keys.join(", ") || "(none)"}`;
  }
}

/**
 * Checks that `tree` has the structure `def`, throwing a ValueError naming `op` and the path of the first
 * place where they differ (`cotangent.layers[2].b: expected a leaf, got undefined`). Returns its leaves.
 */
export function leavesMatching(op: string, def: TreeDef, tree: unknown, path: string): TreeLeaf[] {
  const [leaves, other] = treeFlatten(tree as Tree, op, path);
  const compare = (a: TreeDef, b: TreeDef, at: string): void => {
    const same =
      a.kind === b.kind &&
      (a.kind !== "array" || a.children.length === (b as typeof a).children.length) &&
      (a.kind !== "object" || a.keys.join("\u0000") === (b as typeof a).keys.join("\u0000"));
    if (!same) throw new ValueError(op, `${at}: expected ${describeDef(a)}, got ${describeDef(b)}`);
    if (a.kind === "array" || a.kind === "object") {
      const keys = a.kind === "array" ? a.children.map((_, i) => i) : a.keys;
      a.children.forEach((c, i) => compare(c, (b as typeof a).children[i]!, childPath(at, keys[i]!)));
    }
  };
  compare(def, other, path);
  return leaves;
}

/**
 * Applies `f` to every leaf of `tree` (and the leaves at the same places of `rest`, which must have the
 * same structure), returning a tree of the same structure: an optimizer's update in one line.
 * @example
 * ```ts
 * const params = { w: tensor([1, 2]), b: tensor(0.5) };
 * const grads = { w: tensor([0.1, 0.2]), b: tensor(1) };
 * const next = treeMap((p, g) => p.sub(g.mul(0.1)), params, grads); // { w, b } updated
 * ```
 */
export function treeMap<T extends Tree, R>(f: (leaf: LeafOf<T>, ...rest: LeafOf<T>[]) => R, tree: T, ...rest: readonly Tree[]): TreeWith<T, R> {
  if (typeof f !== "function") throw new ValueError("treeMap", `expected a function of leaves, got ${describeValue(f)}`);
  const [leaves, def] = treeFlatten(tree, "treeMap", "tree");
  const others = rest.map((r, i) => leavesMatching("treeMap", def, r, `trees[${i + 1}]`));
  const apply = f as unknown as (leaf: TreeLeaf, ...rest: TreeLeaf[]) => R;
  return treeUnflatten(def, leaves.map((leaf, i) => apply(leaf, ...others.map((o) => o[i]!)))) as TreeWith<T, R>;
}

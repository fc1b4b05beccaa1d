import { ValueError } from "../errors.js";
import type { Shape } from "../shape.js";
import type { Tensor } from "../tensor.js";
import { zeros } from "../creation.js";
import { flattenOutput } from "./flatArgs.js";
import { applyFunctionOp } from "./functionOp.js";
import { checkOneDType, pack, unpack } from "./packing.js";
import { treeUnflatten, type TreeDef } from "./tree.js";

/**
 * A function op whose output is a pytree (`customVjp`, `customJvp`, `checkpoint` over a function that
 * returns `{ loss, logits }`, say). The engine's primitives have one output, so the output's leaves are
 * laid end to end in one flat tensor, the op's output, and cut apart again by slices, which are taped like
 * any op: a cotangent of one leaf reaches the op as the flat cotangent with zeros elsewhere. A function
 * that returns one Tensor skips the packing and is exactly a plain function op.
 * @internal
 */
export interface TreeFunctionOpSpec {
  readonly name: string;
  /** The output tree from concrete inputs. */
  run(inputs: readonly Tensor[]): unknown;
  /** One tangent per output leaf (null: zero). */
  jvp(primals: readonly Tensor[], tangents: readonly (Tensor | null)[], outs: readonly Tensor[]): readonly (Tensor | null)[];
  /** The input cotangents from one cotangent per output leaf. */
  vjp(cts: readonly Tensor[], primals: readonly Tensor[], outs: readonly Tensor[], needed: readonly boolean[]): readonly (Tensor | null)[];
}

/** How the output's leaves lie in the flat tensor: the structure and each leaf's shape. */
interface Layout {
  readonly def: TreeDef;
  readonly shapes: readonly Shape[];
}

/** Applies the op to `inputs` and returns its output tree. */
export function applyTreeFunctionOp(spec: TreeFunctionOpSpec, inputs: readonly Tensor[]): unknown {
  // Set by the first run, which `apply` makes before it returns (the shape rule needs the output).
  const state: { layout: Layout | null } = { layout: null };
  const leavesOf = (flat: Tensor): Tensor[] => (isSingle(state.layout!) ? [flat] : unpack(flat, state.layout!.shapes));
  const packLeaves = (leaves: readonly (Tensor | null)[], like: Tensor): Tensor => {
    if (isSingle(state.layout!)) return leaves[0] ?? zeros(like.shape, { dtype: like.dtype });
    return pack(leaves.map((t, k) => t ?? zeros(state.layout!.shapes[k]!, { dtype: like.dtype })));
  };
  const out = applyFunctionOp(
    {
      name: spec.name,
      run: (xs) => {
        const [leaves, def] = flattenOutput(spec.name, spec.run(xs));
        if (leaves.length === 0) throw new ValueError(spec.name, `the function must return a Tensor or a pytree with at least one Tensor`);
        state.layout = { def, shapes: leaves.map((t) => t.shape) };
        if (isSingle(state.layout)) return leaves[0]!;
        checkOneDType(spec.name, leaves, def);
        return pack(leaves);
      },
      jvp: (primals, tangents, flat) => packLeaves(spec.jvp(primals, tangents, leavesOf(flat)), flat),
      vjp: (ct, primals, flat, needed) => spec.vjp(leavesOf(ct), primals, leavesOf(flat), needed),
    },
    inputs,
  );
  return treeUnflatten(state.layout!.def, leavesOf(out));
}

const isSingle = (layout: Layout): boolean => layout.def.kind === "leaf";

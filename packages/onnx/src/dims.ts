import { ValueError, type Tensor, type TraceGraph } from "@tapegrad/core";

/** A dimension of a traced value: a fixed size, or `batch` times the batch size. */
export type Dim = number | { readonly batch: number };
/** A shape whose dimensions may follow the batch size. */
export type SymShape = readonly Dim[];

/** Whether a dimension follows the batch size. */
export const isDynamic = (d: Dim): d is { readonly batch: number } => typeof d !== "number";

/** The example's size of a dimension. */
export const sizeAt = (d: Dim, batch: number): number => (typeof d === "number" ? d : d.batch * batch);

/**
 * The symbolic shape of every value, from two traces of the same function: `small` at batch size
 * `batch` and `large` at twice that. A dimension that is the same in both is fixed; one that doubles is
 * k × batch. Refuses traces whose graphs differ (the function branches on the batch size), a dimension
 * that changes otherwise, and a constant whose values change with the batch (1/batch in a mean, say),
 * which an exported graph cannot recompute.
 */
export function symbolicShapes(small: TraceGraph, large: TraceGraph, batch: number): SymShape[] {
  const differ = (what: string): never => {
    throw new ValueError("exportOnnx", `the traced graph changes with the batch size (${what}); export it without dynamicAxes`);
  };
  if (small.values.length !== large.values.length || small.nodes.length !== large.nodes.length) differ(`${small.nodes.length} nodes at batch ${batch}, ${large.nodes.length} at ${2 * batch}`);
  small.nodes.forEach((n, i) => {
    const m = large.nodes[i]!;
    if (n.op !== m.op || n.inputs.join() !== m.inputs.join()) differ(`node ${i} is ${n.op} at batch ${batch}, ${m.op} at ${2 * batch}`);
  });
  return small.values.map((v, id) => {
    const w = large.values[id]!;
    if (v.shape.length !== w.shape.length) differ(`value ${id} has rank ${v.shape.length}, then ${w.shape.length}`);
    const shape = v.shape.map((d, axis): Dim => {
      const e = w.shape[axis]!;
      if (d === e) return d;
      if (e === 2 * d && d % batch === 0) return { batch: d / batch };
      return differ(`value ${id} has size ${d}, then ${e}, along axis ${axis}`);
    });
    if (v.source.kind === "constant" && w.source.kind === "constant") checkConstant(v.source.tensor, w.source.tensor, shape, id);
    return shape;
  });
}

/** A constant must not change with the batch, except by repeating one value along the batch's axes. */
function checkConstant(small: Tensor, large: Tensor, shape: SymShape, id: number): void {
  const [a, b] = [small.data, large.data];
  if (shape.some(isDynamic)) {
    if (!Array.from(a).every((x) => Object.is(x, a[0])) || !Array.from(b).every((x) => Object.is(x, a[0]))) {
      throw new ValueError("exportOnnx", `constant ${id} ([${small.shape.join(",")}]) follows the batch size and is not one value repeated; export without dynamicAxes`);
    }
    return;
  }
  for (let i = 0; i < a.length; i++) {
    if (!Object.is(a[i], b[i])) throw new ValueError("exportOnnx", `constant ${id} ([${small.shape.join(",")}]) has other values at another batch size (1/batch in a mean?); export without dynamicAxes`);
  }
}

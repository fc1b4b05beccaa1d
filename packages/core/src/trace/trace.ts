import { noGrad } from "../autodiff/mode.js";
import { treeFlatten, type Tree } from "../autodiff/tree.js";
import { describeValue, ValueError } from "../errors.js";
import type { Storage } from "../dtype.js";
import { Tensor } from "../tensor.js";
import type { TraceGraph, TraceNode, TraceSource } from "./graph.js";
import { sameLayout, ValueTable, type TracedValue } from "./valueTable.js";
import { recordKernels } from "./kernelEvents.js";

/** Options of `trace`. */
export interface TraceOptions {
  /**
   * Tensors to keep as named parameters (a module's state dict, say) rather than fold into constants:
   * values computed from them stay nodes of the graph, so the graph can be run with other weights.
   */
  readonly params?: Readonly<Record<string, Tensor>>;
  /**
   * Run `f` with the tape on, so that a `backward()` inside it works and its gradient kernels are
   * recorded as nodes too (a training step, for a jit); default false: `f` runs under `noGrad`, as an
   * export of a forward pass wants.
   */
  readonly tape?: boolean;
}


/**
 * Runs `f` once on `exampleArgs` and records the primitives it applies, as a graph: the arguments are
 * the inputs, `options.params` the named parameters, every other tensor `f` reads (captured tensors,
 * numbers turned into scalars) a constant, and every primitive whose inputs include an input or a
 * parameter (directly or through other nodes) a node. A primitive applied only to constants is not a
 * node: its result is a constant too. Control flow that depends on values is fixed at the example's
 * values, as in any tracer. `f` runs without recording gradients unless `options.tape` is set.
 * @example
 * ```ts
 * const w = tensor([[1, 2], [3, 4]]);
 * const graph = trace((x) => x.matmul(w).relu(), [zeros([3, 2])], { params: { w } });
 * graph.nodes.map((n) => n.op); // ["matmul", "relu"]
 * ```
 */
export function trace(f: (...args: Tensor[]) => Tree, exampleArgs: readonly Tensor[], options: TraceOptions = {}): TraceGraph {
  if (typeof f !== "function") throw new ValueError("trace", `f must be a function, got ${describeValue(f)}`);
  exampleArgs.forEach((a, i) => {
    if (!(a instanceof Tensor)) throw new ValueError("trace", `exampleArgs[${i}] must be a Tensor, got ${describeValue(a)}`);
  });
  // Tensors are found as ValueTable finds them; a named parameter likewise by its storage, so a state
  // dict's detached copies are the parameters they copy.
  const names = new Map<Storage, { name: string; tensor: Tensor }[]>();
  for (const [name, t] of Object.entries(options.params ?? {})) {
    if (!(t instanceof Tensor)) throw new ValueError("trace", `params.${name} must be a Tensor, got ${describeValue(t)}`);
    names.set(t.data, [...(names.get(t.data) ?? []), { name, tensor: t }]);
  }
  const table = new ValueTable();
  const { values } = table;
  const nodes: TraceNode[] = [];
  const add = (t: Tensor, source: TraceSource): number => table.add(t, source);
  const known = (t: Tensor): number | undefined => table.known(t);
  const paramOf = (t: Tensor): { name: string; tensor: Tensor } | undefined => names.get(t.data)?.find((p) => sameLayout(t, p.tensor));
  const idOf = (t: Tensor): number => {
    const id = known(t);
    if (id !== undefined) return id;
    const param = paramOf(t);
    return add(t, param === undefined ? { kind: "constant", tensor: t } : { kind: "param", name: param.name, tensor: param.tensor });
  };
  const inputs = exampleArgs.map((t, index) => table.idOfTensor(t) ?? add(t, { kind: "input", index }));
  const live = (t: Tensor): boolean => {
    const id = known(t);
    return id === undefined ? paramOf(t) !== undefined : values[id]!.source.kind !== "constant";
  };

  const run = (): Tree => (options.tape === true ? f(...exampleArgs) : noGrad(() => f(...exampleArgs)));
  const result = recordKernels(run, ({ rule, inputs: args, out, params }) => {
    if (!args.some(live)) return; // computed from constants alone: the result is a constant when used
    const inputIds = args.map(idOf);
    const output = add(out, { kind: "node", index: nodes.length });
    nodes.push({ op: rule.name, rule, inputs: inputIds, params, output });
  });
  const [leaves] = treeFlatten(result, "trace", "f's result");
  const outputs = leaves.map((leaf, i) => {
    if (!(leaf instanceof Tensor)) throw new ValueError("trace", `f's result must be tensors, got ${describeValue(leaf)} at leaf ${i}`);
    return idOf(leaf);
  });
  return pruned(values, inputs, nodes, outputs);
}

/** The graph with only the values and nodes the outputs need (inputs always kept), renumbered in order. */
function pruned(values: readonly TracedValue[], inputs: readonly number[], nodes: readonly TraceNode[], outputs: readonly number[]): TraceGraph {
  const needed = new Set<number>([...inputs, ...outputs]);
  for (let i = nodes.length - 1; i >= 0; i--) {
    if (needed.has(nodes[i]!.output)) for (const id of nodes[i]!.inputs) needed.add(id);
  }
  const renumber = new Map<number, number>();
  const kept: TracedValue[] = [];
  const keptNodes: TraceNode[] = [];
  for (const v of values) {
    if (!needed.has(v.id)) continue;
    renumber.set(v.id, kept.length);
    if (v.source.kind === "node") {
      const node = nodes[v.source.index]!;
      keptNodes.push({ ...node, inputs: node.inputs.map((id) => renumber.get(id)!), output: kept.length });
      kept.push({ ...v, id: kept.length, source: { kind: "node", index: keptNodes.length - 1 } });
    } else {
      kept.push({ ...v, id: kept.length });
    }
  }
  const ofKind = (kind: TraceSource["kind"]): number[] => kept.filter((v) => v.source.kind === kind).map((v) => v.id);
  return {
    values: kept,
    inputs: inputs.map((id) => renumber.get(id)!),
    params: ofKind("param"),
    constants: ofKind("constant"),
    nodes: keptNodes,
    outputs: outputs.map((id) => renumber.get(id)!),
  };
}

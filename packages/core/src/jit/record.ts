import { treeFlatten, type Tree } from "../autodiff/tree.js";
import { installHooks, valueReads, type StateEffect } from "../autodiff/hooks.js";
import { Tensor } from "../tensor.js";
import type { TraceEffect, TraceGraph, TraceNode, TraceSource } from "../trace/graph.js";
import { ValueTable } from "../trace/valueTable.js";
import { ConcretizationError } from "./errors.js";


/** A traced call: the eager result of the call itself and the program it recorded. */
export interface Recording {
  readonly result: unknown;
  readonly graph: TraceGraph;
  /** The `.grad` state the program depends on (see `GradState`). */
  readonly gradState: GradState;
}

/**
 * The tensors whose `.grad` the recording read before assigning it (a step accumulating gradients over
 * calls without `zeroGrad()`), and whether each had one: the program was traced for that state, so it is
 * part of the program's signature, as the presence of an argument would be.
 */
export interface GradState {
  readonly targets: readonly Tensor[];
  readonly present: readonly boolean[];
}

/**
 * Runs `f(...args)` eagerly, as the first call of a jitted function, and records what it does as a
 * program: every primitive kernel that runs (forward, backward's VJP rules, anything an optimizer applies
 * with ops), the assignments and reads of `.grad`, in-place updates (`updateInPlace`) and random draws,
 * in the order they happen. The call's values are eager ones, so the first call is the eager call.
 *
 * Reads of traced values by `f` itself (`item()`, `toArray()`, `.data`) are refused with a
 * `ConcretizationError`: their result would be frozen into the program.
 */
export function record(f: (...args: never[]) => unknown, args: readonly unknown[], tensorArgs: readonly Tensor[]): Recording {
  const table = new ValueTable();
  const { values } = table;
  const nodes: TraceNode[] = [];
  const effects: TraceEffect[] = [];
  const traced = new Set<number>(); // values computed by the program (not state): their reads are refused
  const add = (t: Tensor, source: TraceSource, isTraced: boolean): number => {
    const id = table.add(t, source);
    if (isTraced) traced.add(id);
    return id;
  };
  const known = (t: Tensor): number | undefined => table.known(t);
  const idOf = (t: Tensor): number => known(t) ?? add(t, { kind: "state", tensor: t }, false);
  tensorArgs.forEach((t, index) => {
    if (table.idOfTensor(t) === undefined) add(t, { kind: "input", index }, true);
  });
  const inputs = tensorArgs.map((t) => table.idOfTensor(t)!);

  const gradState = { targets: [] as Tensor[], present: [] as boolean[] };
  const gradTouched = new Set<Tensor>(); // targets whose .grad an effect already read or assigned
  const onEffect = (e: StateEffect): void => {
    const after = nodes.length;
    if (e.kind === "setGrad" || e.kind === "readGrad") {
      if (e.kind === "readGrad" && !gradTouched.has(e.target)) {
        gradState.targets.push(e.target);
        gradState.present.push(e.value !== null);
      }
      gradTouched.add(e.target);
    }
    switch (e.kind) {
      case "setGrad":
        effects.push({ kind: "setGrad", after, target: e.target, value: e.value === null ? null : idOf(e.value) });
        return;
      case "readGrad": {
        if (e.value !== null && known(e.value) !== undefined) return; // a gradient this program computed: already a value
        const value = e.value === null ? null : add(e.value, { kind: "effect", index: effects.length }, true);
        effects.push({ kind: "readGrad", after, target: e.target, value });
        return;
      }
      case "update":
        effects.push({ kind: "update", after, name: e.name, run: e.run, reads: e.reads.map(idOf) });
        return;
      case "random":
        effects.push({ kind: "draw", after, value: add(e.out, { kind: "effect", index: effects.length }, true), fill: e.fill });
        return;
    }
  };
  const remove = installHooks({
    kernel: ({ rule, inputs: kernelInputs, out, params }) => {
      const inputIds = kernelInputs.map(idOf);
      const output = add(out, { kind: "node", index: nodes.length }, true);
      nodes.push({ op: rule.name, rule, inputs: inputIds, params, output });
    },
    effect: onEffect,
  });
  const previousCheck = valueReads.check;
  valueReads.check = (t) => {
    const id = known(t);
    if (id !== undefined && traced.has(id)) throw new ConcretizationError(t, values[id]!.source);
  };
  let result: unknown;
  try {
    result = f(...(args as never[]));
  } finally {
    valueReads.check = previousCheck;
    remove();
  }
  const [leaves] = treeFlatten(result as Tree, "jit", "f's result");
  const outputs = leaves.flatMap((leaf) => (leaf instanceof Tensor ? [idOf(leaf)] : []));
  const ofKind = (kind: TraceSource["kind"]): number[] => values.filter((v) => v.source.kind === kind).map((v) => v.id);
  const graph: TraceGraph = { values, inputs, params: [], constants: [], nodes, outputs, state: ofKind("state"), effects };
  return { result, graph, gradState };
}

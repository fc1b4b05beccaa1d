import { treeFlatten, type Tree } from "../autodiff/tree.js";
import { installHooks, valueReads, type StateEffect } from "../autodiff/hooks.js";
import type { Storage } from "../dtype.js";
import { sameShape } from "../shape.js";
import { Tensor } from "../tensor.js";
import type { TraceEffect, TraceGraph, TraceNode, TraceSource, TraceValue } from "../trace/graph.js";
import { ConcretizationError } from "./errors.js";

type Value = TraceValue & { source: TraceSource };

/** A traced call: the eager result of the call itself and the program it recorded. */
export interface Recording {
  readonly result: unknown;
  readonly graph: TraceGraph;
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
  const values: Value[] = [];
  const ids = new Map<Tensor, number>();
  const byStorage = new Map<Storage, number>();
  const nodes: TraceNode[] = [];
  const effects: TraceEffect[] = [];
  const traced = new Set<number>(); // values computed by the program (not state): their reads are refused
  const add = (t: Tensor, source: TraceSource, isTraced: boolean): number => {
    const id = values.length;
    values.push({ id, shape: t.shape, dtype: t.dtype, source });
    ids.set(t, id);
    // A detached copy shares its tensor's storage; a tensor whose storage is some value's is that value.
    const storage = storageOf(t);
    if (storage !== null && !byStorage.has(storage)) byStorage.set(storage, id);
    if (isTraced) traced.add(id);
    return id;
  };
  const known = (t: Tensor): number | undefined => {
    const id = ids.get(t);
    if (id !== undefined) return id;
    const storage = storageOf(t);
    const shared = storage === null ? undefined : byStorage.get(storage);
    // The same storage with the same dtype and shape is the same value (a reshape that shares storage is not).
    return shared !== undefined && values[shared]!.dtype === t.dtype && sameShape(values[shared]!.shape, t.shape) ? shared : undefined;
  };
  const idOf = (t: Tensor): number => known(t) ?? add(t, { kind: "state", tensor: t }, false);
  tensorArgs.forEach((t, index) => {
    if (!ids.has(t)) add(t, { kind: "input", index }, true);
  });
  const inputs = tensorArgs.map((t) => ids.get(t)!);

  const onEffect = (e: StateEffect): void => {
    const after = nodes.length;
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
  return { result, graph };
}

/** A tensor's storage without reading its values (a vmap-batched tensor has none). */
function storageOf(t: Tensor): Storage | null {
  if (t.batch !== null) return null;
  const saved = valueReads.check;
  valueReads.check = null;
  try {
    return t.data;
  } finally {
    valueReads.check = saved;
  }
}

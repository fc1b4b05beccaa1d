import type { Tensor } from "../tensor.js";
import type { TraceEffect, TraceGraph, TraceNode } from "../trace/graph.js";

/**
 * What a recording did that a compiled program need not do again, removed before planning:
 *
 * - `.grad` effects that cannot change anything: a read that found `.grad` null (backward after
 *   `zeroGrad()`, or on a first step; which state a call finds is part of the program's key), and an
 *   assignment that a later one replaces before anything could read it (`zeroGrad()`'s null,
 *   overwritten by backward's gradient);
 * - primitives whose value nothing uses: no output, no gradient left in `.grad`, no in-place update and
 *   no later primitive reads it (a layer's output sequence when only its final state enters the loss).
 *
 * Everything that stays runs in the same order on the same values, so results are unchanged. Node
 * indices move, so effects' positions (`after`) and values' sources are renumbered.
 * @example
 * ```ts
 * const lean = prune(recording.graph); // lean.nodes.length <= recording.graph.nodes.length
 * ```
 */
export function prune(graph: TraceGraph): TraceGraph {
  const effects = pruneGradEffects(graph.effects ?? []);
  const live = graph.values.map(() => false);
  for (const id of graph.outputs) live[id] = true;
  for (const e of effects) {
    if (e.kind === "setGrad" && e.value !== null) live[e.value] = true;
    if (e.kind === "update") for (const id of e.reads) live[id] = true;
  }
  const keep = graph.nodes.map(() => false);
  for (let i = graph.nodes.length - 1; i >= 0; i--) {
    const node = graph.nodes[i]!;
    if (!live[node.output]) continue;
    keep[i] = true;
    for (const id of node.inputs) live[id] = true;
  }
  if (keep.every(Boolean)) return effects.length === (graph.effects ?? []).length ? graph : { ...graph, effects };
  // newIndex[i]: how many kept nodes come before old node i (its index if kept; an effect's new `after`).
  const newIndex: number[] = [];
  let kept = 0;
  for (let i = 0; i <= graph.nodes.length; i++) {
    newIndex.push(kept);
    if (keep[i]) kept++;
  }
  const nodes: TraceNode[] = graph.nodes.filter((_, i) => keep[i]);
  const values = graph.values.map((v) => (v.source.kind === "node" ? { ...v, source: { kind: "node" as const, index: newIndex[v.source.index]! } } : v));
  return { ...graph, values, nodes, effects: effects.map((e) => ({ ...e, after: newIndex[e.after]! })) };
}

/**
 * The effects without the `.grad` reads and assignments that cannot change what the program computes or
 * leaves behind (see `prune`). An in-place update may read any `.grad` through its own references, so no
 * assignment before one is dropped.
 */
function pruneGradEffects(effects: readonly TraceEffect[]): TraceEffect[] {
  // A read that found .grad null has nothing to read: whether it is null then is either decided by the
  // program (an earlier assignment) or part of the program's key (jit.ts checks it before the call).
  const kept = effects.filter((e) => !(e.kind === "readGrad" && e.value === null));
  // Backwards: an assignment is dead when the next effect on its target is another assignment.
  const overwritten = new Set<Tensor>();
  const alive: boolean[] = [];
  for (let i = kept.length - 1; i >= 0; i--) {
    const e = kept[i]!;
    if (e.kind === "update") overwritten.clear();
    if (e.kind === "readGrad") overwritten.delete(e.target);
    if (e.kind === "setGrad") {
      alive[i] = !overwritten.has(e.target);
      overwritten.add(e.target);
    } else alive[i] = true;
  }
  return kept.filter((_, i) => alive[i]);
}

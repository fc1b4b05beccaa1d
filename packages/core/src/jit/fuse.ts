import type { Storage } from "../dtype.js";
import { generatedFunction } from "../kernels/generatedCode.js";
import type { TraceGraph } from "../trace/graph.js";

/**
 * Elementwise fusion: a run of consecutive elementwise primitives (ops whose record states their scalar
 * formula, `rule.scalar`), each feeding the next through a value nobody else reads, becomes one loop over
 * the output that applies every formula to each element in turn: one pass over memory instead of one
 * per op, and no buffer for the values in between. A single elementwise op becomes such a loop too,
 * writing straight into its planned buffer.
 *
 * The loop is generated from the op records: each op's `scalar` is called on the element (V8 inlines
 * the call, one call site per generated function), and in float32 each intermediate is rounded with
 * `Math.fround`, as storing it in a Float32Array would round it, so the fused result is bit-identical
 * to the op-by-op one.
 *
 * A float32 run whose ops all state their formula on four lanes (`rule.simd`) and whose buffers live in
 * the WebAssembly memory runs as a SIMD loop instead (simdLoop.ts, written from the same groups and
 * `reads`); the JavaScript loop stays its fallback.
 */

/** How a fused loop reads one of its inputs at output element `o`: its element o, its one element, or element o mod `row`. */
export type Access = "full" | "scalar" | "row";

/** How a fused loop reads one input: the pattern, and for "row" the row's length (elements). */
export interface InputRead {
  readonly access: Access;
  readonly row: number;
}

/** One fused run of nodes: node indices in order, the external inputs and the value written. */
export interface FusedGroup {
  readonly nodes: readonly number[];
  readonly inputs: readonly number[];
  readonly output: number;
  /** How the loop reads each of `inputs`, in order. */
  readonly reads: readonly InputRead[];
  /** The generated loop: `(out, ...inputs)` with the row length bound in. */
  readonly run: (out: Storage, inputs: readonly Storage[]) => void;
}

const sizeOf = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

/** How an input of `shape` is read for an output of `outShape`, or null when no simple pattern fits. */
function accessOf(shape: readonly number[], outShape: readonly number[]): InputRead | null {
  const n = sizeOf(shape);
  // One element is a scalar even against an output of one element: a SIMD loop then takes it by value.
  if (n === 1) return { access: "scalar", row: 0 };
  if (shape.length === outShape.length && shape.every((d, i) => d === outShape[i])) return { access: "full", row: 0 };
  // A trailing block of the output's shape (a bias [N] against [B, N]): element o reads o mod N.
  const lead = shape.findIndex((d) => d !== 1);
  const rest = shape.slice(lead);
  const tail = outShape.slice(outShape.length - rest.length);
  if (rest.length <= outShape.length && rest.every((d, i) => d === tail[i])) return { access: "row", row: sizeOf(rest) };
  return null;
}

/**
 * Finds the fusible runs of `graph`'s nodes. `external` holds the values that something besides the next
 * node reads (outputs, gradients left in `.grad`, values effects read): a run may end with one, never
 * pass through one. `useCount` is how many node inputs read each value; `effectBefore[i]` whether an
 * effect runs just before node i (a run never spans one).
 */
export function fusionGroups(graph: TraceGraph, external: ReadonlySet<number>, useCount: readonly number[], effectBefore: readonly boolean[]): FusedGroup[] {
  const groups: FusedGroup[] = [];
  let current: number[] = [];
  let currentRow = 0; // the row length the current run's row-broadcast inputs share (0: none yet)
  const flush = (): void => {
    const group = current.length > 0 ? build(graph, current) : null;
    if (group !== null) groups.push(group); // null: no loop could be compiled; its nodes run their kernels
    current = [];
    currentRow = 0;
  };
  graph.nodes.forEach((node, i) => {
    const out = graph.values[node.output]!;
    const fusible =
      node.rule.scalar !== undefined &&
      (out.dtype === "float32" || out.dtype === "float64") &&
      node.inputs.every((id) => graph.values[id]!.dtype === out.dtype && accessOf(graph.values[id]!.shape, out.shape) !== null);
    // All of a loop's row-broadcast inputs are read through one counter, so they must share a row length.
    const rows = fusible ? [...new Set(node.inputs.map((id) => accessOf(graph.values[id]!.shape, out.shape)!).filter((a) => a.access === "row").map((a) => a.row))] : [];
    if (!fusible || rows.length > 1) return flush();
    const row = rows[0] ?? 0;
    const previous = current.length > 0 ? graph.nodes[current[current.length - 1]!]! : null;
    const joins =
      previous !== null &&
      !effectBefore[i] &&
      node.inputs.includes(previous.output) &&
      useCount[previous.output] === 1 &&
      !external.has(previous.output) &&
      sizeOf(graph.values[previous.output]!.shape) === sizeOf(out.shape) &&
      graph.values[previous.output]!.shape.length === out.shape.length &&
      (row === 0 || currentRow === 0 || row === currentRow);
    if (!joins) flush();
    current.push(i);
    if (row !== 0) currentRow = row;
  });
  flush();
  return groups;
}

/** The group of `nodes` and its generated loop, or null where the page refuses `new Function`. */
function build(graph: TraceGraph, nodes: readonly number[]): FusedGroup | null {
  const last = graph.nodes[nodes[nodes.length - 1]!]!;
  const outShape = graph.values[last.output]!.shape;
  const float32 = graph.values[last.output]!.dtype === "float32";
  const inside = new Map<number, string>(); // value id -> temporary holding it
  const inputs: number[] = [];
  const patterns: InputRead[] = [];
  const reads: string[] = [];
  let row = 0;
  const operand = (id: number): string => {
    const temp = inside.get(id);
    if (temp !== undefined) return temp;
    let k = inputs.indexOf(id);
    if (k < 0) {
      k = inputs.push(id) - 1;
      const pattern = accessOf(graph.values[id]!.shape, outShape)!;
      const { access, row: length } = pattern;
      patterns.push(pattern);
      if (access === "row") row = length;
      reads.push(access === "full" ? `a${k}[o]` : access === "scalar" ? `a${k}[0]` : `a${k}[j]`);
    }
    return `(${reads[k]!})`;
  };
  const lines: string[] = [];
  nodes.forEach((index, step) => {
    const node = graph.nodes[index]!;
    const call = `f${step}(${node.inputs.map(operand).join(", ")})`;
    lines.push(`const t${step} = ${float32 ? `fround(${call})` : call};`);
    inside.set(node.output, `t${step}`);
  });
  const body = [
    ...inputs.map((_, k) => `const a${k} = inputs[${k}];`),
    `const n = out.length;`,
    `for (let o = 0, j = 0; o < n; o++) {`,
    ...lines.map((l) => `  ${l}`),
    `  out[o] = t${nodes.length - 1};`,
    ...(row > 0 ? [`  if (++j === ${row}) j = 0;`] : []),
    `}`,
  ].join("\n");
  // float32 loops use an op's float32 formula where it has one (exp, tanh), as its eager kernel does.
  const formulas = nodes.map((i) => {
    const rule = graph.nodes[i]!.rule;
    return (float32 ? rule.scalar32 : undefined) ?? rule.scalar!;
  });
  const factory = factoryFor(body, formulas.length, sizeOf(outShape));
  return factory === null ? null : { nodes, inputs, output: last.output, reads: patterns, run: factory(Math.fround, ...formulas) };
}

type Factory = (...args: unknown[]) => (out: Storage, inputs: readonly Storage[]) => void;

/** Below this many elements a loop's speed hardly matters, and compiling a function each costs more. */
const SHARED_BELOW = 256;
const shared = new Map<string, Factory>();

/**
 * The function that makes a loop of `body` from its formulas. A large loop gets a function of its own,
 * so that V8 sees one formula at each call site and inlines it; small loops with the same body share one
 * (their formula calls are then polymorphic, which costs little on a few elements), so that a program
 * of thousands of scalar ops compiles thousands of closures, not thousands of functions.
 *
 * The source is written from a fixed template: temporaries, input indices and a row length are all that
 * vary, never an op's name or text a user supplied; the formulas come in as arguments. Where `new
 * Function` is refused (a page whose Content-Security-Policy forbids eval) this returns null and the
 * program runs those ops by their own kernels: slower, same results.
 */
function factoryFor(body: string, formulas: number, size: number): Factory | null {
  const make = (): Factory | null =>
    generatedFunction<Factory>(["fround", ...Array.from({ length: formulas }, (_, s) => `f${s}`)], `"use strict";\nreturn function fused(out, inputs) {\n${body}\n};`);
  if (size >= SHARED_BELOW) return make();
  let factory = shared.get(body);
  if (factory === undefined) {
    const made = make();
    if (made === null) return null;
    shared.set(body, (factory = made));
  }
  return factory;
}

import type { Storage } from "../dtype.js";
import { sizeOf, stridesOf, type Shape } from "../shape.js";
import type { Tensor } from "../tensor.js";
import type { AnyOpRule } from "../ops/rule.js";
import type { TraceGraph, TraceNode } from "../trace/graph.js";
import type { PadParams } from "../ops/pad.js";
import { kernels } from "../kernels/active.js";
import { residentAddress } from "../kernels/wasm/resident.js";
import { wasmRuntime, type WasmRuntime } from "../kernels/wasm/runtime.js";

/**
 * Sums of zero-padded pieces, assembled in one pass. The gradient of a tensor that was split (an LSTM's
 * four gates, attention's heads, `chunk`) reaches it as one `pad` per piece, each a full-size tensor of
 * zeros around its piece, added up: n pads and n − 1 adds, n² passes of the full size over memory for
 * what is one copy of each piece into its place. When the pads' boxes do not overlap, every element of
 * the sum is its piece's value plus zeros (or zero where no piece lies), so writing `value + 0` in place
 * (`+ 0` turns −0 into +0, as the adds did) gives the same bits in one pass.
 */

/** A sum of pads with disjoint boxes: the nodes it replaces and where each piece goes. */
export interface PieceSum {
  /** The pads and adds it replaces, in order; the last is the final add, where the sum is written. */
  readonly nodes: readonly number[];
  /** Each piece: the value a pad read and its box's corner in the output. */
  readonly pieces: readonly { readonly value: number; readonly before: readonly number[] }[];
  readonly output: number;
}

/**
 * Finds the sums of pads in `graph` whose boxes do not overlap: trees of `add`s (no broadcasting) whose
 * leaves are `pad`s, every value between read once (`useCount`) and by nothing outside (`external`: outputs,
 * gradients left in `.grad`, values effects read). Pads of state tensors are left alone (an in-place
 * update between the pad and the sum could change them).
 */
export function pieceSums(graph: TraceGraph, external: ReadonlySet<number>, useCount: readonly number[]): PieceSum[] {
  const producer = new Map<number, number>(); // value -> index of the node writing it
  graph.nodes.forEach((node, i) => producer.set(node.output, i));
  const sums = new Map<number, PieceSum>(); // by output value
  const absorbed = new Set<number>(); // outputs of sums that a larger one took in
  const sameShape = (a: Shape, b: Shape): boolean => a.length === b.length && a.every((d, i) => d === b[i]);
  const partOf = (id: number, out: number): PieceSum | null => {
    const [v, o] = [graph.values[id]!, graph.values[out]!];
    if (useCount[id] !== 1 || external.has(id) || v.dtype !== o.dtype || !sameShape(v.shape, o.shape)) return null;
    const inner = sums.get(id);
    if (inner !== undefined) return inner;
    const index = producer.get(id);
    const node = index === undefined ? undefined : graph.nodes[index]!;
    if (node?.op !== "pad" || graph.values[node.inputs[0]!]!.source.kind === "state") return null;
    return { nodes: [index!], pieces: [{ value: node.inputs[0]!, before: (node.params as PadParams).before }], output: id };
  };
  graph.nodes.forEach((node, i) => {
    if (node.op !== "add") return;
    const [a, b] = node.inputs.map((id) => partOf(id, node.output));
    if (!a || !b) return;
    const pieces = [...a.pieces, ...b.pieces];
    if (!disjoint(graph, pieces)) return;
    for (const part of [a, b]) if (sums.has(part.output)) absorbed.add(part.output);
    sums.set(node.output, { nodes: [...a.nodes, ...b.nodes, i].sort((x, y) => x - y), pieces, output: node.output });
  });
  return [...sums.values()].filter((s) => !absorbed.has(s.output));
}

/** Whether the pieces' boxes (corner `before`, extent the piece's shape) overlap nowhere. */
function disjoint(graph: TraceGraph, pieces: PieceSum["pieces"]): boolean {
  const overlap = (p: PieceSum["pieces"][number], q: PieceSum["pieces"][number]): boolean => {
    const [ps, qs] = [graph.values[p.value]!.shape, graph.values[q.value]!.shape];
    return ps.every((d, k) => p.before[k]! < q.before[k]! + qs[k]! && q.before[k]! < p.before[k]! + d);
  };
  return pieces.every((p, i) => pieces.every((q, j) => j <= i || !overlap(p, q)));
}

/**
 * `graph` with the rules of `nodes` stripped of their scalar formula, for the elementwise fusion to leave
 * them alone: the adds of a sum of pieces run as the sum's own step.
 */
export function withoutFusion(graph: TraceGraph, nodes: ReadonlySet<number>): TraceGraph {
  if (nodes.size === 0) return graph;
  const opaque = new Map<AnyOpRule, AnyOpRule>();
  const strip = (rule: AnyOpRule): AnyOpRule => {
    let plain = opaque.get(rule);
    if (plain === undefined) {
      const { scalar: _formula, ...rest } = rule;
      opaque.set(rule, (plain = rest as AnyOpRule));
    }
    return plain;
  };
  const stripped: TraceNode[] = graph.nodes.map((node, i) => (nodes.has(i) ? { ...node, rule: strip(node.rule) } : node));
  return { ...graph, nodes: stripped };
}

/**
 * The step writing a sum of pieces into `out`'s array: each piece's rows copied (plus zero) into their
 * place, the rest zeroed first where the pieces do not cover it. The row offsets are worked out once.
 * Where the output and a piece live in WebAssembly memory (a program's buffers do), the piece is placed
 * by the SIMD kernel `placeRows`, one call per run of evenly spaced rows; elsewhere by a JavaScript loop.
 */
export function piecesStep(graph: TraceGraph, sum: PieceSum, tensors: readonly Tensor[]): () => void {
  const out = tensors[sum.output]!;
  const outStrides = stridesOf(out.shape);
  let covered = 0;
  const rt = kernels.name === "fast" && out.dtype === "float32" ? wasmRuntime() : null;
  const pieces = sum.pieces.map(({ value, before }) => {
    const shape = graph.values[value]!.shape;
    covered += sizeOf(shape);
    const rows = rowsOf(shape, before, outStrides);
    return { tensor: tensors[value]!, rows, runs: rt === null ? null : runsOf(rows) };
  });
  const fill = covered < sizeOf(out.shape); // disjoint boxes inside the output: they cover it when their sizes add up to it
  return () => {
    const target = out.data;
    if (fill) target.fill(0);
    const home = rt === null ? undefined : residentAddress(target);
    for (const { tensor, rows, runs } of pieces) {
      const from = home === undefined ? undefined : residentAddress(tensor.data);
      if (from === undefined) copyRows(target, tensor.data, rows);
      else placeRuns(rt!, from, home!, runs!);
    }
  };
}

/** Per row of a piece of `shape` placed at `before`: its offset in the piece, its offset in the output, its length. */
function rowsOf(shape: Shape, before: readonly number[], outStrides: readonly number[]): Int32Array {
  const rank = shape.length;
  const length = rank === 0 ? 1 : shape[rank - 1]!;
  const count = length === 0 ? 0 : sizeOf(shape) / length;
  const rows = new Int32Array(3 * count);
  const index = new Array<number>(Math.max(rank - 1, 0)).fill(0);
  for (let r = 0; r < count; r++) {
    let at = rank === 0 ? 0 : before[rank - 1]! * outStrides[rank - 1]!;
    for (let d = 0; d < rank - 1; d++) at += (before[d]! + index[d]!) * outStrides[d]!;
    rows.set([r * length, at, length], 3 * r);
    for (let d = rank - 2; d >= 0 && ++index[d]! === shape[d]!; d--) index[d] = 0; // the next row, like an odometer
  }
  return rows;
}

/**
 * The rows of `rowsOf` merged into runs of evenly spaced rows, in bytes, for `placeRows`: per run, its
 * first row's offset in the piece and in the output, the step between rows in each, the row count and
 * the row length in floats (a piece of a matrix's columns is one run).
 */
function runsOf(rows: Int32Array): Int32Array {
  const runs: number[] = [];
  for (let r = 0; r < rows.length; ) {
    const [from, to, length] = [rows[r]!, rows[r + 1]!, rows[r + 2]!];
    let count = 1;
    const [fromStep, toStep] = r + 3 < rows.length ? [rows[r + 3]! - from, rows[r + 4]! - to] : [0, 0];
    while (r + 3 * count < rows.length && rows[r + 3 * count]! === from + count * fromStep && rows[r + 3 * count + 1]! === to + count * toStep) count++;
    runs.push(4 * from, 4 * to, 4 * fromStep, 4 * toStep, count, length);
    r += 3 * count;
  }
  return Int32Array.from(runs);
}

/** Places a resident piece at byte address `from` into the resident output at `to`, run by run. */
function placeRuns(rt: WasmRuntime, from: number, to: number, runs: Int32Array): void {
  const place = rt.exports.placeRows;
  for (let k = 0; k < runs.length; k += 6) place(from + runs[k]!, runs[k + 2]!, to + runs[k + 1]!, runs[k + 3]!, runs[k + 4]!, runs[k + 5]!);
}

function copyRows(out: Storage, piece: Storage, rows: Int32Array): void {
  for (let r = 0; r < rows.length; r += 3) {
    const from = rows[r]!;
    const to = rows[r + 1]!;
    const length = rows[r + 2]!;
    for (let j = 0; j < length; j++) out[to + j] = piece[from + j]! + 0;
  }
}

import type { Storage } from "../dtype.js";
import { generatedFunction } from "../kernels/generatedCode.js";
import { collapse } from "../kernels/collapse.js";
import { broadcastStrides } from "../kernels/strided.js";
import { sizeOf } from "../shape.js";
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

/**
 * How a fused loop reads one of its inputs at output element `o`: its element o, its one element, element
 * o mod `row`, or, in a loop nested over the group's `axes` (outer, mid, inner), the element at
 * i·`strides` for the output's index i along those axes (any other broadcast: a value per channel, a
 * block repeated along a middle axis).
 */
export type Access = "full" | "scalar" | "row" | "strided";

/** A loop's three axes, outer to inner, or an input's strides along them. */
export type Axes = readonly [number, number, number];

/** How a fused loop reads one input: the pattern, for "row" the row's length (elements), for "strided" its element strides along the group's `axes`. */
export interface InputRead {
  readonly access: Access;
  readonly row: number;
  readonly strides?: Axes;
}

/** One fused run of nodes: node indices in order, the external inputs and the value written. */
export interface FusedGroup {
  readonly nodes: readonly number[];
  readonly inputs: readonly number[];
  readonly output: number;
  /** How the loop reads each of `inputs`, in order. */
  readonly reads: readonly InputRead[];
  /** The output's shape collapsed to [outer, mid, inner] where the loop is nested (some input "strided"), else null: one flat loop. */
  readonly axes: Axes | null;
  /** The generated loop: `(out, ...inputs)` with the row length bound in. */
  readonly run: (out: Storage, inputs: readonly Storage[]) => void;
}


/** How an input of `shape` is read for an output of `outShape` in a flat loop, or null when it is a broadcast that needs a nested loop. */
function flatAccessOf(shape: readonly number[], outShape: readonly number[]): InputRead | null {
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

/** How one loop over an output reads its inputs: flat (`axes` null), or nested over three axes. */
export interface Layout {
  readonly axes: Axes | null;
  readonly reads: readonly InputRead[];
}

/**
 * The layout of a loop over `outShape` reading inputs of `shapes` (each broadcast to it): flat where every
 * input is read whole, as a scalar or as one shared row length; else the output's shape and the inputs'
 * broadcast strides collapsed together (kernels/collapse.ts: size-1 axes dropped, axes merged where every
 * input steps through them as through one), nested over at most three axes, scalars still taken by value
 * and whole inputs read at the output's offset; null where more than three axes remain.
 */
function layoutOf(shapes: readonly (readonly number[])[], outShape: readonly number[]): Layout | null {
  const flat = shapes.map((s) => flatAccessOf(s, outShape));
  const rows = new Set(flat.flatMap((r) => (r?.access === "row" ? [r.row] : [])));
  if (flat.every((r) => r !== null) && rows.size <= 1) return { axes: null, reads: flat as InputRead[] };
  const { shape, strides } = collapse(outShape, shapes.map((s) => broadcastStrides(s, outShape)));
  if (shape.length > 3) return null;
  const pad = (xs: readonly number[], fill: number): Axes => [...new Array<number>(3 - xs.length).fill(fill), ...xs] as unknown as Axes;
  const reads = flat.map((r, k): InputRead => (r?.access === "scalar" || r?.access === "full" ? r : { access: "strided", row: 0, strides: pad(strides[k]!, 0) }));
  return { axes: pad(shape, 1), reads };
}

/** The values `nodes` read from outside the run, in order of first use. */
function externalInputs(graph: TraceGraph, nodes: readonly number[]): number[] {
  const inside = new Set(nodes.map((i) => graph.nodes[i]!.output));
  return [...new Set(nodes.flatMap((i) => graph.nodes[i]!.inputs.filter((id) => !inside.has(id))))];
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
  // The shapes of the current run's broadcast inputs (neither whole nor scalar), one entry per shape:
  // whole and scalar inputs never stop a layout, so these alone decide whether one loop reads the run.
  let broadcasts = new Map<string, readonly number[]>();
  const flush = (): void => {
    const group = current.length > 0 ? build(graph, current) : null;
    if (group !== null) groups.push(group); // null: no loop could be compiled; its nodes run their kernels
    current = [];
    broadcasts = new Map();
  };
  graph.nodes.forEach((node, i) => {
    const out = graph.values[node.output]!;
    const own = new Map<string, readonly number[]>();
    for (const id of node.inputs) {
      const shape = graph.values[id]!.shape;
      const read = flatAccessOf(shape, out.shape);
      if (read?.access !== "full" && read?.access !== "scalar") own.set(shape.join(","), shape);
    }
    const fusible =
      node.rule.scalar !== undefined &&
      (out.dtype === "float32" || out.dtype === "float64") &&
      node.inputs.every((id) => graph.values[id]!.dtype === out.dtype) &&
      layoutOf([...own.values()], out.shape) !== null;
    if (!fusible) return flush();
    const previous = current.length > 0 ? graph.nodes[current[current.length - 1]!]! : null;
    const joins =
      previous !== null &&
      !effectBefore[i] &&
      node.inputs.includes(previous.output) &&
      useCount[previous.output] === 1 &&
      !external.has(previous.output) &&
      sizeOf(graph.values[previous.output]!.shape) === sizeOf(out.shape) &&
      graph.values[previous.output]!.shape.length === out.shape.length &&
      layoutOf([...new Map([...broadcasts, ...own]).values()], out.shape) !== null;
    if (!joins) flush();
    current.push(i);
    for (const [key, shape] of own) broadcasts.set(key, shape);
  });
  flush();
  return groups;
}

/** The group of `nodes` and its generated loop, or null where the page refuses `new Function`. */
function build(graph: TraceGraph, nodes: readonly number[]): FusedGroup | null {
  const last = graph.nodes[nodes[nodes.length - 1]!]!;
  const outShape = graph.values[last.output]!.shape;
  const float32 = graph.values[last.output]!.dtype === "float32";
  const inputs = externalInputs(graph, nodes);
  const { axes, reads } = layoutOf(inputs.map((id) => graph.values[id]!.shape), outShape)!;
  // How the loop's body names input k's element: a flat loop indexes by o (and j, the offset into the row);
  // a nested one by p<k>, a pointer stepped along the inner axis, or v<k>, read once per inner run.
  const element = (k: number): string => {
    const r = reads[k]!;
    if (r.access === "scalar") return `a${k}[0]`;
    if (r.access === "full") return `a${k}[o]`;
    if (r.access === "row") return `a${k}[j]`;
    return r.strides![2] === 0 ? `v${k}` : `a${k}[p${k}]`;
  };
  const inside = new Map<number, string>(); // value id -> temporary holding it
  const operand = (id: number): string => inside.get(id) ?? `(${element(inputs.indexOf(id))})`;
  const lines: string[] = [];
  nodes.forEach((index, step) => {
    const node = graph.nodes[index]!;
    const call = `f${step}(${node.inputs.map(operand).join(", ")})`;
    lines.push(`const t${step} = ${float32 ? `fround(${call})` : call};`);
    inside.set(node.output, `t${step}`);
  });
  const store = `out[o] = t${nodes.length - 1};`;
  const row = reads.find((r) => r.access === "row")?.row ?? 0;
  const loop =
    axes === null
      ? [`const n = out.length;`, `for (let o = 0, j = 0; o < n; o++) {`, ...lines.map((l) => `  ${l}`), `  ${store}`, ...(row > 0 ? [`  if (++j === ${row}) j = 0;`] : []), `}`]
      : nestedLoop(axes, reads, lines, store);
  const body = [...inputs.map((_, k) => `const a${k} = inputs[${k}];`), ...loop].join("\n");
  // float32 loops use an op's float32 formula where it has one (exp, tanh), as its eager kernel does.
  const formulas = nodes.map((i) => {
    const rule = graph.nodes[i]!.rule;
    return (float32 ? rule.scalar32 : undefined) ?? rule.scalar!;
  });
  const factory = factoryFor(body, formulas.length, sizeOf(outShape));
  return factory === null ? null : { nodes, inputs, output: last.output, reads, axes, run: factory(Math.fround, ...formulas) };
}

/**
 * A loop nested over `axes` (outer, mid, inner), in the output's order: each strided input k has an
 * index b<k> of its current outer block, c<k> of its current inner run, and p<k> along the run; a run
 * it reads as one value (inner stride 0) is read once into v<k>. Only numbers (the axes and strides)
 * are written into the template.
 */
function nestedLoop(axes: Axes, reads: readonly InputRead[], lines: readonly string[], store: string): string[] {
  const strided = reads.flatMap((r, k) => (r.access === "strided" ? [{ k, s: r.strides! }] : []));
  const along = strided.filter(({ s }) => s[2] !== 0); // the inputs read with a pointer along the run
  // `, x` for each input of `which` (a loop header's extra initializers and steps)
  const each = (which: typeof strided, f: (k: number, s: Axes) => string): string => which.map(({ k, s }) => `, ${f(k, s)}`).join("");
  const [outer, mid, inner] = axes;
  return [
    `let o = 0;`,
    `for (let i0 = 0${each(strided, (k) => `b${k} = 0`)}; i0 < ${outer}; i0++${each(strided, (k, s) => `b${k} += ${s[0]}`)}) {`,
    `  for (let i1 = 0${each(strided, (k) => `c${k} = b${k}`)}; i1 < ${mid}; i1++${each(strided, (k, s) => `c${k} += ${s[1]}`)}) {`,
    ...strided.flatMap(({ k, s }) => (s[2] === 0 ? [`    const v${k} = a${k}[c${k}];`] : [])),
    `    for (let e = o + ${inner}${each(along, (k) => `p${k} = c${k}`)}; o < e; o++${each(along, (k, s) => `p${k} += ${s[2]}`)}) {`,
    ...lines.map((l) => `      ${l}`),
    `      ${store}`,
    `    }`,
    `  }`,
    `}`,
  ];
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

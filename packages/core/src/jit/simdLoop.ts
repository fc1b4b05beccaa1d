import { ValueError } from "../errors.js";
import { kernels } from "../kernels/active.js";
import { add32, brIf, const32, end, f32, f32x4Splat, get, i32, load128, loop, ltU32, module, ne32, select, set, store128, v128, type Code, type Func, type LaneLocals } from "../kernels/wasm/assembler.js";
import { residentAddress } from "../kernels/wasm/resident.js";
import { residentZeros } from "../kernels/wasm/residentArrays.js";
import { instantiateOver, memoryImport, wasmRuntime } from "../kernels/wasm/runtime.js";
import type { Tensor } from "../tensor.js";
import type { TraceGraph, TraceSource } from "../trace/graph.js";
import type { FusedGroup } from "./fuse.js";

/**
 * Fused float32 loops as WebAssembly SIMD, written from the op records: where every op of a fused group
 * (fuse.ts) states its formula on four float32 lanes (`rule.simd`: add, mul, relu, reluGrad, ...), the
 * group becomes one WebAssembly function that reads its inputs in place by their byte addresses in the
 * shared memory (a jit program's arena, its pinned outputs and its parameters are resident arrays),
 * applies each op's lane formula in turn, and stores four results at a time. Each formula's instructions
 * give exactly the float32 value of the op's scalar formula (its float32 one, `scalar32`, where it has
 * one: exp and tanh compute in float32 arithmetic for this, kernels/float32Math.ts), so the loop's
 * results are the JavaScript loop's (and eager's) bit for bit; and a ReLU or its mask is one
 * instruction, not a branch on the sign.
 *
 * Buffers are padded to 16 bytes (resident.ts), so the loop runs over whole vectors: the last one reads
 * and writes its array's own padding, and no scalar tail is needed. Inputs are read by the patterns
 * fuse.ts finds: element by element, one element splatted to every lane (passed as an f32 argument, so it
 * may live anywhere), or a row repeated (a bias). Vectors never straddle the end of a row: a row whose
 * length is not a multiple of 4 (a bias of 10 classes) is copied at each call into a tile of whole
 * vectors (lcm(row, 4) elements), which the loop reads instead; so is a row outside the memory (a
 * layer's constant made by `tensor`).
 *
 * A program's loops are one module, compiled once with the program; groups with the same code share a
 * function (a chain of thousands of scalar ops compiles a handful), the addresses being arguments.
 */

/**
 * Outputs of fewer elements stay JavaScript loops: calling into WebAssembly costs about as much as a
 * JavaScript loop over a dozen elements (a chain of scalar ops measured 2.5× slower per op in SIMD).
 */
export const SIMD_FROM = 16;

/** A step of a compiled program. */
export type Step = () => void;

/** How one input reaches the loop at each call. */
type Operand =
  | { readonly kind: "address"; readonly at: number; readonly array: Float32Array } // arena and pinned buffers: fixed
  | { readonly kind: "resident"; readonly tensor: Tensor } // arguments and state: whatever array they hold at the call
  | { readonly kind: "value"; readonly tensor: Tensor } // one element splatted: its value
  // a row whose length is not a multiple of 4, copied at each call into `tile` as many times as make whole vectors
  | { readonly kind: "tiled"; readonly tensor: Tensor; readonly tile: Float32Array; readonly at: number };

/** What a group's SIMD loop needs: its function's code and how its arguments are found. */
interface LoopPlan {
  readonly func: Omit<Func, "name">;
  readonly out: { readonly at: number; readonly array: Float32Array };
  readonly operands: readonly Operand[];
  readonly bytes: number;
}

/**
 * The SIMD step of each of `groups`, or null for a group that cannot have one (an op without a lane
 * formula, float64, an output or input outside the shared memory, an output under `SIMD_FROM` elements,
 * a row's tile more than a quarter of the output, or no WebAssembly SIMD here). `fallback(i)` is the step group i
 * runs instead at a call where an argument or a state tensor is not resident. Returns one entry per
 * group; throws a ValueError naming the op whose formula does not assemble.
 */
export function simdSteps(graph: TraceGraph, groups: readonly FusedGroup[], tensors: readonly Tensor[], traced: readonly Tensor[], fallback: (index: number) => Step): (Step | null)[] {
  const rt = kernels.name === "fast" ? wasmRuntime() : null;
  if (rt === null) return groups.map(() => null);
  const plans = groups.map((g) => planOf(graph, g, tensors, traced));
  // One function per distinct code, exported by its position.
  const codes = new Map<string, number>();
  const funcs: Func[] = [];
  const index = plans.map((plan) => {
    if (plan === null) return -1;
    const key = `${plan.func.params.join(",")}|${plan.func.body.join(",")}`;
    let k = codes.get(key);
    if (k === undefined) {
      k = funcs.push({ name: `loop${funcs.length}`, ...plan.func }) - 1;
      codes.set(key, k);
    }
    return k;
  });
  if (funcs.length === 0) return groups.map(() => null);
  const memory = memoryImport(rt.shared);
  let exports: Record<string, Loop>;
  try {
    exports = instantiateOver(rt, "jit's fused loops", module(funcs, memory)) as Record<string, Loop>;
  } catch {
    // Core's formulas are tested; a formula that does not assemble is an op of the user's: name it.
    const bad = funcs.findIndex((f) => !validates(() => instantiateOver(rt, f.name, module([f], memory))));
    const ops = bad < 0 ? [] : [...new Set(groups.flatMap((g, i) => (index[i] === bad ? g.nodes.map((n) => graph.nodes[n]!.op) : [])))];
    throw new ValueError("jit", `the SIMD formula (rule.simd) of ${ops.length > 0 ? ops.join(" or ") : "an op"} does not make valid WebAssembly: it must leave one v128 on the stack from its operands' code`);
  }
  return plans.map((plan, i) => (plan === null ? null : stepOf(plan, exports[`loop${index[i]!}`]!, fallback(i))));
}

/** Whether `instantiate` runs without throwing. */
function validates(instantiate: () => unknown): boolean {
  try {
    instantiate();
    return true;
  } catch {
    return false;
  }
}

/** The step calling a loop with its arguments: `(out, ...inputs, bytes)`, the inputs' found at each call where they may move. */
function stepOf(plan: LoopPlan, run: Loop, fallback: Step): Step {
  const { operands, bytes } = plan;
  if (bytes === 0) return () => undefined;
  const fixed = (o: Operand): o is Extract<Operand, { at: number }> => o.kind === "address" || o.kind === "tiled";
  const args = [plan.out.at, ...operands.map((o) => (fixed(o) ? o.at : 0)), bytes];
  // The arrays behind fixed addresses, held so that their bytes are not given to other arrays while the step lives.
  const held = [plan.out.array, ...operands.flatMap((o) => (o.kind === "address" ? [o.array] : o.kind === "tiled" ? [o.tile] : []))];
  const call = caller(run, held, args);
  const tiles = operands.flatMap((o) => (o.kind === "tiled" ? [o] : []));
  const slots = operands.flatMap((o, k) => (fixed(o) ? [] : [k + 1]));
  if (slots.length === 0 && tiles.length === 0) return call;
  const sources = slots.map((k) => (operands[k - 1] as Exclude<Operand, { kind: "address" }>).tensor);
  const byValue = slots.map((k) => operands[k - 1]!.kind === "value");
  return () => {
    for (let i = 0; i < tiles.length; i++) {
      const { tensor, tile } = tiles[i]!;
      const row = tensor.data;
      for (let at = 0; at < tile.length; at += row.length) tile.set(row, at);
    }
    for (let i = 0; i < slots.length; i++) {
      const data = sources[i]!.data;
      if (byValue[i]) args[slots[i]!] = data[0]!;
      else {
        const at = residentAddress(data);
        if (at === undefined) return fallback(); // an argument in ordinary memory this call: the JavaScript loop
        args[slots[i]!] = at;
      }
    }
    call();
  };
}

type Loop = (this: unknown, ...args: number[]) => void;

/**
 * A call of `run` on the current contents of `a`, spelled out for the usual arities: a call V8 sees
 * directly (not through `Reflect.apply`) costs a fraction as much, which matters for small loops.
 * `held` goes in as `this`, which the export ignores, only to keep it reachable from the step.
 */
function caller(run: Loop, held: unknown, a: number[]): Step {
  switch (a.length) {
    case 3:
      return () => run.call(held, a[0]!, a[1]!, a[2]!);
    case 4:
      return () => run.call(held, a[0]!, a[1]!, a[2]!, a[3]!);
    case 5:
      return () => run.call(held, a[0]!, a[1]!, a[2]!, a[3]!, a[4]!);
    case 6:
      return () => run.call(held, a[0]!, a[1]!, a[2]!, a[3]!, a[4]!, a[5]!);
    default:
      return () => void Reflect.apply(run, held, a);
  }
}

/** The loop of `group` and how to call it, or null where it cannot be one (see `simdSteps`). */
function planOf(graph: TraceGraph, group: FusedGroup, tensors: readonly Tensor[], traced: readonly Tensor[]): LoopPlan | null {
  const outValue = graph.values[group.output]!;
  if (outValue.dtype !== "float32") return null;
  if (group.nodes.some((i) => graph.nodes[i]!.rule.simd === undefined)) return null;
  const out = tensors[group.output]!.data as Float32Array;
  const outAt = residentAddress(out);
  if (outAt === undefined || out.length < SIMD_FROM) return null;
  // Rows are read a vector at a time, so a row whose length is not a multiple of 4 is read from a tile of
  // whole rows that is: lcm(row, 4) elements (20 for a bias of 10 classes), copied at each call. So is a
  // row held outside the memory (a layer's constant made by `tensor`: an LSTM's gate scales): a copy of a
  // row per call is cheap beside a loop over many rows. Worth it where the tile is small beside the output.
  const row = group.reads.find((r) => r.access === "row")?.row ?? 0;
  const period = row % 4 === 0 ? row : row % 2 === 0 ? 2 * row : 4 * row;
  const tiles = period * 4 <= out.length;
  if (period !== row && !tiles) return null;
  /**
   * Whether a value's array was in the memory when traced: an argument's array at the trace, else the
   * tensor's own. An argument or state tensor outside it then most likely stays outside (a batch made by
   * the caller).
   */
  const residentWhenTraced = (source: TraceSource, tensor: Tensor): boolean =>
    source.kind !== "input" && source.kind !== "state" ? residentAddress(tensor.data) !== undefined : residentAddress((source.kind === "input" ? traced[source.index] : tensor)?.data ?? []) !== undefined;
  const operands: Operand[] = [];
  for (const [k, id] of group.inputs.entries()) {
    const tensor = tensors[id]!;
    const source = graph.values[id]!.source;
    if (group.reads[k]!.access === "scalar") operands.push({ kind: "value", tensor });
    else if (group.reads[k]!.access === "row" && (period !== row || (tiles && !residentWhenTraced(source, tensor)))) {
      // Each row input gets its own tile (one row length per loop).
      const tile = residentZeros(period);
      if (tile === null) return null;
      operands.push({ kind: "tiled", tensor, tile, at: residentAddress(tile)! });
    } else if (source.kind === "input" || source.kind === "state") {
      // An argument or state tensor is looked up at each call. Where it was not in the memory when traced,
      // the JavaScript loop is the better plan.
      if (!residentWhenTraced(source, tensor)) return null;
      operands.push({ kind: "resident", tensor });
    } else {
      const at = residentAddress(tensor.data);
      if (at === undefined) return null;
      operands.push({ kind: "address", at, array: tensor.data as Float32Array });
    }
  }
  const bytes = Math.ceil((out.length * 4) / 16) * 16;
  return { func: loopFunc(graph, group, period), out: { at: outAt, array: out }, operands, bytes };
}

/**
 * The loop's function: parameters (out, one per input: an i32 address or, for a splatted input, its f32
 * value, bytes); locals o (the byte offset into the output and full inputs), j (the offset into a row
 * or its tile of `period` elements),
 * one v128 per input and one per op's result, then the temporaries the ops' formulas ask for.
 */
function loopFunc(graph: TraceGraph, group: FusedGroup, period: number): Omit<Func, "name"> {
  const m = group.inputs.length;
  const [outParam, bytesParam] = [0, m + 1];
  const inParam = (k: number): number => 1 + k;
  const [o, j] = [m + 2, m + 3];
  const inLane = (k: number): number => m + 4 + k;
  const result = (s: number): number => m + 4 + m + s;
  const rowBytes = 4 * period; // a row, or its tile
  const body: Code = [];
  group.reads.forEach((r, k) => {
    if (r.access === "scalar") body.push(...get(inParam(k)), ...f32x4Splat, ...set(inLane(k)));
  });
  body.push(...loop);
  group.reads.forEach((r, k) => {
    if (r.access !== "scalar") body.push(...get(inParam(k)), ...get(r.access === "row" ? j : o), ...add32, ...load128(), ...set(inLane(k)));
  });
  const produced = new Map<number, number>(); // value id -> the op whose result local holds it
  const last = group.nodes.length - 1;
  // Temporaries a formula asks for (exp's, tanh's) are v128 locals after the results, fresh for each op.
  let temporaries = 0;
  const locals: LaneLocals = { v128: () => result(group.nodes.length) + temporaries++ };
  group.nodes.forEach((index, s) => {
    const node = graph.nodes[index]!;
    const operands = node.inputs.map((id) => get(produced.has(id) ? result(produced.get(id)!) : inLane(group.inputs.indexOf(id))));
    const formula = node.rule.simd!.apply(locals, operands);
    if (s === last) body.push(...get(outParam), ...get(o), ...add32, ...formula, ...store128());
    else body.push(...formula, ...set(result(s)));
    produced.set(node.output, s);
  });
  body.push(...get(o), ...const32(16), ...add32, ...set(o));
  if (rowBytes > 0) {
    // j += 16, back to 0 at the end of the row
    body.push(...get(j), ...const32(16), ...add32, ...set(j));
    body.push(...get(j), ...const32(0), ...get(j), ...const32(rowBytes), ...ne32, ...select, ...set(j));
  }
  body.push(...get(o), ...get(bytesParam), ...ltU32, ...brIf(0), ...end);
  return {
    params: [i32, ...group.reads.map((r) => (r.access === "scalar" ? f32 : i32)), i32],
    results: [],
    locals: [i32, i32, ...new Array<number>(m + group.nodes.length + temporaries).fill(v128)],
    body,
  };
}

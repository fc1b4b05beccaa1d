import { ValueError } from "../errors.js";
import { kernels } from "../kernels/active.js";
import { add32, brIf, const32, end, f32, f32x4Splat, get, i32, load128, load32Lane, load32Zero, loadSplat32, loop, ltU32, module, ne32, select, set, store128, store32Lane, sub32, tee, v128, type Code, type Func, type LaneLocals } from "../kernels/wasm/assembler.js";
import { residentAddress } from "../kernels/wasm/resident.js";
import { residentZeros } from "../kernels/wasm/residentArrays.js";
import { instantiateOver, memoryImport, wasmRuntime } from "../kernels/wasm/runtime.js";
import type { Tensor } from "../tensor.js";
import type { TraceGraph, TraceSource } from "../trace/graph.js";
import type { Axes, FusedGroup } from "./fuse.js";

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
 * Buffers are padded to 16 bytes (resident.ts), so a flat loop runs over whole vectors: the last one reads
 * and writes its array's own padding, and no scalar tail is needed. Inputs are read by the patterns
 * fuse.ts finds: element by element, one element splatted to every lane (passed as an f32 argument, so it
 * may live anywhere), or a row repeated (a bias). Vectors never straddle the end of a row: a row whose
 * length is not a multiple of 4 (a bias of 10 classes) is copied at each call into a tile of whole
 * vectors (lcm(row, 4) elements), which the loop reads instead; so is a row outside the memory (a
 * layer's constant made by `tensor`).
 *
 * Any other broadcast is a nested loop over the output's shape collapsed to [outer, mid, inner] (fuse.ts's
 * "strided" reads): a value per channel ([C, 1, 1] over [N, C, H, W]: strides (0, 1, 0)) is splatted
 * from one load per inner run; a block repeated along a middle axis (max-pooling's mask, [.., 1, ..]
 * against [.., 4, ..]: strides (s, 0, 1)) is read a vector at a time along the run. Each run is written in
 * whole vectors and its last 1–3 elements as the first lanes of one more vector, loaded and stored lane by
 * lane, so a run of 49 (a 7×7 map) needs no tile and nothing past a buffer is touched.
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
 * a row's tile more than a quarter of the output, a nested loop's runs shorter than a vector, or no
 * WebAssembly SIMD here). `fallback(i)` is the step group i
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
  // A nested loop runs each inner run in whole vectors, then the run's last 1–3 elements lane by lane:
  // worth it where a run holds at least one whole vector, and possible where each run is contiguous or one value.
  if (group.axes !== null && (group.axes[2] < 4 || group.reads.some((r) => r.access === "strided" && r.strides![2] > 1))) return null;
  if (group.nodes.some((i) => graph.nodes[i]!.rule.simd === undefined)) return null;
  const out = tensors[group.output]!.data as Float32Array;
  const outAt = residentAddress(out);
  if (outAt === undefined || out.length < SIMD_FROM) return null;
  // Rows are read a vector at a time, so a row whose length is not a multiple of 4 is read from a tile of
  // whole rows that is: lcm(row, 4) elements (20 for a bias of 10 classes), copied at each call. So is a
  // row held outside the memory (a layer's constant made by `tensor`: an LSTM's gate scales): a copy of a
  // row per call is cheap beside a loop over many rows. Worth it where the tile is small beside the output.
  // A nested loop's strided input is read in place, its runs being whole; outside the memory it is copied
  // whole into a tile of its own length, where that is small beside the output.
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
    const { access } = group.reads[k]!;
    const length = tensor.data.length;
    // Each tiled input gets its own tile: of whole rows for a row, of its own length for a strided input.
    const tileLength =
      access === "row" && (period !== row || (tiles && !residentWhenTraced(source, tensor))) ? period : access === "strided" && length * 4 <= out.length && !residentWhenTraced(source, tensor) ? length : 0;
    if (access === "scalar") operands.push({ kind: "value", tensor });
    else if (tileLength > 0) {
      const tile = residentZeros(tileLength);
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
  return { func: group.axes === null ? loopFunc(graph, group, period) : nestedLoopFunc(graph, group, group.axes), out: { at: outAt, array: out }, operands, bytes };
}

/**
 * The group's ops' lane formulas in turn, on v128 locals numbered from `first`: one per input (input k's
 * four lanes in `inLane(k)`), one per op's result but the last, then the temporaries the formulas ask for
 * (exp's, tanh's). `early` computes every op but the last into its local; `last`, the last op's formula,
 * leaves its result on the stack (a store's address goes on the stack between the two). `count`: how many
 * v128 locals that is.
 */
function laneCode(graph: TraceGraph, group: FusedGroup, first: number): { inLane: (k: number) => number; early: Code; last: Code; count: number } {
  const m = group.inputs.length;
  const inLane = (k: number): number => first + k;
  const result = (s: number): number => first + m + s;
  const produced = new Map<number, number>(); // value id -> the op whose result local holds it
  const last = group.nodes.length - 1;
  let temporaries = 0;
  const locals: LaneLocals = { v128: () => result(group.nodes.length) + temporaries++ };
  const [early, final]: [Code, Code] = [[], []];
  group.nodes.forEach((index, s) => {
    const node = graph.nodes[index]!;
    const operands = node.inputs.map((id) => get(produced.has(id) ? result(produced.get(id)!) : inLane(group.inputs.indexOf(id))));
    const formula = node.rule.simd!.apply(locals, operands);
    if (s === last) final.push(...formula);
    else early.push(...formula, ...set(result(s)));
    produced.set(node.output, s);
  });
  return { inLane, early, last: final, count: m + group.nodes.length + temporaries };
}

/**
 * The flat loop's function: parameters (out, one per input: an i32 address or, for a splatted input, its
 * f32 value, bytes); locals o (the byte offset into the output and full inputs), j (the offset into a row
 * or its tile of `period` elements), then the lanes' v128 locals (`laneCode`).
 */
function loopFunc(graph: TraceGraph, group: FusedGroup, period: number): Omit<Func, "name"> {
  const m = group.inputs.length;
  const [outParam, bytesParam] = [0, m + 1];
  const inParam = (k: number): number => 1 + k;
  const [o, j] = [m + 2, m + 3];
  const { inLane, early, last, count } = laneCode(graph, group, m + 4);
  const rowBytes = 4 * period; // a row, or its tile
  const body: Code = [];
  group.reads.forEach((r, k) => {
    if (r.access === "scalar") body.push(...get(inParam(k)), ...f32x4Splat, ...set(inLane(k)));
  });
  body.push(...loop);
  group.reads.forEach((r, k) => {
    if (r.access !== "scalar") body.push(...get(inParam(k)), ...get(r.access === "row" ? j : o), ...add32, ...load128(), ...set(inLane(k)));
  });
  body.push(...early, ...get(outParam), ...get(o), ...add32, ...last, ...store128());
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
    locals: [i32, i32, ...new Array<number>(count).fill(v128)],
    body,
  };
}

/**
 * The nested loop's function, over `axes` [outer, mid, inner] (inner at least 4), with the flat loop's
 * parameters (bytes unused). Each inner run of the output is written in whole vectors, then its last
 * 1–3 elements as the lanes of one more vector, read and stored lane by lane (`v128.load32_lane`,
 * `v128.store32_lane`), so no vector straddles two runs and nothing outside a buffer is read or written;
 * the other lanes hold zeros, and lanes do not mix. A strided input k is read at c<k>, the address of
 * its current run (b<k>: of its current outer block), stepped by its strides: contiguously along the run
 * (inner stride 1), or splatted from one element per run (inner stride 0: a value per channel). Full
 * inputs and the output are read at o, the byte offset into the output. Locals: o, q (the byte offset
 * along the run), the two counters, b and c per input, then the lanes' v128 locals (`laneCode`).
 */
function nestedLoopFunc(graph: TraceGraph, group: FusedGroup, axes: Axes): Omit<Func, "name"> {
  const m = group.inputs.length;
  const outParam = 0;
  const inParam = (k: number): number => 1 + k;
  const [o, q, i0, i1] = [m + 2, m + 3, m + 4, m + 5];
  const [b, c] = [(k: number): number => m + 6 + k, (k: number): number => m + 6 + m + k];
  const { inLane, early, last, count } = laneCode(graph, group, m + 6 + 2 * m);
  const [outer, mid, inner] = axes;
  const vectorBytes = 16 * Math.floor(inner / 4);
  const tail = inner % 4;
  const strided = group.reads.flatMap((r, k) => (r.access === "strided" ? [{ k, s: r.strides! }] : []));
  // Where input k's elements of the current vector are: the run's start (c<k>) plus q, or the output's offset o into a full input.
  const address = (k: number): Code => (group.reads[k]!.access === "full" ? [...get(inParam(k)), ...get(o), ...add32] : [...get(c(k)), ...get(q), ...add32]);
  const contiguous = group.reads.flatMap((r, k) => (r.access === "full" || (r.access === "strided" && r.strides![2] === 1) ? [k] : []));
  const step = (local: number, bytes: number): Code => (bytes === 0 ? [] : [...get(local), ...const32(bytes), ...add32, ...set(local)]);
  const countDown = (counter: number, depth: number): Code => [...get(counter), ...const32(1), ...sub32, ...tee(counter), ...brIf(depth)];
  const body: Code = [];
  group.reads.forEach((r, k) => {
    if (r.access === "scalar") body.push(...get(inParam(k)), ...f32x4Splat, ...set(inLane(k)));
  });
  for (const { k } of strided) body.push(...get(inParam(k)), ...set(b(k)));
  body.push(...const32(0), ...set(o), ...const32(outer), ...set(i0), ...loop);
  for (const { k } of strided) body.push(...get(b(k)), ...set(c(k)));
  body.push(...const32(mid), ...set(i1), ...loop);
  // A run's one value per strided input read along it with stride 0, splatted.
  for (const { k, s } of strided) if (s[2] === 0) body.push(...get(c(k)), ...loadSplat32(), ...set(inLane(k)));
  body.push(...const32(0), ...set(q));
  if (vectorBytes > 0) {
    body.push(...loop);
    for (const k of contiguous) body.push(...address(k), ...load128(), ...set(inLane(k)));
    body.push(...early, ...get(outParam), ...get(o), ...add32, ...last, ...store128());
    body.push(...step(o, 16), ...step(q, 16), ...get(q), ...const32(vectorBytes), ...ltU32, ...brIf(0), ...end);
  }
  if (tail > 0) {
    for (const k of contiguous) {
      body.push(...address(k), ...load32Zero(), ...set(inLane(k)));
      for (let lane = 1; lane < tail; lane++) body.push(...address(k), ...get(inLane(k)), ...load32Lane(4 * lane, lane), ...set(inLane(k)));
    }
    // The result is held in a v128 local of its own (after the lanes') while its lanes are stored.
    const held = m + 6 + 2 * m + count;
    body.push(...early, ...last, ...set(held));
    for (let lane = 0; lane < tail; lane++) body.push(...get(outParam), ...get(o), ...add32, ...get(held), ...store32Lane(4 * lane, lane));
    body.push(...step(o, 4 * tail));
  }
  for (const { k, s } of strided) body.push(...step(c(k), 4 * s[1]));
  body.push(...countDown(i1, 0), ...end);
  for (const { k, s } of strided) body.push(...step(b(k), 4 * s[0]));
  body.push(...countDown(i0, 0), ...end);
  return {
    params: [i32, ...group.reads.map((r) => (r.access === "scalar" ? f32 : i32)), i32],
    results: [],
    locals: [...new Array<number>(4 + 2 * m).fill(i32), ...new Array<number>(count + 1).fill(v128)],
    body,
  };
}

import { allocate, planned, type DType, type Storage } from "../dtype.js";
import { residentAddress, residentView } from "../kernels/wasm/resident.js";
import { residentCopy, residentZeros } from "../kernels/wasm/residentArrays.js";
import { GradError } from "../errors.js";
import { sizeOf } from "../shape.js";
import { storageMoves, Tensor } from "../tensor.js";
import type { TraceGraph } from "../trace/graph.js";
import { fusionGroups, type FusedGroup } from "./fuse.js";
import { simdSteps, type Step } from "./simdLoop.js";
import { planBuffers, type BufferPlan } from "./plan.js";
import { prune } from "./prune.js";
import { pieceSums, piecesStep, withoutFusion, type PieceSum } from "./pieces.js";
import { accumulationStep, accumulations, type Accumulation } from "./accumulate.js";

/** What a compiled program is made of, for tests and the docs. */
export interface ProgramSummary {
  /** Primitive applications. */
  readonly nodes: number;
  /** Changes of state (`.grad` assignments and reads, in-place updates, random draws). */
  readonly effects: number;
  /** Tensors read by reference (parameters, optimizer state, constants). */
  readonly state: number;
  /** Bytes of the one arena holding every intermediate. */
  readonly arenaBytes: number;
  /** Whether the arena and the parameters live in WebAssembly memory, where kernels work on them in place. */
  readonly resident: boolean;
  /** Bytes the intermediates would take without sharing by liveness. */
  readonly unsharedBytes: number;
  /** Elementwise loops generated from the op records, and how many primitives they run in all. */
  readonly fusedLoops: number;
  readonly fusedNodes: number;
  /** Sums of zero-padded pieces (the gradient of a split tensor) written in one pass each (pieces.ts). */
  readonly pieceSums: number;
  /** Products added into a running sum by the matrix kernel, each with its add (accumulate.ts). */
  readonly accumulatedProducts: number;
  /** Steps a call runs (loops, kernels and effects), after dropping what cannot change the result (prune.ts). */
  readonly steps: number;
  /** How many of the fused loops run as WebAssembly SIMD (simdLoop.ts) rather than JavaScript. */
  readonly simdLoops: number;
}

/** A traced function compiled to a fixed sequence of steps over planned buffers. */
export interface Program {
  /** Runs the program on the call's tensor arguments; returns the output tensors. */
  run(args: readonly Tensor[]): Tensor[];
  readonly summary: ProgramSummary;
  /** The arena's own array, which the program holds so that its bytes stay its own. */
  readonly arena: Storage | null;
}

/**
 * Compiles a jit recording, less what cannot change its result (prune.ts): every value the program
 * computes gets a buffer in one arena, assigned by liveness (plan.ts), and a tensor over it made once;
 * every primitive becomes a step that calls the op's own forward kernel with a context object made once,
 * writing into its planned buffer; every effect becomes a step at its place in the order. A run then
 * rebinds the argument tensors, runs the steps and copies the outputs out: no shape rules, dtype
 * promotion, tape or hooks run again, and no buffer or tensor is allocated besides the outputs (and what
 * kernels allocate for their own scratch). `traced` are the arguments of the traced call, which tell
 * where later calls' arguments most likely live.
 */
export function compile(recorded: TraceGraph, traced: readonly Tensor[] = []): Program {
  const graph = prune(recorded);
  const effects = graph.effects ?? [];
  const groups = fuse(graph);
  const { writtenAt, lastUse, pinned, stepCount } = lifetimes(graph, groups);
  const aliases = new Map(groups.flatMap((g) => (!g.generated && g.accumulate ? [[g.output, g.accumulate.into] as const] : [])));
  const plan = planBuffers(graph, writtenAt, lastUse, pinned, aliases);
  const memory = arenaOf(plan);
  const homes = moveParameters(graph);
  const tensors: Tensor[] = graph.values.map((v) => {
    if (v.source.kind === "state") return v.source.tensor;
    const size = sizeOf(v.shape);
    // Values inside a fused loop live in its temporaries: their tensors are never read.
    const inLoop = v.source.kind === "node" && writtenAt[v.id]! < 0;
    return new Tensor(inLoop ? null : memory.storage(v.id, size, v.dtype), v.shape, v.dtype);
  });
  const generated = groups.filter((g): g is FusedUnit => g.generated);
  // A lone op whose own kernel beats a loop of its scalar formula (relu) runs by that kernel when not in SIMD.
  const plainStep = (group: FusedUnit): Step =>
    group.nodes.length === 1 && graph.nodes[group.nodes[0]!]!.rule.preferKernel ? kernelStep(graph, group.nodes[0]!, tensors) : fusedStep(graph, group, tensors);
  const simd = simdSteps(graph, generated, tensors, traced, (i) => plainStep(generated[i]!));
  const simdOf = new Map(generated.map((g, i) => [g, simd[i]!]));
  const steps: Step[] = [];
  let nextEffect = 0;
  const effectsUpTo = (n: number): void => {
    while (nextEffect < effects.length && effects[nextEffect]!.after <= n) steps.push(effectStep(graph, nextEffect++, tensors));
  };
  const stepOf = (unit: Unit): Step => {
    if (unit.generated) return simdOf.get(unit) ?? plainStep(unit);
    if (unit.pieces) return piecesStep(graph, unit.pieces, tensors);
    if (unit.accumulate) return accumulationStep(graph, unit.accumulate, tensors);
    return kernelStep(graph, unit.at, tensors);
  };
  for (const unit of groups) {
    effectsUpTo(unit.at);
    steps.push(stepOf(unit));
  }
  effectsUpTo(graph.nodes.length);
  if (steps.length !== stepCount) throw new Error(`jit: internal error, ${steps.length} steps planned as ${stepCount}`);
  const inputs = graph.inputs.map((id) => tensors[id]!);
  const outputs = graph.outputs.map((id) => ({ tensor: tensors[id]!, kind: graph.values[id]!.source.kind, index: graph.values[id]!.source.kind === "input" ? graph.inputs.indexOf(id) : -1 }));
  const summary: ProgramSummary = {
    nodes: recorded.nodes.length,
    effects: recorded.effects?.length ?? 0,
    state: graph.state?.length ?? 0,
    arenaBytes: plan.bytes,
    resident: memory.root !== null && residentAddress(memory.root) !== undefined,
    unsharedBytes: plan.unsharedBytes,
    fusedLoops: generated.length,
    fusedNodes: generated.reduce((n, g) => n + g.nodes.length, 0),
    simdLoops: simd.filter((s) => s !== null).length,
    pieceSums: groups.filter((g) => !g.generated && g.pieces !== undefined).length,
    accumulatedProducts: aliases.size,
    steps: steps.length,
  };
  return {
    summary,
    arena: memory.root,
    run(args) {
      homes.readopt();
      for (let i = 0; i < inputs.length; i++) inputs[i]!.rebind(args[i]!.data);
      for (let i = 0; i < steps.length; i++) steps[i]!();
      homes.settled();
      return outputs.map(({ tensor, kind, index }) => {
        if (kind === "input") return args[index]!;
        if (kind === "state") return tensor;
        // The buffer is the next call's; the caller keeps its own copy, as an eager call would give it.
        return new Tensor(tensor.data.slice(), tensor.shape, tensor.dtype);
      });
    },
  };
}

/**
 * A unit of the program: a fused elementwise loop, a sum of pieces, a product added into a running sum,
 * or one primitive run by its own kernel.
 */
type Unit = FusedUnit | (Pick<FusedGroup, "nodes" | "inputs" | "output"> & { readonly at: number; readonly generated: false; readonly pieces?: PieceSum; readonly accumulate?: Accumulation });
/** `at`: the node where the unit runs (its first; a sum of pieces and an added product run at their last, the add). */
type FusedUnit = FusedGroup & { readonly at: number; readonly generated: true };

/**
 * The program's nodes as units, in order: the fusible runs (fuse.ts), the sums of pieces (pieces.ts), the
 * products added into running sums (accumulate.ts) and every other node alone.
 */
function fuse(graph: TraceGraph): Unit[] {
  const effects = graph.effects ?? [];
  const useCount = graph.values.map(() => 0);
  for (const node of graph.nodes) for (const id of node.inputs) useCount[id]!++;
  const external = new Set<number>(graph.outputs);
  const effectBefore = graph.nodes.map(() => false);
  for (const e of effects) {
    if (e.kind === "setGrad" && e.value !== null) external.add(e.value);
    if (e.kind === "update") for (const id of e.reads) external.add(id);
    if (e.after < effectBefore.length) effectBefore[e.after] = true;
  }
  const sums = pieceSums(graph, external, useCount);
  const inSum = new Set(sums.flatMap((s) => s.nodes));
  const sumAt = new Map(sums.map((s) => [s.nodes[s.nodes.length - 1]!, s]));
  const added = accumulations(graph, external, useCount, effectBefore).filter((a) => !inSum.has(a.add));
  const addedAt = new Map(added.map((a) => [a.add, a]));
  const inAdded = new Set(added.flatMap((a) => [a.product, a.add]));
  const groups = fusionGroups(withoutFusion(graph, new Set([...inSum, ...inAdded])), external, useCount, effectBefore);
  const byFirst = new Map(groups.map((g) => [g.nodes[0]!, g]));
  const units: Unit[] = [];
  for (let i = 0; i < graph.nodes.length; ) {
    const group = byFirst.get(i);
    const sum = sumAt.get(i);
    const accumulate = addedAt.get(i);
    if (accumulate !== undefined) {
      const product = graph.nodes[accumulate.product]!;
      units.push({ nodes: [accumulate.product, i], at: i, inputs: [...product.inputs, accumulate.into], output: accumulate.output, generated: false, accumulate });
      i++;
    } else if (group !== undefined) {
      units.push({ ...group, at: i, generated: true });
      i += group.nodes.length;
    } else if (sum !== undefined) {
      units.push({ nodes: sum.nodes, at: i, inputs: sum.pieces.map((p) => p.value), output: sum.output, generated: false, pieces: sum });
      i++;
    } else if (inSum.has(i) || inAdded.has(i)) {
      i++; // a pad or an inner add of a sum of pieces, or a product added later: their unit's step does them
    } else {
      const node = graph.nodes[i]!;
      units.push({ nodes: [i], at: i, inputs: node.inputs, output: node.output, generated: false });
      i++;
    }
  }
  return units;
}

/** A generated loop writing its group's output buffer from its inputs' current arrays. */
function fusedStep(graph: TraceGraph, group: FusedUnit, tensors: readonly Tensor[]): Step {
  const out = tensors[group.output]!.data;
  const arrays: Storage[] = group.inputs.map((id) => tensors[id]!.data);
  const run = group.run;
  // Arena buffers and state keep their arrays; only the arguments' tensors are rebound at each call.
  const moving = group.inputs.flatMap((id, k) => (graph.values[id]!.source.kind === "input" ? [k] : []));
  if (moving.length === 0) return () => run(out, arrays);
  const sources = group.inputs.map((id) => tensors[id]!);
  return () => {
    for (const k of moving) arrays[k] = sources[k]!.data;
    run(out, arrays);
  };
}

/** A primitive run by its own forward kernel, on a context made once, into its planned buffer. */
function kernelStep(graph: TraceGraph, index: number, tensors: readonly Tensor[]): Step {
  const node = graph.nodes[index]!;
  const out = tensors[node.output]!;
  const buffer = out.data;
  const context = { inputs: node.inputs.map((id) => tensors[id]!), params: node.params, outShape: out.shape, dtype: out.dtype };
  const forward = node.rule.forward.bind(node.rule);
  return () => {
    planned.next = buffer;
    let result: Storage;
    try {
      result = forward(context);
    } finally {
      planned.next = null; // never left for an unrelated allocation to take, even if the kernel threw
    }
    if (result !== buffer) buffer.set(result);
  };
}

/** The step of effect `index`. */
function effectStep(graph: TraceGraph, index: number, tensors: readonly Tensor[]): Step {
  const effect = graph.effects![index]!;
  switch (effect.kind) {
    case "setGrad": {
      const { target, value } = effect;
      const grad = value === null ? null : tensors[value]!;
      return () => {
        target.grad = grad;
      };
    }
    case "readGrad": {
      const { target, value } = effect;
      const into = value === null ? null : tensors[value]!.data;
      return () => {
        const grad = target.grad;
        // jit keys programs by this state (record.ts's GradState), so a mismatch here is a bug, not a misuse.
        if ((grad === null) !== (into === null)) throw new GradError("jit", `internal error: a ${target} tensor's .grad was ${into === null ? "null" : "set"} when f was traced and is ${grad === null ? "null" : "set"} now`);
        if (grad !== null && into !== null) into.set(grad.data);
      };
    }
    case "update": {
      const run = effect.run;
      if (effect.reads.length === 0) return () => run();
      const reads = effect.reads.map((id) => tensors[id]!);
      const storages: Storage[] = reads.map((t) => t.data); // the same arrays every call (planned, or state)
      return () => {
        for (let i = 0; i < reads.length; i++) storages[i] = reads[i]!.data; // inputs and state may move
        run(...storages);
      };
    }
    case "draw": {
      const into = tensors[effect.value]!.data;
      const fill = effect.fill;
      return () => fill(into);
    }
  }
}

/**
 * Numbers the steps (each effect and each unit, in program order) and finds, for each value the program
 * writes, the step that writes it (-1 for inputs, state and values inside a fused loop) and the last step
 * that reads it; values that outlive the call (outputs, gradients left in `.grad`) are pinned.
 */
function lifetimes(graph: TraceGraph, units: readonly Unit[]): { writtenAt: number[]; lastUse: number[]; pinned: Set<number>; stepCount: number } {
  const effects = graph.effects ?? [];
  const writtenAt = graph.values.map(() => -1);
  const lastUse = graph.values.map(() => -1);
  const pinned = new Set<number>(graph.outputs);
  let step = 0;
  let nextEffect = 0;
  const use = (id: number): void => {
    lastUse[id] = Math.max(lastUse[id]!, step);
  };
  const effectsUpTo = (n: number): void => {
    while (nextEffect < effects.length && effects[nextEffect]!.after <= n) {
      const e = effects[nextEffect++]!;
      if (e.kind === "setGrad" && e.value !== null) pinned.add(e.value);
      if (e.kind === "update") for (const id of e.reads) use(id);
      if ((e.kind === "readGrad" && e.value !== null) || e.kind === "draw") writtenAt[e.value!] = step;
      step++;
    }
  };
  for (const unit of units) {
    effectsUpTo(unit.at);
    for (const id of unit.inputs) use(id);
    writtenAt[unit.output] = step;
    step++;
  }
  effectsUpTo(graph.nodes.length);
  // An in-place update may read any gradient (through .grad): gradients stay pinned, so that is safe.
  return { writtenAt, lastUse, pinned, stepCount: step };
}

/** Where a program's values get their arrays: the arena, or arrays of their own for pinned values. */
interface ProgramMemory {
  /** The arena's root array (kept by the program: its views' bytes are reused once it is collected). */
  readonly root: Float32Array | null;
  /** The array of value `id` (`size` elements of `dtype`). */
  storage(id: number, size: number, dtype: DType): Storage;
}

/**
 * The program's memory. The arena is one resident array in the WebAssembly memory where that memory is
 * shared (kernels then read and write the intermediates in place; resident.ts), else an ArrayBuffer;
 * every planned value is a view of it. Pinned values (outputs, gradients left in `.grad`) outlive the
 * program, so each gets an array of its own, resident where it can be.
 */
function arenaOf(plan: BufferPlan): ProgramMemory {
  const root = residentZeros(Math.max(plan.bytes, 16) / 4);
  const bytes = root?.buffer ?? new ArrayBuffer(Math.max(plan.bytes, 16));
  const base = root?.byteOffset ?? 0;
  const pinned = new Set(plan.pinned);
  return {
    root,
    storage(id, size, dtype) {
      if (pinned.has(id)) return (dtype === "float32" ? residentZeros(size) : null) ?? allocate(dtype, size);
      const offset = plan.offsets[id]!;
      if (offset < 0) return allocate(dtype, size); // an argument's tensor: rebound to the argument at each call
      if (dtype === "float32") return root !== null ? residentView(root, offset, size) : new Float32Array(bytes, base + offset, size);
      return dtype === "int32" ? new Int32Array(bytes, base + offset, size) : new Float64Array(bytes, base + offset, size);
    },
  };
}

/** The parameters a program moved into WebAssembly memory, and how to keep them there. */
interface Homes {
  /** Takes back into its resident array any moved parameter whose storage eager code replaced since. */
  readopt(): void;
  /** Notes that a call ended: until a tensor's storage is replaced again, `readopt` has nothing to do. */
  settled(): void;
}

/**
 * Moves the float32 tensors that require grad among the program's state (the parameters an optimizer
 * updates) into resident arrays, so that products, fused loops and the optimizer's kernel read and
 * write them in place; their values are unchanged and eager code sees them as before. Other state
 * (inputs' neighbours, constants a caller may refill) stays where it is. A parameter whose storage is
 * replaced between calls (`loadStateDict` into a fresh array) has its new values copied back home
 * before the next run, as the program's steps hold the resident arrays.
 */
function moveParameters(graph: TraceGraph): Homes {
  const moved: { tensor: Tensor; home: Float32Array }[] = [];
  for (const id of graph.state ?? []) {
    const source = graph.values[id]!.source;
    if (source.kind !== "state") continue;
    const t = source.tensor;
    if (!t.requiresGrad || !(t.data instanceof Float32Array)) continue;
    const home = residentAddress(t.data) !== undefined ? t.data : residentCopy(t.data);
    if (home === null) return { readopt: () => undefined, settled: () => undefined };
    t.rebind(home);
    moved.push({ tensor: t, home });
  }
  let seen = -1; // storageMoves.count when the last call ended
  return {
    readopt() {
      if (storageMoves.count === seen) return;
      for (const { tensor, home } of moved) {
        if (tensor.data === home) continue;
        home.set(tensor.data);
        tensor.rebind(home);
      }
    },
    settled() {
      seen = storageMoves.count;
    },
  };
}

export type { BufferPlan };

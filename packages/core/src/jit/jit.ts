import { isGradEnabled } from "../autodiff/mode.js";
import { treeFlatten, treeUnflatten, type Tree, type TreeDef } from "../autodiff/tree.js";
import { describeValue, GradError, ValueError } from "../errors.js";
import { Tensor } from "../tensor.js";
import { compile, type Program, type ProgramSummary } from "./program.js";
import { record } from "./record.js";

/** Options of `jit`. */
export interface JitOptions {
  /** How many signatures keep a compiled program; the least recently used is dropped beyond. Default 8. */
  readonly maxPrograms?: number;
  /** Called after each trace, with the signature traced and the number of traces so far. */
  readonly onTrace?: (info: TraceInfo) => void;
}

/** What `onTrace` learns about a trace. */
export interface TraceInfo {
  readonly signature: string;
  /** Traces so far, this one included. */
  readonly traces: number;
  readonly program: ProgramSummary;
  /** Milliseconds running f eagerly while recording it (the first call's own work included). */
  readonly traceMs: number;
  /** Milliseconds compiling the recording (planning buffers, building the steps). */
  readonly compileMs: number;
}

/** A jitted function: `f` itself, plus what its cache holds. */
export interface Jitted<A extends unknown[], R> {
  (...args: A): R;
  /** How many times `f` has been traced (one per new signature, plus retraces after eviction). */
  readonly traces: number;
  /** The signatures with a compiled program, least recently used first. */
  readonly signatures: readonly string[];
  /** The compiled program of a signature, for inspection. */
  program(signature: string): ProgramSummary | undefined;
  /** Drops every compiled program: the next call traces again (after the model's structure changed, say). */
  clear(): void;
}

interface Compiled {
  /** The arguments' signature the program was traced for (its key adds the `.grad` state). */
  readonly signature: string;
  readonly program: Program;
  /** The result's structure, and its number leaves as traced (they are static). */
  readonly def: ReturnType<typeof treeFlatten>[1];
  readonly leaves: readonly unknown[];
}

let tracing = 0;

/**
 * Compiles `f` per signature (the pytree structure of the arguments, the shape and dtype of each tensor
 * leaf, the value of each number leaf, and whether grad mode is on): the first call with a signature runs `f` eagerly while
 * recording every primitive it applies, including what it does through the tape (a module's forward,
 * `backward()`, an optimizer's `step()`), into a program; later calls with that signature run the
 * program without calling `f`. Tensors `f` reads but is not given (parameters, optimizer moments) are the
 * program's state, read by reference at each call, so updates between calls (a state dict loaded, a
 * learning rate changed) are seen. Gradients the program leaves in `.grad` are overwritten by the next
 * call, as a training step would. A step that reads a tensor's `.grad` before assigning it (accumulating
 * over calls without `zeroGrad()`) depends on whether that `.grad` is set: that is part of the signature,
 * so a call finding it the other way traces again. See docs/jit.md for what can be traced.
 *
 * Under an outer transform (`grad`, `jvp`, `vmap` of the jitted function) or an outer `jit`'s trace,
 * `f` runs inline, so transforms compose with it.
 * @example
 * ```ts
 * const w = tensor([[1, 2], [3, 4]]);
 * const f = jit((x: Tensor) => x.matmul(w).relu().sum());
 * f(ones([2, 2])).item(); // 20 (traced)
 * f(ones([2, 2])).item(); // 20 (the compiled program)
 * f.traces;               // 1
 * ```
 */
export function jit<A extends unknown[], R>(f: (...args: A) => R, options: JitOptions = {}): Jitted<A, R> {
  if (typeof f !== "function") throw new ValueError("jit", `f must be a function, got ${describeValue(f)}`);
  const maxPrograms = options.maxPrograms ?? 8;
  if (!Number.isInteger(maxPrograms) || maxPrograms < 1) throw new ValueError("jit", `option maxPrograms must be an integer >= 1, got ${describeValue(maxPrograms)}`);
  const cache = new Map<string, Compiled>();
  /** Per signature, the tensors whose `.grad` its programs read before assigning it (record.ts's GradState). */
  const gradReads = new Map<string, readonly Tensor[]>();
  let traces = 0;
  /** Drops the programs `drop` picks (in recency order), and the `.grad` lists of signatures left without one. */
  const evict = (drop: (c: Compiled) => boolean): void => {
    for (const [key, c] of [...cache]) if (drop(c)) cache.delete(key);
    const kept = new Set([...cache.values()].map((c) => c.signature));
    for (const signature of [...gradReads.keys()]) if (!kept.has(signature)) gradReads.delete(signature);
  };

  const call = (...args: A): R => {
    const [leaves, def] = treeFlatten(args as unknown as Tree, "jit", "args");
    const tensors = leaves.filter((l): l is Tensor => l instanceof Tensor);
    if (tracing > 0 || tensors.some((t) => t.dual !== null || t.batch !== null || (t.requiresGrad && isGradEnabled()))) return f(...args);
    // Grad mode decides what f's ops record (a tape, then backward's kernels), so it is part of the signature.
    const signature = signatureOf(def, leaves) + (isGradEnabled() ? "" : " under noGrad");
    const key = signature + gradStateText(gradReads.get(signature)?.map((t) => t.grad !== null) ?? []);
    const hit = cache.get(key);
    if (hit !== undefined) {
      cache.delete(key); // re-inserted last: the map's order is the recency order
      cache.set(key, hit);
      const outs = hit.program.run(tensors);
      let next = 0;
      return treeUnflatten(hit.def, hit.leaves.map((l) => (l instanceof Tensor ? outs[next++]! : l))) as R;
    }
    const started = performance.now();
    tracing++;
    let recording: ReturnType<typeof record>;
    try {
      recording = record(f as (...a: never[]) => unknown, args, tensors);
    } finally {
      tracing--;
    }
    const [outLeaves, outDef] = treeFlatten(recording.result as Tree, "jit", "f's result");
    outLeaves.forEach((leaf, i) => {
      if (leaf instanceof Tensor && leaf.node !== null && !leaf.node.released) {
        throw new GradError(
          "jit",
          `f's result ${i} (${leaf}) is on the tape, but a compiled program keeps no tape to differentiate later: ` +
            `call backward() inside f (a whole training step), compute it under noGrad() for inference, or differentiate outside with grad(jit(f)) over arguments that require grad.`,
        );
      }
    });
    const recorded = performance.now();
    const program = compile(recording.graph, tensors);
    const compileMs = performance.now() - recorded;
    traces++;
    const { targets, present } = recording.gradState;
    const previous = gradReads.get(signature);
    // Every program of a signature is keyed by the .grad state of the same tensors (in practice f reads
    // the same ones whatever their state); should this trace have read others, the older keys are dropped.
    if (previous !== undefined && (previous.length !== targets.length || previous.some((t, i) => t !== targets[i]))) evict((c) => c.signature === signature);
    gradReads.set(signature, targets);
    const traced = signature + gradStateText(present);
    cache.set(traced, { signature, program, def: outDef, leaves: outLeaves });
    evict(() => cache.size > maxPrograms); // the least recently used, first in the map's order
    options.onTrace?.({ signature: traced, traces, program: program.summary, traceMs: recorded - started, compileMs });
    return recording.result as R;
  };
  return Object.defineProperties(call, {
    traces: { get: () => traces },
    signatures: { get: () => [...cache.keys()] },
    program: { value: (signature: string) => cache.get(signature)?.program.summary },
    clear: { value: () => evict(() => true) },
  }) as Jitted<A, R>;
}

/**
 * The part of a program's key that its `.grad` state adds, as text (empty when f read no `.grad` before
 * assigning it): ` with .grad set`, ` with .grad null (3 tensors)`, or per tensor ` with .grad set/null 101`.
 */
function gradStateText(present: readonly boolean[]): string {
  if (present.length === 0) return "";
  const word = (p: boolean): string => (p ? "set" : "null");
  if (present.every((p) => p === present[0])) return ` with .grad ${word(present[0]!)}${present.length > 1 ? ` (${present.length} tensors)` : ""}`;
  return ` with .grad set/null ${present.map((p) => (p ? "1" : "0")).join("")}`;
}

/**
 * The signature of a call, as text: the arguments' structure with each tensor's dtype and shape and each
 * number's value, `(float32[128,784], {lr: 0.1, w: [float32[3]]})`.
 */
function signatureOf(def: TreeDef, leaves: readonly unknown[]): string {
  let next = 0;
  const show = (d: TreeDef): string => {
    switch (d.kind) {
      case "leaf": {
        const l = leaves[next++];
        return l instanceof Tensor ? `${l.dtype}[${l.shape.join(",")}]` : String(l);
      }
      case "empty":
        return String(d.value);
      case "array":
        return `[${d.children.map(show).join(", ")}]`;
      case "object":
        return `{${d.keys.map((k, i) => `${k}: ${show(d.children[i]!)}`).join(", ")}}`;
    }
  };
  const text = show(def);
  return `(${text.slice(1, -1)})`; // the arguments array, written as a call's parentheses
}

import { ValueError } from "../errors.js";
import type { WasmRuntime } from "./wasm/runtime.js";

/**
 * Worker threads for large matrix products. Each helper instantiates the same WebAssembly module over
 * the same shared memory and waits on a slot of a shared control array; the calling thread writes a
 * panel range into each slot, wakes the helpers with `Atomics.notify`, computes the first range itself
 * and waits for the others. A product's panel ranges touch disjoint memory, so that is all the
 * synchronisation there is.
 *
 * Threads are Node-only for now: workers come from `worker_threads`, reached through
 * `process.getBuiltinModule` so that nothing on the browser path imports a `node:` module. In a browser
 * (and wherever shared memory or that API is missing) every product runs on the calling thread. The pool
 * starts on the first product large enough to split, in the background; products run single-threaded
 * until the helpers are ready. Idle helpers sleep in `Atomics.wait` and do not keep Node alive.
 */

/** Ints per helper in the control array: sequence, done, ready, then the 11 arguments of matmulRange. */
const SLOT = 16;
const [SEQ, DONE, READY, ARGS] = [0, 1, 2, 3];
/** Polls of a shared counter before sleeping on it (a few tens of microseconds). */
const SPIN = 20000;

/** The minimal part of Node's `worker_threads.Worker` used here. */
interface NodeWorker {
  postMessage(value: unknown): void;
  unref(): void;
  terminate(): Promise<number>;
}
type WorkerConstructor = new (code: string, options: { eval: true }) => NodeWorker;

interface NodeProcess {
  getBuiltinModule?(id: string): unknown;
}

/** The helper's whole program (a CommonJS script, evaluated in the worker). */
const HELPER = `
const { parentPort } = require("node:worker_threads");
parentPort.once("message", ({ module, memory, control, index }) => {
  const run = new WebAssembly.Instance(module, { env: { memory } }).exports.matmulRange;
  const ctl = new Int32Array(control);
  const base = index * ${SLOT};
  let seen = Atomics.load(ctl, base + ${SEQ});
  Atomics.store(ctl, base + ${READY}, 1);
  for (;;) {
    // Products come in bursts (a backward pass makes several): poll briefly before sleeping, since waking
    // from Atomics.wait costs tens of microseconds.
    for (let spin = 0; spin < ${SPIN} && Atomics.load(ctl, base + ${SEQ}) === seen; spin++);
    Atomics.wait(ctl, base + ${SEQ}, seen);
    seen = Atomics.load(ctl, base + ${SEQ});
    const a = base + ${ARGS};
    run(ctl[a], ctl[a + 1], ctl[a + 2], ctl[a + 3], ctl[a + 4], ctl[a + 5], ctl[a + 6], ctl[a + 7], ctl[a + 8], ctl[a + 9], ctl[a + 10]);
    Atomics.store(ctl, base + ${DONE}, seen);
    Atomics.notify(ctl, base + ${DONE});
  }
});`;

interface Pool {
  readonly workers: NodeWorker[];
  readonly ctl: Int32Array;
}

function nodeModule<T>(id: string): T | undefined {
  const proc = (globalThis as { process?: NodeProcess }).process;
  return proc?.getBuiltinModule?.(id) as T | undefined;
}

/** Cores available to this process (1 where unknown). */
function cores(): number {
  const nav = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator;
  const os = nodeModule<{ availableParallelism?(): number; cpus(): unknown[] }>("node:os");
  return nav?.hardwareConcurrency ?? os?.availableParallelism?.() ?? os?.cpus().length ?? 1;
}

/**
 * Threads used by default: one. Splitting products across worker threads is faster (1.4–1.9× on large
 * products) but a run-to-run test of 1,000 two-thread training steps has, rarely, ended with different
 * weights, so a race is not ruled out; until it is found, threads are an opt-in (`setThreads`).
 * `maxThreads()` is the most that pays here: one per core, at most 8.
 */
const defaultThreads = (): number => 1;

/** One per core, at most 8 (more rarely pays for a 128-bit SIMD kernel): what `setThreads` is worth raising to. */
export const maxThreads = (): number => Math.max(1, Math.min(8, cores()));

let wanted: number | null = null;
let pool: Pool | null = null;

/**
 * Sets how many threads large matrix products may use (the calling thread included); 1 turns the worker
 * pool off. The default is 1 (see `defaultThreads` for why). Returns the previous setting.
 * @example
 * ```ts
 * setThreads(1); // everything on the calling thread
 * setThreads(2); // split large matmuls across two cores
 * ```
 */
export function setThreads(n: number): number {
  if (!Number.isInteger(n) || n < 1) throw new ValueError("setThreads", `expected a positive integer, got ${String(n)}`);
  const previous = threads();
  wanted = n;
  // A larger pool serves a smaller setting (its extra helpers sleep); only growing needs a new one.
  if (pool !== null && pool.workers.length < n - 1) {
    for (const w of pool.workers) void w.terminate();
    pool = null;
  }
  return previous;
}

/**
 * The current thread setting (see `setThreads`).
 * @example
 * ```ts
 * threads(); // 2 on a two-core machine
 * ```
 */
export function threads(): number {
  return (wanted ??= defaultThreads());
}

/** Starts the helpers in the background; null where threads are unavailable. */
function startPool(rt: WasmRuntime, helpers: number): Pool | null {
  const Worker = nodeModule<{ Worker: WorkerConstructor }>("node:worker_threads")?.Worker;
  if (Worker === undefined || !rt.shared) return null;
  const ctl = new Int32Array(new SharedArrayBuffer(helpers * SLOT * 4));
  const workers = Array.from({ length: helpers }, (_, index) => {
    const w = new Worker(HELPER, { eval: true });
    w.unref();
    w.postMessage({ module: rt.module, memory: rt.memory, control: ctl.buffer, index });
    return w;
  });
  return { workers, ctl };
}

/**
 * How many threads a large product would use right now: 1 plus the helpers that have finished starting
 * (the pool starts on the first large product, so this is 1 before that).
 * @example
 * ```ts
 * readyThreads(); // 1 at first, then threads() once the helpers are up
 * ```
 */
export function readyThreads(): number {
  if (pool === null) return 1;
  const ready = pool.workers.filter((_, i) => Atomics.load(pool!.ctl, i * SLOT + READY) === 1).length;
  return 1 + Math.min(ready, threads() - 1);
}

/** The pool, started on first use (null when threads are off or unavailable). */
function readyHelpers(rt: WasmRuntime): Pool | null {
  if (threads() === 1) return null;
  pool ??= startPool(rt, threads() - 1);
  return pool;
}

/**
 * Runs `matmulRange(...args, j0, j1)` over panels [0, panels), split across the ready helpers and the
 * calling thread; returns when every range is done.
 * @example
 * ```ts
 * runPanels(rt, [a, lda, b, ldb, bPack, c, ldc, mPad, k], 128);
 * ```
 */
export function runPanels(rt: WasmRuntime, args: readonly number[], panels: number): void {
  const p = panels >= 2 ? readyHelpers(rt) : null;
  const ready = p === null ? [] : p.workers.map((_, i) => i).filter((i) => Atomics.load(p.ctl, i * SLOT + READY) === 1).slice(0, threads() - 1);
  const parts = Math.min(ready.length + 1, panels);
  const run = rt.exports.matmulRange;
  if (p === null || parts === 1) {
    run(args[0]!, args[1]!, args[2]!, args[3]!, args[4]!, args[5]!, args[6]!, args[7]!, args[8]!, 0, panels);
    return;
  }
  const per = Math.ceil(panels / parts);
  const sent: number[] = [];
  for (let w = 1; w < parts; w++) {
    const [j0, j1] = [w * per, Math.min(panels, (w + 1) * per)];
    if (j0 >= j1) break;
    const base = ready[w - 1]! * SLOT;
    p.ctl.set(args, base + ARGS);
    p.ctl[base + ARGS + 9] = j0;
    p.ctl[base + ARGS + 10] = j1;
    Atomics.add(p.ctl, base + SEQ, 1);
    Atomics.notify(p.ctl, base + SEQ);
    sent.push(base);
  }
  run(args[0]!, args[1]!, args[2]!, args[3]!, args[4]!, args[5]!, args[6]!, args[7]!, args[8]!, 0, per);
  for (const base of sent) {
    const seq = Atomics.load(p.ctl, base + SEQ);
    for (let spin = 0; spin < SPIN && Atomics.load(p.ctl, base + DONE) !== seq; spin++);
    for (let done = Atomics.load(p.ctl, base + DONE); done !== seq; done = Atomics.load(p.ctl, base + DONE)) {
      Atomics.wait(p.ctl, base + DONE, done);
    }
  }
}

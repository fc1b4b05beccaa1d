import { ValueError } from "../errors.js";
import type { WasmRuntime } from "./wasm/runtime.js";

/**
 * Worker threads for large matrix products. Each helper instantiates the same WebAssembly module over
 * the same shared memory. A product is cut into chunks of B's panels, and every thread, the calling one
 * included, claims chunks one at a time from a shared counter until none are left:
 *
 * - The calling thread never waits for a helper to wake up. A sleeping helper costs nothing: the caller
 *   does its chunks. At most it waits for the chunks that helpers have already claimed, which they are
 *   running.
 * - The counter word holds the product's sequence number (high 16 bits) next to the next chunk (low 16
 *   bits), and a chunk is claimed by compare-and-swap on that word. The product's fields (arguments,
 *   chunk count) carry the same sequence number, cleared while the caller rewrites them, as in a
 *   seqlock: a helper uses fields only when their number matches the word's, before and after reading
 *   them. So a helper that wakes late, or reads a product's fields just as the next product rewrites
 *   them, retries or fails the swap, and touches nothing.
 * - Which thread runs a chunk does not change its result: each chunk writes its own columns of C in the
 *   same order of operations. So threaded products are bit-identical to one-thread ones, whatever the
 *   timing.
 *
 * Threads are Node-only for now: workers come from `worker_threads`, reached through
 * `process.getBuiltinModule` so that nothing on the browser path imports a `node:` module. In a browser
 * (and wherever shared memory or that API is missing) every product runs on the calling thread. The pool
 * starts on the first product large enough to split, in the background; helpers join products once they
 * are up. Idle helpers sleep in `Atomics.wait` and do not keep Node alive.
 */

/**
 * Where things are in the control array (an Int32Array over a SharedArrayBuffer): the product sequence
 * number that helpers sleep on, the claim word, the count of finished chunks, how many helpers are up,
 * the sequence number of the product the fields below belong to (−1 while they are being rewritten),
 * the product's chunking, then the `argCount` arguments of matmulRange before its panel range.
 */
const SLOTS = { seq: 0, claim: 1, finished: 2, up: 3, fieldsOf: 4, chunks: 5, chunkPanels: 6, panels: 7, args: 8, argCount: 14 } as const;
type Slots = typeof SLOTS;
const CONTROL_INTS = SLOTS.args + SLOTS.argCount;
/** Polls of a shared counter before the caller sleeps on it (about 0.3 ms here). */
const SPIN = 20000;
/**
 * How long an idle helper polls for the next product before it sleeps, in milliseconds. A training step
 * makes its products a few milliseconds apart, and a helper woken from `Atomics.wait` arrives late (a
 * helper that polled 0.3 ms ran 34% of the training step's chunks; polling 3 ms, 44%, and the step took
 * about 6% less). After that long with no product it sleeps, so an idle process does not keep a core busy.
 */
const HELPER_POLL_MS = 3;
/**
 * Chunks per thread: enough that a helper waking late still takes a share and that the caller, at the
 * end, waits for at most a small one (4, 8 and 16 measured alike within noise on the training step; 8
 * had the lowest minima).
 */
const CHUNKS_PER_THREAD = 8;
/** The claim word keeps a chunk index in its low 16 bits. */
const MAX_CHUNKS = 0xffff;

/**
 * Claims and runs chunks of the current product until none are left; returns how many it ran. The
 * helpers run this same function (its source text is part of HELPER), so it uses nothing from the
 * module's scope: the slots come in as an argument.
 */
function claimChunks(ctl: Int32Array, run: (...args: number[]) => void, at: Slots): number {
  let ran = 0;
  for (;;) {
    const word = Atomics.load(ctl, at.claim);
    const [product, chunk] = [word >>> 16, word & 0xffff];
    // Fields of another product, or being rewritten: the caller is between products; look again.
    if (Atomics.load(ctl, at.fieldsOf) !== product) continue;
    const [chunks, per, panels] = [ctl[at.chunks]!, ctl[at.chunkPanels]!, ctl[at.panels]!];
    const args = Array.from(ctl.subarray(at.args, at.args + at.argCount));
    if (Atomics.load(ctl, at.fieldsOf) !== product) continue; // rewritten while being read
    if (chunk >= chunks) return ran;
    // The swap succeeds only if the word is unchanged, so the product is still open (chunk `chunk` is
    // unclaimed) and its fields, just read, are still in place.
    if (Atomics.compareExchange(ctl, at.claim, word, word + 1) !== word) continue;
    run(...args, chunk * per, Math.min(panels, (chunk + 1) * per));
    ran += 1;
    if (Atomics.add(ctl, at.finished, 1) + 1 === chunks) Atomics.notify(ctl, at.finished);
  }
}

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
const claimChunks = ${claimChunks.toString()};
const at = ${JSON.stringify(SLOTS)};
parentPort.once("message", ({ module, memory, control }) => {
  const run = new WebAssembly.Instance(module, { env: { memory } }).exports.matmulRange;
  const ctl = new Int32Array(control);
  Atomics.add(ctl, at.up, 1);
  for (let seen = Atomics.load(ctl, at.seq); ; seen = Atomics.load(ctl, at.seq)) {
    claimChunks(ctl, run, at);
    // Products come in bursts (a training step makes several, milliseconds apart): poll a while before
    // sleeping, since a helper woken from Atomics.wait arrives late.
    for (const until = performance.now() + ${HELPER_POLL_MS}; Atomics.load(ctl, at.seq) === seen && performance.now() < until; );
    Atomics.wait(ctl, at.seq, seen);
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

/** One per core, at most 8 (more rarely pays for a 128-bit SIMD kernel): the default thread setting. */
export const maxThreads = (): number => Math.max(1, Math.min(8, cores()));

let wanted: number | null = null;
let pool: Pool | null = null;

/**
 * Sets how many threads large matrix products may use (the calling thread included); 1 turns the worker
 * pool off. The default is one per core, at most 8 (`maxThreads()`). Results do not depend on the
 * setting: each thread computes whole columns of the product, in the same order. Returns the previous
 * setting.
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
  handoff.reset(); // a new setting is judged afresh
  if (pool !== null && pool.workers.length !== n - 1) {
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
  return (wanted ??= maxThreads());
}

/** Starts the helpers in the background; null where threads are unavailable. */
function startPool(rt: WasmRuntime, helpers: number): Pool | null {
  const Worker = nodeModule<{ Worker: WorkerConstructor }>("node:worker_threads")?.Worker;
  if (Worker === undefined || !rt.shared) return null;
  const ctl = new Int32Array(new SharedArrayBuffer(CONTROL_INTS * 4));
  const workers = Array.from({ length: helpers }, () => {
    const w = new Worker(HELPER, { eval: true });
    w.unref();
    w.postMessage({ module: rt.module, memory: rt.memory, control: ctl.buffer });
    return w;
  });
  return { workers, ctl };
}

/**
 * How many threads can work on a large product right now: 1 plus the helpers that have started (the
 * pool starts on the first large product, so this is 1 before that).
 * @example
 * ```ts
 * readyThreads(); // 1 at first, then threads() once the helpers are up
 * ```
 */
export function readyThreads(): number {
  return pool === null ? 1 : 1 + Atomics.load(pool.ctl, SLOTS.up);
}

let helperChunks = 0;
/**
 * How many chunks of products the helpers have run so far in this process (for tests that check that
 * threads really shared the work).
 * @example
 * ```ts
 * chunksRunByHelpers(); // 0 while threads() is 1
 * ```
 */
export const chunksRunByHelpers = (): number => helperChunks;

/** The pool, started on first use (null when threads are off or unavailable). */
function helpersFor(rt: WasmRuntime): Pool | null {
  if (threads() === 1) return null;
  pool ??= startPool(rt, threads() - 1);
  return pool;
}

/**
 * Runs `matmulRange(...args, j0, j1)` over panels [0, panels), shared with whichever helpers are awake;
 * returns when every panel is done.
 * @example
 * ```ts
 * runPanels(rt, [a, aTile, aRow, aCol, b, bRow, bCol, bPack, c, ldc, mPad, k, n, firstMode], 128);
 * ```
 */
export function runPanels(rt: WasmRuntime, args: readonly number[], panels: number): void {
  const run = rt.exports.matmulRange as (...args: number[]) => void;
  const p = panels >= 2 ? helpersFor(rt) : null;
  if (p === null || Atomics.load(p.ctl, SLOTS.up) === 0 || handoff.alone()) {
    run(...args, 0, panels);
    return;
  }
  const start = performance.now();
  const ctl = p.ctl;
  const per = Math.max(1, Math.ceil(panels / (threads() * CHUNKS_PER_THREAD)), Math.ceil(panels / MAX_CHUNKS));
  const chunks = Math.ceil(panels / per);
  // Every chunk of the previous product is claimed and finished. Helpers may still look at the fields (to
  // find no chunk left), so they are marked as being rewritten first, then stamped with the new number.
  // A 16-bit sequence number: a helper would have to stall through 65,536 products between its reads and
  // its swap to mistake one product for another. Only this thread writes the sequence slot, and only once
  // the product is published, so a helper that sees it change finds the new product, not the old one.
  const next = Atomics.load(ctl, SLOTS.seq) + 1;
  const seq = next & 0xffff;
  Atomics.store(ctl, SLOTS.fieldsOf, -1);
  ctl.set(args, SLOTS.args);
  ctl[SLOTS.chunks] = chunks;
  ctl[SLOTS.chunkPanels] = per;
  ctl[SLOTS.panels] = panels;
  Atomics.store(ctl, SLOTS.fieldsOf, seq);
  Atomics.store(ctl, SLOTS.finished, 0);
  Atomics.store(ctl, SLOTS.claim, seq << 16);
  Atomics.store(ctl, SLOTS.seq, next);
  Atomics.notify(ctl, SLOTS.seq);
  const ran = claimChunks(ctl, run, SLOTS);
  helperChunks += chunks - ran;
  const ownDone = performance.now();
  // Only chunks a helper has claimed remain, and each is running: a short wait.
  const finished = (): number => Atomics.load(ctl, SLOTS.finished);
  for (let spin = 0; spin < SPIN && finished() !== chunks; spin++);
  for (let done = finished(); done !== chunks; done = finished()) Atomics.wait(ctl, SLOTS.finished, done);
  // Alone, this thread would have run every chunk at the pace it ran its own.
  if (ran > 0) handoff.record(((ownDone - start) * chunks) / ran / (performance.now() - start));
}

/**
 * The least mean gain (speedup − 1) that keeps products threaded. Two threads on a quiet machine gain far
 * more; a gain below this means the helpers barely ran, while their polling between products took a core
 * from the caller and from the machine's other work.
 */
const MIN_GAIN = 0.1;
/** Products run alone before threads are tried again (an LSTM step makes about 200 large enough to split). */
const ALONE_PRODUCTS = 256;
/** Threaded products of a new trial that are not judged: a helper asleep since the last trial is waking. */
const TRIAL_UNJUDGED = 4;

/**
 * Whether handing products to the helpers pays, judged from the products themselves. On a machine whose
 * cores are busy with other work, the helpers barely ran the chunks of an LSTM step's products (the
 * caller found every chunk or nearly every one left to itself: speedups of 0.96 to 1.00), while waking
 * them and their polling between products took a core from the caller: with both cores loaded by other
 * processes the step took twice as long threaded as alone (80 ms against 38). So each threaded product's
 * speedup is estimated (the time the caller would have taken alone, at the pace it ran its own chunks,
 * over the time it took), and when their running mean falls below 1 + MIN_GAIN the next products run on
 * the calling thread alone, and the helpers fall asleep; after ALONE_PRODUCTS threads are tried again,
 * the first few products unjudged while a sleeping helper wakes. `setThreads` starts a fresh trial.
 * Which thread runs a chunk never changes a result, so this decides speed only. @internal (for tests)
 * @example
 * ```ts
 * handoff.record(0.99); // a product the helpers did not speed up
 * handoff.alone();      // true once the mean of the judged ones is below 1 + MIN_GAIN
 * ```
 */
export const handoff = {
  /** Running mean of (speedup − 1) over the threaded products since the last trial began. */
  score: 0,
  /** Products left to run alone, and threaded products left before the next judgement. */
  aloneFor: 0,
  unjudged: TRIAL_UNJUDGED,
  reset(): void {
    [this.score, this.aloneFor, this.unjudged] = [0, 0, TRIAL_UNJUDGED];
  },
  alone(): boolean {
    if (this.aloneFor === 0) return false;
    if (--this.aloneFor === 0) this.reset();
    return true;
  },
  record(speedup: number): void {
    this.score = 0.75 * this.score + 0.25 * (Math.min(speedup, 2) - 1);
    if (this.unjudged > 0) this.unjudged--;
    else if (this.score < MIN_GAIN) this.aloneFor = ALONE_PRODUCTS;
  },
};

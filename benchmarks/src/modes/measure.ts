import { adviseMode, profile } from "@tapegrad/core";
import { jacfwdGradient, jvpPerParameterGradient, reverseGradient } from "./methods.js";
import { parameterCount, type Network } from "./network.js";

/** One method's result in one cell of the grid. */
export interface Measure {
  /** Counted FLOPs of the whole gradient. */
  readonly flops: number;
  /** True when the method was not run (time-boxed) and `flops` is the exact extrapolation instead. */
  readonly predicted: boolean;
  /** Median wall-clock milliseconds over `runs`, or null when not run. */
  readonly ms: number | null;
  readonly runs: number;
  /** Why it was not run. */
  readonly skipped?: string;
}

export interface Cell {
  readonly n: number;
  readonly s: number;
  readonly params: number;
  readonly reverse: Measure;
  readonly jacfwd: Measure;
  readonly jvpLoop: Measure;
}

export interface GridOptions {
  /** A method whose projected time for one run exceeds this is skipped. */
  readonly budgetMs: number;
  /** Stop timing repeats of a method once this much time has gone on it in one cell. */
  readonly repeatMs: number;
  /** Rows of the tangent batch per jacfwd pass are capped so that one layer's tangent holds about this many numbers. */
  readonly tangentElements: number;
}

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

/** Runs `fn` under `profile` at least once and at most `max` times, until `repeatMs` is spent. */
function timed(fn: () => Float64Array, repeatMs: number, max: number): { flops: number; ms: number; runs: number; value: Float64Array } {
  const first = profile(fn);
  const times = [first.ms];
  let spent = first.ms;
  while (times.length < max && spent + median(times) < repeatMs) {
    const run = profile(fn);
    if (run.flops !== first.flops) throw new Error(`FLOP count changed between runs (${first.flops} then ${run.flops})`);
    times.push(run.ms);
    spent += run.ms;
  }
  return { flops: first.flops, ms: median(times), runs: times.length, value: first.result };
}

function checkAgrees(method: string, got: Float64Array, want: Float64Array, net: Network): void {
  let worst = 0;
  let scale = 1e-300;
  for (let i = 0; i < want.length; i++) {
    worst = Math.max(worst, Math.abs(got[i]! - want[i]!));
    scale = Math.max(scale, Math.abs(want[i]!));
  }
  if (got.length !== want.length || worst > 1e-9 * scale) {
    throw new Error(`${method} disagrees with reverse mode at n=${net.n}, s=${net.s}: worst difference ${worst} (scale ${scale})`);
  }
}

/** What one FLOP costs in ms, learned from the cells measured so far (per method), to time-box the next ones. */
export class RateBook {
  readonly #rates = new Map<string, number>();
  /** Keeps the latest rate: the machine's load drifts, and the last cell is the best guess for the next. */
  note(method: string, flops: number, ms: number): void {
    if (flops > 0) this.#rates.set(method, ms / flops);
  }
  project(method: string, flops: number): number | null {
    const rate = this.#rates.get(method);
    return rate === undefined ? null : rate * flops;
  }
}

/**
 * One cell: the full parameter gradient three ways, each checked against reverse mode. Forward-mode
 * methods are projected first (their FLOPs exactly, by adviseMode or by counting one JVP; their time from
 * the rate of earlier cells or a short probe) and skipped when one run would exceed the budget.
 */
export function measureCell(net: Network, options: GridOptions, rates: RateBook): Cell {
  const params = parameterCount(net);
  const argnums = net.params.map((_, i) => i);
  const chunkSize = jacfwdChunk(net, options.tangentElements);
  const advice = adviseMode(net.loss, net.params, { argnums, chunkSize });

  // Reverse runs take milliseconds: many samples spread over time keep one busy moment from setting the median.
  const rev = timed(() => reverseGradient(net), options.repeatMs, 101);
  if (rev.flops !== advice.reverseFlops) throw new Error(`adviseMode predicted ${advice.reverseFlops} reverse FLOPs, profile counted ${rev.flops}`);
  const reverse: Measure = { flops: rev.flops, predicted: false, ms: rev.ms, runs: rev.runs };

  let jacfwd: Measure;
  const fwdProjection = rates.project("jacfwd", advice.forwardFlops);
  if (fwdProjection !== null && fwdProjection > options.budgetMs) {
    jacfwd = { flops: advice.forwardFlops, predicted: true, ms: null, runs: 0, skipped: `projected ${(fwdProjection / 1000).toFixed(0)} s` };
  } else {
    const run = timed(() => jacfwdGradient(net, chunkSize), options.repeatMs, 5);
    if (run.flops !== advice.forwardFlops) throw new Error(`adviseMode predicted ${advice.forwardFlops} forward FLOPs, profile counted ${run.flops}`);
    checkAgrees("jacfwd", run.value, rev.value, net);
    rates.note("jacfwd", run.flops, run.ms);
    jacfwd = { flops: run.flops, predicted: false, ms: run.ms, runs: run.runs };
  }

  // Every per-parameter JVP has the same shapes, so one counted JVP times the parameter count is exact.
  // The loop is time-boxed by a deadline: it stops after the budget and is reported as not run, with
  // the time it would have taken projected from the parameters it did in that minute.
  const one = profile(() => jvpPerParameterGradient(net, 1));
  const loopFlops = one.flops * params;
  const first = profile(() => jvpPerParameterGradient(net, Infinity, performance.now() + options.budgetMs));
  let jvpLoop: Measure;
  if (first.result.length < params) {
    const projected = (first.ms / first.result.length) * params;
    jvpLoop = { flops: loopFlops, predicted: true, ms: null, runs: 0, skipped: `stopped at ${first.result.length} of ${params} parameters after ${(first.ms / 1000).toFixed(0)} s; projected ${(projected / 1000).toFixed(0)} s` };
  } else {
    checkAgrees("jvp per parameter", first.result, rev.value, net);
    if (first.flops !== loopFlops) throw new Error(`one JVP counted ${one.flops} FLOPs, but the loop of ${params} counted ${first.flops}`);
    const times = [first.ms];
    while (times.length < 3 && times.reduce((a, t) => a + t, 0) + first.ms < options.repeatMs) times.push(profile(() => jvpPerParameterGradient(net)).ms);
    jvpLoop = { flops: first.flops, predicted: false, ms: median(times), runs: times.length };
  }
  return { n: net.n, s: net.s, params, reverse, jacfwd, jvpLoop };
}

/** Rows of the tangent batch per jacfwd pass: one layer's tangent holds about `tangentElements` numbers. */
export const jacfwdChunk = (net: Network, tangentElements: number): number =>
  Math.max(1, Math.min(parameterCount(net), Math.floor(tangentElements / (net.n * net.n))));

/**
 * One cell's counted FLOPs only, nothing timed: reverse mode counted by `profile`, jacfwd by `adviseMode`
 * (which measureCell checks against `profile` in every cell it runs), the loop as one counted JVP times the
 * parameter count. About a second for the whole grid, so the docs test can recompute the FLOP columns.
 */
export function countCell(net: Network, tangentElements: number): Cell {
  const params = parameterCount(net);
  const argnums = net.params.map((_, i) => i);
  const advice = adviseMode(net.loss, net.params, { argnums, chunkSize: jacfwdChunk(net, tangentElements) });
  const reverseFlops = profile(() => reverseGradient(net)).flops;
  if (reverseFlops !== advice.reverseFlops) throw new Error(`adviseMode predicted ${advice.reverseFlops} reverse FLOPs, profile counted ${reverseFlops}`);
  const counted = (flops: number): Measure => ({ flops, predicted: false, ms: null, runs: 0 });
  return {
    n: net.n,
    s: net.s,
    params,
    reverse: counted(reverseFlops),
    jacfwd: counted(advice.forwardFlops),
    jvpLoop: counted(profile(() => jvpPerParameterGradient(net, 1)).flops * params),
  };
}

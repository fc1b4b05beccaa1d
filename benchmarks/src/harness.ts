import type { Runner } from "./types.js";

/** How long and how often to time runners. */
export interface MeasureOptions {
  /** Untimed steps per runner before sampling (warm-up of V8 and of the framework's caches). */
  warmup: number;
  /** At least this many timed samples per runner... */
  minSamples: number;
  /** ...and at most this many... */
  maxSamples: number;
  /** ...stopping once this much time has been spent sampling the runner (after minSamples). */
  budgetMs: number;
  /** Runners take turns: each turn samples one runner for about this long (at least one step). */
  blockMs: number;
}

export interface Stats {
  samples: number[];
  median: number;
  q1: number;
  q3: number;
  /** Interquartile range, q3 - q1. */
  iqr: number;
  min: number;
}

/** Linear-interpolated quantile of sorted values (the same definition as NumPy's default). */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

export function summarize(samples: readonly number[]): Stats {
  const sorted = [...samples].sort((a, b) => a - b);
  const q1 = quantile(sorted, 0.25);
  const q3 = quantile(sorted, 0.75);
  return { samples: [...samples], median: quantile(sorted, 0.5), q1, q3, iqr: q3 - q1, min: sorted[0] ?? Number.NaN };
}

/**
 * Times `step()` of several runners (milliseconds per call, wall clock, the read-back inside `step`
 * included). The runners take turns in blocks of about `blockMs`, round after round, so that load from
 * elsewhere on a shared machine falls on all of them alike and their ratios stay meaningful.
 */
export async function measureInterleaved(runners: readonly Runner[], options: MeasureOptions): Promise<Stats[]> {
  const samples = runners.map((): number[] => []);
  const spent = runners.map(() => 0);
  for (const r of runners) {
    await r.activate?.();
    for (let i = 0; i < options.warmup; i++) await r.step();
  }
  const done = (i: number): boolean =>
    samples[i]!.length >= options.maxSamples || (samples[i]!.length >= options.minSamples && spent[i]! >= options.budgetMs);
  while (!runners.every((_, i) => done(i))) {
    for (const [i, r] of runners.entries()) {
      if (done(i)) continue;
      await r.activate?.();
      const blockStart = performance.now();
      do {
        const t0 = performance.now();
        await r.step();
        const t = performance.now() - t0;
        samples[i]!.push(t);
        spent[i]! += t;
      } while (performance.now() - blockStart < options.blockMs && !done(i));
    }
  }
  return samples.map(summarize);
}

/** Times a single call (a cold first step, for example). */
export async function timeOnce(fn: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

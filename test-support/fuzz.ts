/**
 * The settings every property and fuzz test runs under, read once from the environment so that the plain
 * test command gives the same result every time and any run can be replayed:
 *
 * - `TAPEGRAD_FUZZ_SEED`: fast-check's seed for every `fc.assert` (default {@link fixedSeed}).
 * - `TAPEGRAD_FUZZ_PATH`: a counterexample's path, to replay that one case (with its seed, and `-t` naming
 *   its test, since a path only means something to the property that printed it).
 * - `TAPEGRAD_FUZZ_FACTOR`: multiplies every property's number of runs (default 1; `pnpm fuzz` sets 20).
 */

/** The seed the test command uses when none is given. Any seed must pass; this one is merely fixed. */
export const fixedSeed = 20261207;

/** fast-check's own default number of runs, which the factor multiplies for properties that set none. */
const defaultRuns = 100;

function integerFromEnv(name: string, fallback: number, min: number, max: number): number {
  const text = process.env[name];
  if (text === undefined || text === "") return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new Error(`${name} must be an integer in [${min}, ${max}] (got ${JSON.stringify(text)})`);
  }
  return value;
}

// fast-check's seeds are signed 32-bit integers, as it prints them.
export const seed = integerFromEnv("TAPEGRAD_FUZZ_SEED", fixedSeed, -(2 ** 31), 2 ** 31 - 1);
export const factor = integerFromEnv("TAPEGRAD_FUZZ_FACTOR", 1, 1, 10_000);
export const path: string | undefined = process.env.TAPEGRAD_FUZZ_PATH || undefined;

/**
 * A property's parameters: `numRuns` runs times the factor (fast-check's default 100 when not given), and
 * the replay path when one is set. Every `fc.assert` passes these, so one variable scales or replays all.
 */
export function runs(numRuns = defaultRuns): { numRuns: number; path?: string } {
  return path === undefined ? { numRuns: numRuns * factor } : { numRuns: numRuns * factor, path };
}

/** The global default: properties that pass no parameters run this many times. */
export const globalRuns = defaultRuns * factor;

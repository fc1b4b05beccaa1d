import { relative } from "node:path";
import fc from "fast-check";
import { expect } from "vitest";
import { factor, globalRuns, seed } from "./fuzz.js";

/**
 * vitest's setup file for every test file: every `fc.assert` runs from one seed (fixed unless
 * `TAPEGRAD_FUZZ_SEED` gives one, see fuzz.ts), and a failure says how to replay it with our variables
 * rather than with fast-check's `{ seed, path }` parameters, which our tests take from the environment.
 */
fc.configureGlobal({ seed, numRuns: globalRuns });

const quote = (s: string): string => `'${s.replaceAll("'", `'\\''`)}'`;
const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** The commands that replay a failure: this case alone, and the whole run it came from. */
function replay(failedSeed: number, path: string | null): string {
  const { testPath, currentTestName } = expect.getState();
  const file = testPath === undefined ? "<this test file>" : relative(process.cwd(), testPath);
  // vitest's -t matches the test's describe names and its own name joined by spaces.
  const name = currentTestName === undefined ? "" : ` -t ${quote(escapeRegExp(currentTestName.split(" > ").join(" ")))}`;
  const runsVar = factor === 1 ? "" : ` TAPEGRAD_FUZZ_FACTOR=${factor}`;
  const alone = path === null ? "" : ` TAPEGRAD_FUZZ_PATH=${quote(path)}`;
  return [
    `Replay this case:  TAPEGRAD_FUZZ_SEED=${failedSeed}${alone}${runsVar} npx vitest run ${file}${name}`,
    // A factor above 1 means the run was `pnpm fuzz`, which reads the same variables.
    `Replay the whole run:  TAPEGRAD_FUZZ_SEED=${failedSeed}${runsVar} npx -y pnpm@12.21.0 ${factor === 1 ? "test" : "fuzz"}`,
  ].join("\n");
}

const replayReport: fc.Plugin<unknown> = () => ({
  onAllRunsComplete: (details: fc.RunDetails<unknown>) => {
    // A seed of a test's own would make its result differ from the variables the report names.
    if (details.seed !== seed) {
      throw new Error(`this property ran from seed ${details.seed}, not TAPEGRAD_FUZZ_SEED's ${seed}: pass runs(n) from test-support/fuzz.ts to fc.assert, not a seed`);
    }
    if (!details.failed) return;
    // Thrown before fast-check's own report (a global plugin runs first), so this is the error vitest shows.
    const report = fc.defaultReportMessage(details) ?? "the property failed";
    throw new Error(`${replay(details.seed, details.counterexamplePath)}\n\n${report}`, { cause: details.errorInstance ?? undefined });
  },
});
fc.installGlobalPlugin(replayReport);

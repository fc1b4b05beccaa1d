import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { factor, fixedSeed, runs, seed } from "./fuzz.js";

/** Every test file vitest runs (the folders of vitest.config.ts), as paths from the repository's root. */
function testFiles(): string[] {
  const roots = [...readdirSync("packages").flatMap((p) => ["src", "test"].map((d) => join("packages", p, d))), "docs", "test-support"];
  return roots.flatMap((root) => {
    try {
      return readdirSync(root, { recursive: true }).map((f) => join(root, String(f)));
    } catch {
      return []; // a package without that folder
    }
  }).filter((f) => /\.test\.ts$/.test(f) && !f.includes("node_modules"));
}

describe("the fuzz settings", () => {
  it("run the plain test command from the fixed seed at factor 1", () => {
    if (process.env.TAPEGRAD_FUZZ_SEED === undefined) expect(seed).toBe(fixedSeed);
    if (process.env.TAPEGRAD_FUZZ_FACTOR === undefined) expect(runs(30).numRuns).toBe(30);
    expect(runs(30).numRuns).toBe(30 * factor);
  });

  it("reach every property: no test file sets numRuns itself, which pnpm fuzz could not scale", () => {
    const literal = testFiles().filter((f) => /numRuns\s*:/.test(readFileSync(f, "utf8")) && !f.startsWith("test-support"));
    expect(literal).toEqual([]);
  });
});

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bundleTrainer, trainToEnd } from "./checkpointTrainerProcess.js";

/**
 * Determinism: one seed gives bit-identical weights after 1,000 steps of the lecture's network (64 → 32 →
 * 32 → 10, ReLU) with Adam and a shuffled, seeded DataLoader, run to run, each run in its own process, on
 * each kernel backend core has (the fast WebAssembly/typed-loop kernels, the default, and the reference
 * loops). Core runs on one thread, so there is no thread setting to vary.
 */

const STEPS = "1000";
const dir = mkdtempSync(join(tmpdir(), "tapegrad-determinism-"));
let bundle = "";

beforeAll(async () => {
  bundle = await bundleTrainer(dir);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("the same seed, two processes, 1,000 steps", () => {
  it.each(["fast", "reference"])("gives bit-identical weights with the %s kernels", async (kernels) => {
    const [first, second] = await Promise.all([0, 1].map(() => trainToEnd(bundle, ["--steps", STEPS, "--kernels", kernels])));
    expect(first!.step).toBe(1000);
    expect(first!.final).not.toBe(first!.initial);
    expect(second!.final).toBe(first!.final);
  });
});

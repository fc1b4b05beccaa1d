import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bundleTrainer, trainToEnd, type TrainerResult } from "./checkpointTrainerProcess.js";

/**
 * Determinism: one seed gives bit-identical weights after 1,000 steps of the lecture's network (64 → h →
 * h → 10, ReLU) with Adam and a shuffled, seeded DataLoader, run to run, each run in its own process:
 *
 * - on each kernel backend core has (the fast WebAssembly/typed-loop kernels, the default, and the
 *   reference loops), at the lecture's width (h = 32, batches of 32);
 * - at h = 128 and batches of 128, where the matrix products are large enough for core to split them
 *   across threads (2^20 multiply-adds or more): with one thread and with two, which must also agree
 *   with each other, since a product's columns are computed the same way whichever thread runs them.
 */

const dir = mkdtempSync(join(tmpdir(), "tapegrad-determinism-"));
let bundle = "";

beforeAll(async () => {
  bundle = await bundleTrainer(dir);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the trainer once per argument list, two at a time. */
const trainAll = (runs: readonly (readonly string[])[]): Promise<TrainerResult[]> => Promise.all(runs.map((args) => trainToEnd(bundle, ["--steps", "1000", ...args])));

describe("the same seed, separate processes, 1,000 steps", () => {
  it.each(["fast", "reference"])("gives bit-identical weights with the %s kernels", async (kernels) => {
    const [first, second] = await trainAll([["--kernels", kernels], ["--kernels", kernels]]);
    expect(first!.step).toBe(1000);
    expect(first!.final).not.toBe(first!.initial);
    expect(second!.final).toBe(first!.final);
  }, 120_000);

  it("gives bit-identical weights with one thread and with two when products are large enough to split", async () => {
    const wide = ["--hidden", "128", "--batch", "128"];
    const [first, second] = await trainAll([[...wide, "--threads", "2"], [...wide, "--threads", "2"]]);
    const [single] = await trainAll([[...wide, "--threads", "1"]]);
    expect([first!.threads, second!.threads, single!.threads]).toEqual([2, 2, 1]);
    expect(Math.min(first!.helperChunks, second!.helperChunks)).toBeGreaterThan(0); // the helpers did work
    expect(single!.helperChunks).toBe(0);
    expect(first!.final).not.toBe(first!.initial);
    expect(second!.final).toBe(first!.final);
    expect(single!.final).toBe(first!.final);
  }, 180_000); // three runs of 1,000 wide steps: about half a minute on two shared cores
});

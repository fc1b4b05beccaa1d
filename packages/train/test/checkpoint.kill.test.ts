import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Rng } from "@tapegrad/core";
import { mlp } from "@tapegrad/nn";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadCheckpoint } from "../src/index.js";
import { bundleTrainer, runTrainer, trainToEnd } from "./checkpointTrainerProcess.js";

/**
 * Checkpoints never lose work: a child process trains and saves a checkpoint after every step; it is
 * killed with SIGKILL again and again, each new child resuming from the file the last one left. Half the
 * kills come at a random moment, half the instant a save's temporary file appears (a random number of
 * saves in), so that many land between the temporary file's creation and its rename. After every kill the file must load, at a step no earlier than before; in the end the run,
 * resumed to the last step, must hold the same weights bit for bit as a run never interrupted.
 */

const KILLS = 20;
const STEPS = 300;
const dir = mkdtempSync(join(tmpdir(), "tapegrad-kill-"));
let bundle = "";

beforeAll(async () => {
  bundle = await bundleTrainer(dir);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const strayTemporaries = (): string[] => readdirSync(dir).filter((f) => f.endsWith(".tmp"));

describe("a training run killed while it saves checkpoints", () => {
  it(`resumes from the last complete checkpoint, ${KILLS} kills later, to the uninterrupted run's weights bit for bit`, async () => {
    const path = join(dir, "run.ckpt");
    const delays = new Rng(7);
    let step = 0;
    let kills = 0;
    let killedMidSave = 0;
    for (let i = 0; i < KILLS; i++) {
      const before = strayTemporaries().length;
      const plan = i % 2 === 0 ? { afterMs: 30 + Math.floor(delays.uniform() * 250) } : { midSave: { dir, skip: delays.int(20) } };
      const { killed } = await runTrainer(bundle, ["--steps", String(STEPS), "--ckpt", path], plan);
      if (!killed) break;
      kills++;
      if (strayTemporaries().length > before) killedMidSave++;
      // Killed before its first save completed: there is no checkpoint yet, and there was none before.
      if (!existsSync(path)) {
        expect(step).toBe(0);
        continue;
      }
      // The file left behind is complete: it loads into a model of the run's shapes, and no work is lost.
      const loaded = await loadCheckpoint(path, { model: mlp([64, 32, 32, 10]) });
      expect(loaded.step).toBeGreaterThanOrEqual(step);
      step = loaded.step;
    }
    expect(kills).toBe(KILLS);
    expect(step).toBeGreaterThan(0);
    expect(step).toBeLessThan(STEPS); // every kill landed before the run could finish
    expect(killedMidSave).toBeGreaterThan(0); // and some between a temporary file's creation and its rename
    const resumed = JSON.parse((await runTrainer(bundle, ["--steps", String(STEPS), "--ckpt", path, "--no-save"])).last);
    const uninterrupted = JSON.parse((await runTrainer(bundle, ["--steps", String(STEPS)])).last);
    expect(resumed.step).toBe(STEPS);
    expect(resumed.final).toBe(uninterrupted.final);
    expect(uninterrupted.final).not.toBe(uninterrupted.initial);
    console.info(`checkpoint kill test: ${kills} kills, ${killedMidSave} of them mid-save (a temporary file left), resumed from step ${step} of ${STEPS}`);
  }, 120_000); // 22 process starts: about 20 s on two shared cores
});

import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Rng } from "@tapegrad/core";
import { mlp } from "@tapegrad/nn";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadCheckpoint } from "../src/index.js";

/**
 * Checkpoints never lose work: a child process trains and saves a checkpoint after every step; it is
 * killed with SIGKILL at random moments, again and again, each new child resuming from the file the last
 * one left. After every kill the file must load, at a step no earlier than before; in the end the run,
 * resumed to the last step, must hold the same weights bit for bit as a run never interrupted.
 *
 * The child is the trainer script bundled once into plain JavaScript (with esbuild, which tsx ships), so
 * each start costs a Node start rather than a TypeScript compile and twenty kills fit in a few seconds.
 */

const KILLS = 20;
const STEPS = 300;
const dir = mkdtempSync(join(tmpdir(), "tapegrad-kill-"));
const bundle = join(dir, "trainer.mjs");

interface Esbuild {
  build(options: Record<string, unknown>): Promise<unknown>;
}

beforeAll(async () => {
  const fromTsx = createRequire(createRequire(import.meta.url).resolve("tsx"));
  const esbuild = (await import(fromTsx.resolve("esbuild"))) as Esbuild;
  await esbuild.build({
    entryPoints: [fileURLToPath(new URL("./checkpointTrainer.ts", import.meta.url))],
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    conditions: ["source"],
    outfile: bundle,
    logLevel: "error",
  });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Outcome {
  /** The last line the child printed (its result, when it finished). */
  last: string;
  killed: boolean;
}

/** Runs the trainer; with `killAfterMs`, kills it that long after it reports `ready` (if still running). */
function runTrainer(args: readonly string[], killAfterMs?: number): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bundle, ...args], { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    child.stdout.setEncoding("utf8");
    child.stdout.on("data", (chunk: string) => {
      const wasReady = out.includes("ready");
      out += chunk;
      if (!wasReady && out.includes("ready") && killAfterMs !== undefined) setTimeout(() => child.kill("SIGKILL"), killAfterMs);
    });
    child.on("error", reject);
    child.on("exit", (code, signal) => {
      if (signal === null && code !== 0) reject(new Error(`trainer exited with ${code}: ${out}`));
      else resolve({ last: out.trim().split("\n").at(-1) ?? "", killed: signal === "SIGKILL" });
    });
  });
}

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
      const { killed } = await runTrainer(["--steps", String(STEPS), "--ckpt", path], 30 + Math.floor(delays.uniform() * 250));
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
    const resumed = JSON.parse((await runTrainer(["--steps", String(STEPS), "--ckpt", path, "--no-save"])).last);
    const uninterrupted = JSON.parse((await runTrainer(["--steps", String(STEPS)])).last);
    expect(resumed.step).toBe(STEPS);
    expect(resumed.final).toBe(uninterrupted.final);
    expect(uninterrupted.final).not.toBe(uninterrupted.initial);
    console.info(`checkpoint kill test: ${kills} kills, ${killedMidSave} of them mid-save (a temporary file left), resumed from step ${step} of ${STEPS}`);
  });
});

import { spawn } from "node:child_process";
import { watch } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * Runs `checkpointTrainer.ts` as child processes. The script is bundled once into plain JavaScript (with
 * esbuild, which tsx ships), so each start costs a Node start rather than a TypeScript compile: the kill
 * test starts twenty of them.
 */

interface Esbuild {
  build(options: Record<string, unknown>): Promise<unknown>;
}

/** Bundles the trainer into `dir` and returns the bundle's path. */
export async function bundleTrainer(dir: string): Promise<string> {
  const outfile = join(dir, "trainer.mjs");
  const fromTsx = createRequire(createRequire(import.meta.url).resolve("tsx"));
  const esbuild = (await import(fromTsx.resolve("esbuild"))) as Esbuild;
  await esbuild.build({
    entryPoints: [fileURLToPath(new URL("./checkpointTrainer.ts", import.meta.url))],
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    conditions: ["source"],
    outfile,
    logLevel: "error",
  });
  return outfile;
}

/** How a trainer process ended. */
export interface TrainerOutcome {
  /** The last line it printed: its JSON result when it finished. */
  readonly last: string;
  readonly killed: boolean;
}

/** What a finished trainer prints: the step reached, SHA-256 digests of the initial and final weights, and the threads a large product used. */
export interface TrainerResult {
  readonly step: number;
  readonly initial: string;
  readonly final: string;
  readonly threads: number;
  /** Chunks of matrix products that helper threads ran (0 with one thread). */
  readonly helperChunks: number;
}

/**
 * When to kill a trainer with SIGKILL: a fixed time after it prints `ready`, or the moment the n-th
 * temporary file appears in `dir` (n = `skip` + 1), that is, in the middle of a save.
 */
export type KillPlan = { readonly afterMs: number } | { readonly midSave: { readonly dir: string; readonly skip: number } };

/** Runs the bundled trainer, killing it as `kill` says (if it is still running then). */
export function runTrainer(bundle: string, args: readonly string[], kill?: KillPlan): Promise<TrainerOutcome> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bundle, ...args], { stdio: ["ignore", "pipe", "inherit"] });
    let seen = 0;
    const watcher =
      kill !== undefined && "midSave" in kill
        ? watch(kill.midSave.dir, (_, name) => {
            if (name?.endsWith(".tmp") && seen++ === kill.midSave.skip) child.kill("SIGKILL");
          })
        : undefined;
    let out = "";
    child.stdout.setEncoding("utf8");
    child.stdout.on("data", (chunk: string) => {
      const wasReady = out.includes("ready");
      out += chunk;
      if (!wasReady && out.includes("ready") && kill !== undefined && "afterMs" in kill) setTimeout(() => child.kill("SIGKILL"), kill.afterMs);
    });
    child.on("error", reject);
    child.on("exit", (code, signal) => {
      watcher?.close();
      if (signal === null && code !== 0) reject(new Error(`trainer exited with ${code}: ${out}`));
      else resolve({ last: out.trim().split("\n").at(-1) ?? "", killed: signal === "SIGKILL" });
    });
  });
}

/** Runs the trainer to the end and parses its result. */
export async function trainToEnd(bundle: string, args: readonly string[]): Promise<TrainerResult> {
  return JSON.parse((await runTrainer(bundle, args)).last) as TrainerResult;
}

import { spawn } from "node:child_process";
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

/** What a finished trainer prints: the step reached and SHA-256 digests of the initial and final weights. */
export interface TrainerResult {
  readonly step: number;
  readonly initial: string;
  readonly final: string;
}

/** Runs the bundled trainer; with `killAfterMs`, kills it with SIGKILL that long after it prints `ready`. */
export function runTrainer(bundle: string, args: readonly string[], killAfterMs?: number): Promise<TrainerOutcome> {
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

/** Runs the trainer to the end and parses its result. */
export async function trainToEnd(bundle: string, args: readonly string[]): Promise<TrainerResult> {
  return JSON.parse((await runTrainer(bundle, args)).last) as TrainerResult;
}

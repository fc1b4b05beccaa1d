/**
 * A training run as its own process, for the tests that need one: the checkpoint kill test (which kills it
 * with SIGKILL while it saves) and the determinism test (which runs it twice and compares the weights).
 *
 * It trains the lecture's 4-layer network 64 → 32 → 32 → 10 (ReLU) with Adam and a shuffled, seeded
 * DataLoader (batches of 32) on fixed synthetic data; `--hidden` and `--batch` make it wider, so that its
 * matrix products are large enough for core to split across threads (`--threads`). With `--ckpt PATH` it first resumes from PATH if the file exists,
 * and, unless `--no-save`, saves a checkpoint there after every step. It prints `ready` once set up, then
 * at the end one JSON line: the step reached, SHA-256 digests of the initial and final weights' bytes, and
 * how many threads a large matrix product was using by then, and how many chunks of products the helper
 * threads ran.
 *
 *   node trainer.mjs --steps 400 [--ckpt run.ckpt] [--no-save] [--kernels fast|reference] [--threads n]
 *                    [--hidden 32] [--batch 32]
 */
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { Rng, setKernels, setThreads, softmaxCrossEntropy, tensor, type Tensor } from "@tapegrad/core";
import { mlp } from "@tapegrad/nn";
// How many threads worked is not public; the determinism test reads core's own counters.
import { chunksRunByHelpers, readyThreads } from "../../core/src/kernels/threads.js";
import { DataLoader } from "@tapegrad/datasets";
import { Adam } from "@tapegrad/optim";
import { loadCheckpoint, saveCheckpoint } from "../src/index.js";

const args = process.argv.slice(2);
const option = (name: string): string | undefined => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const steps = Number(option("--steps") ?? "1000");
const ckpt = option("--ckpt");
const save = !args.includes("--no-save");
const hidden = Number(option("--hidden") ?? "32");
const batchSize = Number(option("--batch") ?? "32");
if (option("--kernels") === "reference") setKernels("reference");
if (option("--threads") !== undefined) setThreads(Number(option("--threads")));

/** 512 items of 64 features in 10 classes, each class a shifted Gaussian cloud. */
function syntheticData(rng: Rng): { x: Tensor; y: Tensor } {
  const n = 512;
  const centres = Float32Array.from({ length: 10 * 64 }, () => rng.normal());
  const x = new Float32Array(n * 64);
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = rng.int(10);
    for (let f = 0; f < 64; f++) x[i * 64 + f] = centres[y[i]! * 64 + f]! + rng.normal();
  }
  return { x: tensor(x, { shape: [n, 64] }), y: tensor(y) };
}

const digest = (params: readonly Tensor[]): string => {
  const hash = createHash("sha256");
  for (const p of params) hash.update(new Uint8Array(p.data.buffer, p.data.byteOffset, p.data.byteLength));
  return hash.digest("hex");
};

const model = mlp([64, hidden, hidden, 10], { activation: "relu", rng: new Rng(1) });
const initial = digest(model.parameters());
const optimizer = new Adam(model.parameters(), { lr: 1e-3 });
const loader = new DataLoader(syntheticData(new Rng(2)), { batchSize, shuffle: true, seed: 3 });

let step = 0;
if (ckpt !== undefined && existsSync(ckpt)) step = (await loadCheckpoint(ckpt, { model, optimizer, loader })).step;
console.log("ready");
while (step < steps) {
  const batch = loader.gather(loader.nextIndices()!);
  optimizer.zeroGrad();
  softmaxCrossEntropy(model.forward(batch.x), batch.y).backward();
  optimizer.step();
  step += 1;
  if (ckpt !== undefined && save) await saveCheckpoint(ckpt, { model, optimizer, loader, step });
}
console.log(JSON.stringify({ step, initial, final: digest(model.parameters()), threads: readyThreads(), helperChunks: chunksRunByHelpers() }));

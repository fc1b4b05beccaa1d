/**
 * PyTorch's rows: Debian's python3-torch run as a child process (benchmarks/python/*.py) on the weights
 * and batch the case drew, one step per request over a pipe. The pipe's round trip (tens of µs) is
 * inside each timed step; it is small against a millisecond step and is stated in the note. Where
 * /usr/bin/python3 or its torch module is missing, setup fails with the reason, which the report prints
 * in the row instead of a time. Debian's torch links the reference BLAS; where
 * `benchmarks/python/fetch-openblas.sh` has unpacked OpenBLAS the rows run on it, and each row names
 * the BLAS it ran on.
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import type { Runner } from "../types.js";

const PYTHON = "/usr/bin/python3";

/**
 * OpenBLAS unpacked by `benchmarks/python/fetch-openblas.sh` (the library folder), or null. Debian's torch
 * links the reference BLAS; with this folder first on LD_LIBRARY_PATH it runs its products on OpenBLAS.
 */
function openBlasDir(): string | null {
  const dir = fileURLToPath(new URL("../../.openblas/usr/lib/x86_64-linux-gnu/openblas-pthread", import.meta.url));
  return existsSync(join(dir, "libblas.so.3")) ? dir : null;
}

/** The child's environment: OpenBLAS's libblas first where it was fetched. */
function torchEnv(): NodeJS.ProcessEnv {
  const dir = openBlasDir();
  if (dir === null) return process.env;
  const previous = process.env["LD_LIBRARY_PATH"];
  return { ...process.env, LD_LIBRARY_PATH: previous ? `${dir}:${previous}` : dir };
}

/** torch's version, its default thread count, and which BLAS it loaded (from its memory map after a product). */
const PROBE = [
  "import torch",
  "torch.ones(64, 64) @ torch.ones(64, 64)",
  "libs = [l.split()[-1] for l in open('/proc/self/maps') if 'blas' in l.split()[-1]]",
  "print(torch.__version__, torch.get_num_threads(), 'OpenBLAS' if any('openblas' in l for l in libs) else 'reference BLAS' if libs else 'no BLAS')",
].join("\n");

/** What the probe found: torch's version, its default intra-op thread count and BLAS, or why there is no torch. */
type TorchProbe = { version: string; threads: number; blas: string } | { missing: string };

let probed: TorchProbe | null = null;

/** The installed torch's version and the BLAS it runs on here, or the reason there is none (probed once per process). */
export function torchVersion(): TorchProbe {
  return (probed ??= probeTorch());
}

/** The row label of every PyTorch row: its version and BLAS, or "(missing)". */
export function pytorchRowName(): string {
  const torch = torchVersion();
  return `PyTorch ${"version" in torch ? `${torch.version} (CPU, ${torch.blas})` : "(missing)"}`;
}

function probeTorch(): TorchProbe {
  const probe = spawnSync(PYTHON, ["-c", PROBE], { encoding: "utf8", env: torchEnv() });
  if (probe.error) return { missing: `${PYTHON} not found (${probe.error.message})` };
  if (probe.status !== 0) return { missing: `torch is not installed for ${PYTHON} (apt-get install python3-torch): ${probe.stderr.trim().split("\n").pop()}` };
  const [version = "?", threads = "?", ...blas] = probe.stdout.trim().split(" ");
  return { version, threads: Number(threads), blas: blas.join(" ") };
}

/**
 * Starts `script` (in benchmarks/python/) with `data` (the case's arrays, float32, in the order the script
 * reads them) and `spec` (the script's settings); each `step()` sends "step" and reads back the loss.
 */
export async function pytorchRunner(script: string, data: readonly Float32Array[], spec: Record<string, unknown>): Promise<Runner> {
  const torch = torchVersion();
  if ("missing" in torch) throw new Error(`PyTorch row skipped: ${torch.missing}`);
  const dir = mkdtempSync(join(tmpdir(), "tapegrad-torch-"));
  const path = join(dir, "data.f32");
  const total = data.reduce((n, a) => n + a.length, 0);
  const all = new Float32Array(total);
  let at = 0;
  for (const a of data) {
    all.set(a, at);
    at += a.length;
  }
  writeFileSync(path, Buffer.from(all.buffer));
  const file = fileURLToPath(new URL(`../../python/${script}`, import.meta.url));
  const child = spawn(PYTHON, [file], { stdio: ["pipe", "pipe", "inherit"], env: torchEnv() });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const next = async (): Promise<string> => {
    const { value, done } = await lines.next();
    if (done) throw new Error(`${script} ended without an answer`);
    return value as string;
  };
  child.stdin.write(`${JSON.stringify({ ...spec, path })}\n`);
  await next(); // {"ready": version, "threads": n}
  return {
    async step() {
      child.stdin.write("step\n");
      return Number(await next());
    },
    dispose() {
      child.stdin.end();
      child.kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

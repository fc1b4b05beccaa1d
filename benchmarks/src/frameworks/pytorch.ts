/**
 * PyTorch's rows: Debian's python3-torch run as a child process (benchmarks/python/*.py) on the weights
 * and batch the case drew, one step per request over a pipe. The pipe's round trip (tens of µs) is
 * inside each timed step; it is small against a millisecond step and is stated in the note. Where
 * /usr/bin/python3 or its torch module is missing, setup fails with the reason, which the report prints
 * in the row instead of a time.
 */
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import type { Runner } from "../types.js";

const PYTHON = "/usr/bin/python3";

/** The installed torch's version, or the reason there is none. */
export function torchVersion(): { version: string } | { missing: string } {
  const probe = spawnSync(PYTHON, ["-c", "import torch; print(torch.__version__)"], { encoding: "utf8" });
  if (probe.error) return { missing: `${PYTHON} not found (${probe.error.message})` };
  if (probe.status !== 0) return { missing: `torch is not installed for ${PYTHON} (apt-get install python3-torch): ${probe.stderr.trim().split("\n").pop()}` };
  return { version: probe.stdout.trim() };
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
  const child = spawn(PYTHON, [file], { stdio: ["pipe", "pipe", "inherit"] });
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

/**
 * `npx -y pnpm@12.21.0 interop:torch`: moves training between tapegrad and PyTorch live, both ways, for
 * the lecture's network and the demo's CNN with Adam and the CNN with SGD and momentum, and checks
 * 30 + 30 = 60 steps to 1e-10 relative:
 *
 *   tapegrad → PyTorch: 30 steps here, checkpoint, 30 in PyTorch (torch_side.py) == 60 in PyTorch alone
 *   PyTorch → tapegrad: 30 steps in PyTorch, checkpoint, 30 here == 60 in PyTorch alone
 *
 * It needs Debian's python3-torch for /usr/bin/python3 (`apt-get install -y python3-torch`) and says so
 * and exits 0 where that is missing. It also checks the live results against the committed vectors the
 * test suite uses (packages/demo/test/fixtures/torch), and with `--write` replaces those vectors.
 *
 * Run: npx -y pnpm@12.21.0 interop:torch [--write]
 */
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { decodeTorchSave, encodeTorchSave, type Tensor, type TorchValue } from "@tapegrad/core";
import { restoreTorchCheckpoint } from "@tapegrad/train";
import { cases, fingerprint, HALF, initFile, relativeError, RTOL, start, tapegradHalfway, tensorError, train, worstError, type Fingerprint } from "../test/torch/cases.js";
import { checkpointTensors, FIXTURES, readVectors, type TorchVectors } from "../test/torch/vectors.js";

/** Debian's python3-torch installs for the system Python; TAPEGRAD_TORCH_PYTHON names another interpreter. */
const PYTHON = process.env.TAPEGRAD_TORCH_PYTHON ?? "/usr/bin/python3";
const here = dirname(fileURLToPath(import.meta.url));
const write = process.argv.includes("--write");

const probe = spawnSync(PYTHON, ["-c", "import torch; print(torch.__version__)"], { encoding: "utf8" });
if (probe.status !== 0) {
  const why = probe.error !== undefined ? `${PYTHON} is not there` : `${PYTHON} cannot import torch (${probe.stderr.trim().split("\n").pop()})`;
  console.log(`interop:torch skipped: ${why}. Install Debian's PyTorch with: apt-get install -y python3-torch`);
  process.exit(0);
}
console.log(`PyTorch ${probe.stdout.trim()} at ${PYTHON}`);

const folder = mkdtempSync(join(tmpdir(), "tapegrad-torch-"));
const asRecord = (v: TorchValue): Record<string, Tensor> => v as unknown as Record<string, Tensor>;
const load = (name: string): Record<string, TorchValue> => decodeTorchSave(readFileSync(join(folder, name))) as Record<string, TorchValue>;
let failed = false;
const report = (what: string, error: number, where: string): void => {
  const ok = error <= RTOL;
  failed ||= !ok;
  console.log(`${ok ? "ok  " : "FAIL"} ${what}: relative error ${error.toExponential(2)}${ok ? "" : ` (at ${where}; tolerance ${RTOL})`}`);
};
try {
  for (const c of cases) {
    writeFileSync(join(folder, `${c.name}-init.pt`), encodeTorchSave(initFile(c) as TorchValue));
    writeFileSync(join(folder, `${c.name}-tapegrad-30.pt`), encodeTorchSave(tapegradHalfway(c)));
  }
  const python = spawnSync(PYTHON, [join(here, "torch_side.py"), folder], { stdio: "inherit" });
  if (python.status !== 0) throw new Error(`torch_side.py failed (exit ${python.status})`);

  const vectors: Record<string, TorchVectors> = {};
  for (const c of cases) {
    const result = load(`${c.name}-result.pt`);
    const reference = asRecord(result.reference!);
    const forth = worstError(asRecord(result.continued!), reference, tensorError);
    report(`${c.name} tapegrad → PyTorch: ${HALF} + ${HALF} against ${2 * HALF} in PyTorch`, forth.error, forth.name);

    const { model, optimizer } = start(c);
    restoreTorchCheckpoint(load(`${c.name}-torch-30.pt`), { model, optimizer });
    train(model, optimizer, c.data(), HALF);
    const back = worstError(model.stateDict(), reference, tensorError);
    report(`${c.name} PyTorch → tapegrad: ${HALF} + ${HALF} against ${2 * HALF} in PyTorch`, back.error, back.name);

    const fingerprints = (sd: Record<string, Tensor>): Record<string, Fingerprint> => Object.fromEntries(Object.entries(sd).map(([k, t]) => [k, fingerprint(t)]));
    vectors[c.name] = {
      reference: fingerprints(reference),
      continued: fingerprints(asRecord(result.continued!)),
      consumed: fingerprints(checkpointTensors(load(`${c.name}-tapegrad-30.pt`))),
    };
    if (!write) {
      const committed = readVectors(c.name);
      const drift = worstError(vectors[c.name]!.reference, committed.reference, relativeError);
      report(`${c.name} live PyTorch reference against the committed vectors`, drift.error, drift.name);
    }
  }
  if (write && !failed) {
    for (const c of cases) {
      copyFileSync(join(folder, `${c.name}-torch-30.pt`), join(FIXTURES, `${c.name}-torch-30.pt`));
      writeFileSync(join(FIXTURES, `${c.name}-vectors.json`), `${JSON.stringify(vectors[c.name])}\n`);
    }
    copyFileSync(join(folder, "sample.pt"), join(here, "..", "..", "core", "test", "fixtures", "torch-sample.pt"));
    console.log(`wrote the vectors to ${FIXTURES}`);
  }
} finally {
  rmSync(folder, { recursive: true, force: true });
}
if (failed) process.exit(1);

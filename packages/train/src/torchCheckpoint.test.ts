import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { decodeTorchSave, DTypeError, encodeTorchSave, Rng, tensor, ValueError, type TorchValue } from "@tapegrad/core";
import { Linear, ReLU, Sequential } from "@tapegrad/nn";
import { Adam, SGD, torchOptimizerState } from "@tapegrad/optim";
import { describeCatalogue, type CatalogueRow } from "../../../test-support/catalogue.js";
import { restoreTorchCheckpoint, torchCheckpoint } from "./torchCheckpoint.js";
import { loadTorchCheckpoint, saveTorchCheckpoint } from "./torchCheckpointFile.js";

/** A two-layer float64 network and its Adam optimizer after `steps` updates (seeded: same call, same state). */
function run(steps: number, seed = 1): { model: Sequential; optimizer: Adam } {
  const model = new Sequential(new Linear(3, 4, { rng: new Rng(seed), dtype: "float64" }), new ReLU(), new Linear(4, 2, { rng: new Rng(seed + 1), dtype: "float64" }));
  const optimizer = new Adam(model.parameters(), { lr: 0.01 });
  const x = tensor([[1, -2, 0.5], [0.3, 0.1, -1]], { dtype: "float64" });
  for (let k = 0; k < steps; k++) {
    optimizer.zeroGrad();
    model.forward(x).square().sum().backward();
    optimizer.step();
  }
  return { model, optimizer };
}

/** Everything a restore could change, to compare before and after a refused one. */
const snapshot = ({ model, optimizer }: { model: Sequential; optimizer: Adam }) => ({
  weights: Object.fromEntries(Object.entries(model.stateDict()).map(([k, t]) => [k, Array.from(t.data)])),
  optimizer: optimizer.stateDict(),
});

type Checkpoint = { model: Record<string, TorchValue>; optimizer: { state: Map<number, Record<string, TorchValue>>; param_groups: Record<string, TorchValue>[] } };
/** A fresh decoded checkpoint of a 2-step run, to damage. */
const checkpoint = (): Checkpoint => decodeTorchSave(encodeTorchSave(torchCheckpoint(run(2)))) as unknown as Checkpoint;

describe("restoreTorchCheckpoint", () => {
  it("restores a checkpoint into another model and optimizer, which then continue identically", () => {
    const original = run(2);
    const copy = run(0, 7);
    restoreTorchCheckpoint(decodeTorchSave(encodeTorchSave(torchCheckpoint(original))), copy);
    expect(snapshot(copy)).toEqual(snapshot(original));
  });

  it("restores the model alone when no optimizer is passed", () => {
    const copy = run(0, 7);
    restoreTorchCheckpoint(checkpoint() as unknown as TorchValue, { model: copy.model });
    expect(snapshot(copy).weights).toEqual(snapshot(run(2)).weights);
    expect(copy.optimizer.stateDict().state).toEqual({});
  });
});

/**
 * A catalogue row: the checkpoint of a 2-step run damaged by `change`, restored into a 1-step run of
 * another seed, which must refuse it and stay exactly as it was (checked inside the call, so a change
 * fails the row).
 */
function refused(bad: string, change: (ck: Checkpoint) => unknown, error: CatalogueRow["error"], op: string, says: string): CatalogueRow {
  return {
    bad, error, op, says,
    call: () => {
      const ck = checkpoint();
      change(ck);
      const target = run(1, 3);
      const before = snapshot(target);
      try {
        restoreTorchCheckpoint(ck as unknown as TorchValue, target);
      } finally {
        expect(snapshot(target)).toEqual(before);
      }
    },
  };
}

const LOAD = "loadTorchOptimizerState";
const RESTORE = "restoreTorchCheckpoint";
describeCatalogue("a PyTorch checkpoint that does not fit is refused with a clear error, and nothing changes", [
  refused("a missing model key", (ck) => delete ck.model["2.bias"], ValueError, RESTORE, 'missing keys ["2.bias"]'),
  refused("an extra model key", (ck) => (ck.model["4.weight"] = tensor([1], { dtype: "float64" })), ValueError, RESTORE, 'unexpected keys ["4.weight"]'),
  refused("a model tensor of another dtype", (ck) => (ck.model["0.weight"] = tensor(new Float32Array(12), { shape: [4, 3] })), DTypeError, RESTORE, `model["0.weight"] is float32, the module's is float64`),
  refused("a model tensor of another shape", (ck) => (ck.model["0.bias"] = tensor(new Float64Array(5))), ValueError, RESTORE, 'model["0.bias"] has shape [5], the module expects [4]'),
  refused("a model entry that is not a tensor", (ck) => (ck.model["0.bias"] = 3), ValueError, RESTORE, 'model["0.bias"] must be a tensor'),
  refused("no optimizer", (ck) => delete (ck as Partial<Checkpoint>).optimizer, ValueError, RESTORE, 'holds no "optimizer", but parts.optimizer was passed'),
  refused("a moment of another shape", (ck) => (ck.optimizer.state.get(1)!.exp_avg = tensor(new Float64Array(3))), ValueError, LOAD, "state[1].exp_avg has shape [3], its parameter [4]"),
  refused("a moment of another dtype", (ck) => (ck.optimizer.state.get(0)!.exp_avg_sq = tensor(new Float32Array(12), { shape: [4, 3] })), DTypeError, LOAD, "state[0].exp_avg_sq is float32, its parameter float64"),
  refused("a moment of None", (ck) => (ck.optimizer.state.get(1)!.exp_avg = null), ValueError, LOAD, "state[1].exp_avg is None"),
  refused("a missing moment", (ck) => delete ck.optimizer.state.get(2)!.exp_avg_sq, ValueError, LOAD, 'state[2] has no ["exp_avg_sq"]'),
  refused("another optimizer's state (SGD's momentum_buffer)", (ck) => (ck.optimizer.state.get(0)!.momentum_buffer = null), ValueError, LOAD, 'state[0] has keys ["momentum_buffer"] that torch.optim.Adam does not keep'),
  refused("a step that is not a count", (ck) => (ck.optimizer.state.get(0)!.step = tensor([2.5])), ValueError, LOAD, "state[0].step must be a whole number >= 0 (got 2.5)"),
  refused("state for no parameter", (ck) => ck.optimizer.state.set(9, {}), ValueError, LOAD, "state[9] belongs to no parameter"),
  refused("another number of param groups", (ck) => ck.optimizer.param_groups.push({ ...ck.optimizer.param_groups[0]! }), ValueError, LOAD, "the checkpoint has 2 param groups, this Adam 1"),
  refused("another number of parameters", (ck) => (ck.optimizer.param_groups[0]!.params = [0, 1, 2]), ValueError, LOAD, "param_groups[0] has 3 parameters, this Adam's group 0 has 4"),
  refused("maximize", (ck) => (ck.optimizer.param_groups[0]!.maximize = true), ValueError, LOAD, "param_groups[0].maximize is true; tapegrad's Adam supports only false"),
  refused("a group key Adam does not have", (ck) => (ck.optimizer.param_groups[0]!.momentum = 0.9), ValueError, LOAD, 'param_groups[0] has keys ["momentum"] that torch.optim.Adam does not have'),
  refused("a missing option", (ck) => delete ck.optimizer.param_groups[0]!.eps, ValueError, LOAD, 'param_groups[0] has no "eps"'),
  // Checked by Adam itself, after the model was loaded: the model must be put back.
  refused("an option Adam refuses", (ck) => (ck.optimizer.param_groups[0]!.lr = -1), ValueError, "Adam", "option lr must be >= 0 (got -1)"),
  {
    bad: "an SGD checkpoint loaded into Adam",
    call: () => {
      const layer = new Linear(2, 1, { dtype: "float64" });
      const sgd = new SGD(layer.parameters(), { momentum: 0.9 });
      restoreTorchCheckpoint({ model: layer.stateDict(), optimizer: torchOptimizerState(sgd) } as unknown as TorchValue, { model: layer, optimizer: new Adam(layer.parameters()) });
    },
    error: ValueError,
    op: LOAD,
    says: 'param_groups[0] has keys ["momentum","dampening","nesterov"] that torch.optim.Adam does not have',
  },
]);

describe("saveTorchCheckpoint / loadTorchCheckpoint", () => {
  const folder = mkdtempSync(join(tmpdir(), "tapegrad-torch-checkpoint-"));
  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  it("write a torch.save file and restore from it", async () => {
    const path = join(folder, "run.pt");
    const original = run(3);
    await saveTorchCheckpoint(path, original);
    expect(Array.from(readFileSync(path).subarray(0, 4))).toEqual([0x50, 0x4b, 0x03, 0x04]); // "PK": a zip, as torch.save writes
    const copy = run(0, 9);
    await loadTorchCheckpoint(path, copy);
    expect(snapshot(copy)).toEqual(snapshot(original));
  });

  it("a truncated file is refused and changes nothing", async () => {
    const path = join(folder, "truncated.pt");
    await saveTorchCheckpoint(path, run(3));
    writeFileSync(path, readFileSync(path).subarray(0, 500));
    const target = run(1, 3);
    const before = snapshot(target);
    await expect(loadTorchCheckpoint(path, target)).rejects.toThrow(/decodeTorchSave: not a complete zip archive \(500 bytes/);
    expect(snapshot(target)).toEqual(before);
  });
});

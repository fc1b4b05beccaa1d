import { describe, expect, it } from "vitest";
import { decodeTorchSave, encodeTorchSave, isPyTuple, Tensor, type TorchValue } from "@tapegrad/core";
import { restoreTorchCheckpoint } from "@tapegrad/train";
import { cases, HALF, relativeError, RTOL, start, tapegradHalfway, train, worstError } from "./cases.js";
import { checkpointTensors, readFixture, readVectors } from "./vectors.js";

/**
 * 30 steps on one side, a checkpoint, 30 on the other, against 60 in PyTorch alone, in float64: Adam on
 * the lecture's 784-256-128-10 network and on the demo's CNN, and SGD with momentum on the CNN. PyTorch's side comes from committed
 * vectors written by `interop:torch --write` (packages/demo/scripts/torch_side.py, PyTorch 1.13):
 * its own checkpoint after 30 steps (`<name>-torch-30.pt`, the real torch.save file) and fingerprints of
 * its results (see cases.ts), so these tests need no Python.
 */
describe.each(cases)("$name: training moves between tapegrad and PyTorch", (c) => {
  const vectors = readVectors(c.name);
  const torchHalfway = decodeTorchSave(readFixture(`${c.name}-torch-30.pt`));
  // tapegrad's checkpoint after 30 steps, through its bytes, computed once for the tests below.
  let halfway: TorchValue | undefined;
  const ours = (): TorchValue => (halfway ??= decodeTorchSave(encodeTorchSave(tapegradHalfway(c))));

  it("PyTorch → tapegrad: 30 steps in PyTorch, its checkpoint, 30 here equal 60 in PyTorch to 1e-10", () => {
    const { model, optimizer } = start(c);
    restoreTorchCheckpoint(torchHalfway, { model, optimizer });
    if (c.optimizer.name === "Adam") expect(optimizer.stateDict().state["0"]!.step).toBe(HALF);
    const before = worstError(model.stateDict(), vectors.reference, relativeError);
    train(model, optimizer, c.data(), HALF);
    const after = worstError(model.stateDict(), vectors.reference, relativeError);
    expect(after.error, `worst at ${after.name}`).toBeLessThanOrEqual(RTOL);
    // Halfway is nowhere near the end: the comparison can tell the steps apart.
    expect(before.error).toBeGreaterThan(1e-3);
  });

  it("tapegrad → PyTorch: PyTorch continued from the checkpoint tapegrad writes today, and matched its own 60 steps", () => {
    // The file PyTorch continued from when the vectors were written is the one tapegrad writes now...
    const consumed = worstError(checkpointTensors(ours()), vectors.consumed, relativeError);
    expect(consumed.error, `worst at ${consumed.name}`).toBeLessThanOrEqual(1e-12);
    // ...and its 30 further steps in PyTorch ended where 60 steps in PyTorch alone did.
    const continued = worstError(vectors.continued, vectors.reference, relativeError);
    expect(continued.error, `worst at ${continued.name}`).toBeLessThanOrEqual(RTOL);
  });

  it("tapegrad's checkpoint has torch.optim's layout: PyTorch's own checkpoint's keys, groups, shapes and dtypes", () => {
    type Checkpoint = { model: Record<string, Tensor>; optimizer: { state: Map<number, Record<string, TorchValue>>; param_groups: Record<string, TorchValue>[] } };
    const mine = ours() as unknown as Checkpoint;
    const theirs = torchHalfway as unknown as Checkpoint;
    expect(Object.keys(mine)).toEqual(Object.keys(theirs));
    expect(Object.keys(mine.model)).toEqual(Object.keys(theirs.model));
    expect(mine.optimizer.param_groups).toEqual(theirs.optimizer.param_groups);
    if (c.optimizer.name === "Adam") expect(isPyTuple(mine.optimizer.param_groups[0]!.betas)).toBe(true);
    expect([...mine.optimizer.state.keys()]).toEqual([...theirs.optimizer.state.keys()]);
    for (const [i, s] of theirs.optimizer.state) {
      const entry = mine.optimizer.state.get(i)!;
      expect(Object.keys(entry)).toEqual(Object.keys(s));
      for (const [k, t] of Object.entries(s) as [string, Tensor][]) {
        expect((entry[k] as Tensor).shape).toEqual(t.shape);
        if (k === "step") expect((entry[k] as Tensor).item()).toBe(t.item());
        else expect((entry[k] as Tensor).dtype).toBe(t.dtype);
      }
    }
  });
});

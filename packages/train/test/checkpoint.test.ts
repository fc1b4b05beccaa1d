import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Rng, softmaxCrossEntropy, tensor, ValueError, type Tensor } from "@tapegrad/core";
import { mlp, StateDictError } from "@tapegrad/nn";
import { afterAll, describe, expect, it } from "vitest";
import { DataLoader } from "@tapegrad/datasets";
import { Adam, Scheduler, schedules, SGD } from "@tapegrad/optim";
import { loadCheckpoint, saveCheckpoint } from "../src/index.js";

const dir = mkdtempSync(join(tmpdir(), "tapegrad-ckpt-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const rng = new Rng(5);
const data = { x: tensor(Float32Array.from({ length: 40 * 4 }, () => rng.normal()), { shape: [40, 4] }), y: tensor(Float32Array.from({ length: 40 }, () => rng.int(3))) };

/** A model, Adam, a schedule and a shuffled loader; `seed` sets the initial weights. */
function run(seed: number) {
  const model = mlp([4, 8, 3], { rng: new Rng(seed) });
  const optimizer = new Adam(model.parameters(), { lr: 0.01 });
  const scheduler = new Scheduler(optimizer, schedules.cosine(0.01, { steps: 30 }));
  const loader = new DataLoader(data, { batchSize: 6, shuffle: true, seed: 1 });
  const train = (steps: number): void => {
    for (let k = 0; k < steps; k++) {
      const b = loader.gather(loader.nextIndices()!);
      optimizer.zeroGrad();
      softmaxCrossEntropy(model.forward(b.x), b.y).backward();
      optimizer.step();
      scheduler.step();
    }
  };
  return { model, optimizer, scheduler, loader, train };
}

const bits = (t: Tensor): Uint8Array => new Uint8Array(t.data.buffer.slice(t.data.byteOffset, t.data.byteOffset + t.data.byteLength));
const weights = (r: ReturnType<typeof run>): Uint8Array[] => r.model.parameters().map(bits);

describe("saveCheckpoint and loadCheckpoint", () => {
  it("restore model, optimizer, schedule and loader so that training continues bit for bit", async () => {
    const path = join(dir, "resume.ckpt");
    const a = run(1);
    a.train(9); // 40 items in batches of 6: mid-epoch
    await saveCheckpoint(path, { model: a.model, optimizer: a.optimizer, loader: a.loader, scheduler: a.scheduler, step: 9, extra: { name: "a" } });
    const b = run(2);
    const loaded = await loadCheckpoint(path, { model: b.model, optimizer: b.optimizer, loader: b.loader, scheduler: b.scheduler });
    expect(loaded).toEqual({ step: 9, extra: { name: "a" } });
    a.train(8);
    b.train(8);
    expect(weights(b)).toEqual(weights(a));
    expect(b.optimizer.stateDict()).toEqual(a.optimizer.stateDict());
    expect(weights(b)).not.toEqual(weights(run(1)));
  });

  it("keep every bit of the model's tensors, NaN, infinities and -0 included, in both dtypes", async () => {
    const path = join(dir, "bits.ckpt");
    for (const dtype of ["float32", "float64"] as const) {
      const w = tensor([Number.NaN, Infinity, -Infinity, -0, 1e-40, 0.1], { dtype });
      const model = { stateDict: () => ({ w }), loadStateDict: (s: Readonly<Record<string, Tensor>>) => (got = s) };
      let got: Readonly<Record<string, Tensor>> = {};
      await saveCheckpoint(path, { model, step: 0 });
      await loadCheckpoint(path, { model });
      expect(got.w!.dtype).toBe(dtype);
      expect(bits(got.w!)).toEqual(bits(w));
    }
  });

  it("leave no temporary file behind, and a failed save leaves the previous checkpoint intact", async () => {
    const path = join(dir, "intact.ckpt");
    const a = run(1);
    await saveCheckpoint(path, { model: a.model, step: 1 });
    const before = readFileSync(path, "utf8");
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    await expect(saveCheckpoint(path, { model: a.model, step: 2, extra: cyclic as never })).rejects.toThrow(TypeError);
    await expect(saveCheckpoint(join(dir, "no-such-dir", "x.ckpt"), { model: a.model, step: 2 })).rejects.toThrow(/ENOENT/);
    expect(readFileSync(path, "utf8")).toBe(before);
    expect(readdirSync(dir).filter((f) => f.endsWith(".tmp"))).toEqual([]);
  });

  it("refuse a bad step", async () => {
    for (const step of [-1, 1.5, Number.NaN, Infinity]) {
      await expect(saveCheckpoint(join(dir, "step.ckpt"), { model: run(1).model, step })).rejects.toThrow(new ValueError("saveCheckpoint", `option step must be an integer >= 0 (got ${step})`));
    }
  });

  it("refuse a truncated, foreign or newer file with a ValueError naming the path", async () => {
    const path = join(dir, "bad.ckpt");
    await saveCheckpoint(path, { model: run(1).model, step: 3 });
    const text = readFileSync(path, "utf8");
    const cases: [string, RegExp][] = [
      [text.slice(0, text.length / 2), /not a complete checkpoint/],
      [JSON.stringify({ hello: 1 }), /not a tapegrad checkpoint/],
      [text.replace(`"version":1`, `"version":2`), /checkpoint version 2 is not supported/],
      [text.replace(`"step":3`, `"step":-3`), /step must be an integer >= 0 \(got -3\)/],
      [text.replace(/"dtype":"float32"/, `"dtype":"int8"`), /model\["0.weight"\]: unknown dtype "int8"/],
      [text.replace(/"shape":\[8,4\]/, `"shape":[8,5]`), /shape \[8,5\] of float32 needs 160 bytes, the entry holds 128/],
    ];
    for (const [content, message] of cases) {
      writeFileSync(path, content);
      const error = await loadCheckpoint(path, { model: run(1).model }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ValueError);
      expect((error as ValueError).op).toBe("loadCheckpoint");
      expect((error as Error).message).toContain(path);
      expect((error as Error).message).toMatch(message);
    }
  });

  it("change nothing when a part refuses its state: the model is put back", async () => {
    const path = join(dir, "rollback.ckpt");
    const a = run(1);
    a.train(2);
    await saveCheckpoint(path, { model: a.model, optimizer: a.optimizer, step: 2 });
    const b = run(2);
    const sgd = new SGD(b.model.parameters(), { lr: 0.1 });
    const before = weights(b);
    await expect(loadCheckpoint(path, { model: b.model, optimizer: sgd })).rejects.toThrow(new ValueError("SGD", "state dict was written by Adam, not SGD"));
    expect(weights(b)).toEqual(before);
    await expect(loadCheckpoint(path, { model: b.model, loader: b.loader })).rejects.toThrow(/holds no loader state, but parts.loader was passed/);
    const other = mlp([4, 9, 3]);
    await expect(loadCheckpoint(path, { model: other })).rejects.toThrow(StateDictError);
  });
});

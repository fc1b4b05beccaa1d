import { mkdtemp, readdir, readFile, mkdir, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Rng } from "@tapegrad/core";
import { mlp } from "../mlp.js";
import { load, save } from "./io.js";
import { decodeSafetensors } from "./decode.js";
import { StateDictError } from "../stateDict.js";

const values = (m: ReturnType<typeof mlp>): number[][] => m.parameters().map((p) => Array.from(p.data));

describe("save / load", () => {
  it("round-trips a model through a file with PyTorch's keys and leaves no temporary file", async () => {
    const dir = await mkdtemp(join(tmpdir(), "tapegrad-nn-"));
    const path = join(dir, "model.safetensors");
    const a = mlp([3, 4, 2], { rng: new Rng(1) });
    await save(a, path, { metadata: { format: "pt" } });
    const b = await load(mlp([3, 4, 2], { rng: new Rng(2) }), path);
    expect(values(b)).toEqual(values(a));
    expect(Object.keys(decodeSafetensors(await readFile(path)))).toEqual(["0.bias", "0.weight", "2.bias", "2.weight"]);
    expect(await readdir(dir)).toEqual(["model.safetensors"]);
  });

  it("replaces an old file atomically: a failed save leaves it intact and cleans up", async () => {
    const dir = await mkdtemp(join(tmpdir(), "tapegrad-nn-"));
    const path = join(dir, "model.safetensors");
    await save(mlp([2, 2], { rng: new Rng(1) }), path);
    const old = await readFile(path);
    // A save that fails while writing (bad metadata makes encoding throw) ...
    await expect(save(mlp([2, 2]), path, { metadata: { n: 1 as unknown as string } })).rejects.toThrow(/metadata values must be strings/);
    // ... and one that fails at the rename (the target is a non-empty directory).
    const blocked = join(dir, "blocked");
    await mkdir(blocked);
    await writeFile(join(blocked, "keep"), "x");
    await expect(save(mlp([2, 2]), blocked)).rejects.toThrow();
    expect(await readFile(path)).toEqual(old);
    expect((await readdir(dir)).sort()).toEqual(["blocked", "model.safetensors"]);
  });

  it("load refuses a file for another architecture without changing the model", async () => {
    const dir = await mkdtemp(join(tmpdir(), "tapegrad-nn-"));
    const path = join(dir, "small.safetensors");
    await save(mlp([2, 3, 1]), path);
    const other = mlp([2, 5, 1], { rng: new Rng(3) });
    const before = values(other);
    await expect(load(other, path)).rejects.toThrow(StateDictError);
    await expect(load(other, path)).rejects.toThrow(/"0.weight" has shape \[3,2\], the module expects \[5,2\]/);
    expect(values(other)).toEqual(before);
  });
});

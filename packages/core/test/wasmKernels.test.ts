import { describe, expect, it } from "vitest";
import { setKernels } from "@tapegrad/core";
import {
  add32, block, br, brIf, const32, defineWasmKernel, end, f32x4Add, geU32, get, i32, load128, loop, mul32, runInBlocks, set, store128,
  module, type Func, type WasmBuildContext,
} from "@tapegrad/core/wasm";

/**
 * A kernel brought from outside core (`@tapegrad/core/wasm`): `addGroups(p, g, groups)` adds the float32
 * groups of four at g to those at p, staged by `runInBlocks`; checked against a plain loop.
 */
function addGroupsFunc(): Func {
  const [p, g, groups, at, stop] = [0, 1, 2, 3, 4];
  const addr = (base: number) => [...get(base), ...get(at), ...add32];
  return {
    name: "addGroups",
    params: [i32, i32, i32],
    results: [],
    locals: [i32, i32],
    body: [
      ...get(groups), ...const32(16), ...mul32, ...set(stop),
      ...block, ...loop,
      ...get(at), ...get(stop), ...geU32, ...brIf(1),
      ...addr(p), ...addr(p), ...load128(), ...addr(g), ...load128(), ...f32x4Add, ...store128(),
      ...get(at), ...const32(16), ...add32, ...set(at),
      ...br(0),
      ...end, ...end,
    ],
  };
}

const kernel = defineWasmKernel<{ addGroups(p: number, g: number, groups: number): void }>({ name: "addGroups", build: () => [addGroupsFunc()] });

describe("defineWasmKernel and runInBlocks", () => {
  it.each([1, 7, 8, 9, 29])("runs an outside kernel over %i elements in blocks of 8, as a plain loop would", (n) => {
    const p = Float32Array.from({ length: n }, (_, i) => i);
    const g = Float32Array.from({ length: n }, (_, i) => 100 * i + 0.5);
    const want = p.map((v, i) => v + g[i]!);
    const k = kernel.acquire();
    expect(k).not.toBeNull();
    runInBlocks(k!, { operands: [p, g], updated: [0], block: 8 }, ([atP, atG], groups) => k!.exports.addGroups(atP!, atG!, groups));
    expect(p).toEqual(want);
    expect(g[0]).toBe(0.5); // not an updated operand: left as it was
  });

  it("is not offered under the reference kernels", () => {
    const previous = setKernels("reference");
    try {
      expect(kernel.acquire()).toBeNull();
    } finally {
      setKernels(previous);
    }
    expect(kernel.acquire()).not.toBeNull();
  });

  it("takes a module's bytes as well as functions, built for the memory it is told of", () => {
    const seen: WasmBuildContext[] = [];
    const fromBytes = defineWasmKernel<{ addGroups(p: number, g: number, groups: number): void }>({
      name: "addGroups (bytes)",
      build: (context) => (seen.push(context), module([addGroupsFunc()], context.memory)),
    });
    const k = fromBytes.acquire()!;
    fromBytes.acquire();
    expect(seen).toHaveLength(1); // built once
    const mem = k.scratch(8);
    mem.set([1, 2, 3, 4, 10, 20, 30, 40]);
    k.exports.addGroups(0, 16, 1);
    expect([...k.scratch(4).subarray(0, 4)]).toEqual([11, 22, 33, 44]);
  });
});

import { describe, expect, it } from "vitest";
import { setKernels } from "@tapegrad/core";
import {
  add32, block, br, brIf, const32, defineWasmKernel, end, f32x4Add, geU32, get, i32, isResident, load128, loop, mul32, residentCopy, residentZeros,
  runInBlocks, set, store128, module, type Func, type WasmBuildContext,
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
    k.exports.addGroups(mem.byteOffset, mem.byteOffset + 16, 1);
    expect([...k.scratch(4).subarray(0, 4)]).toEqual([11, 22, 33, 44]);
  });

  it.each([1, 7, 29])("runs in place, with no staging, on %i resident elements; staged if one operand is not resident", (n) => {
    const k = kernel.acquire()!;
    const p = residentCopy(Float32Array.from({ length: n }, (_, i) => i))!;
    const g = residentCopy(Float32Array.from({ length: n }, (_, i) => 100 * i + 0.5))!;
    expect([isResident(p), isResident(g), isResident(new Float32Array(n))]).toEqual([true, true, false]);
    const expected = p.map((v, i) => Math.fround(v + g[i]!));
    const addresses: number[] = [];
    runInBlocks(k, { operands: [p, g], updated: [0] }, (at, groups) => (addresses.push(...at), k.exports.addGroups(at[0]!, at[1]!, groups)));
    expect([...p]).toEqual([...expected]);
    // In place: the kernel was handed the arrays' own addresses (their byte offsets in the memory).
    expect(addresses).toEqual([p.byteOffset, g.byteOffset]);
    const plain = Float32Array.from(g);
    runInBlocks(k, { operands: [p, plain], updated: [0] }, (at, groups) => k.exports.addGroups(at[0]!, at[1]!, groups));
    expect([...p]).toEqual([...expected.map((v, i) => Math.fround(v + g[i]!))]);
  });

  it("gives zeroed resident arrays that scratch space never overlaps, and none under the reference kernels", () => {
    const k = kernel.acquire()!;
    const a = residentZeros(10)!;
    a.fill(7);
    const mem = k.scratch(64);
    mem.fill(-1);
    expect(mem.byteOffset).toBeGreaterThanOrEqual(a.byteOffset + 40);
    expect([...a]).toEqual(new Array(10).fill(7));
    setKernels("reference");
    try {
      expect(residentZeros(4)).toBeNull();
    } finally {
      setKernels("fast");
    }
  });
});


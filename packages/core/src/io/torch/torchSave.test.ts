import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { DTypeError, isPyTuple, pyTuple, Rng, Tensor, tensor, ValueError, type TorchValue } from "../../index.js";
import { decodeTorchSave, encodeTorchSave } from "./torchSave.js";
import { readZip, writeZip } from "./zip.js";
import { runs } from "../../../../../test-support/fuzz.js";
import { byteDamage, damageBytes } from "../../../../../test-support/byteDamage.js";
import { describeCatalogue, type CatalogueRow } from "../../../../../test-support/catalogue.js";

/** Random tensors of the three dtypes, zero-size and scalar shapes included. */
const tensors = fc
  .record({ shape: fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 3 }), dtype: fc.constantFrom("float32" as const, "float64" as const, "int32" as const), seed: fc.integer() })
  .map(({ shape, dtype, seed }) => {
    const rng = new Rng(seed);
    const size = shape.reduce((a, b) => a * b, 1);
    const values = Array.from({ length: size }, () => rng.normal() * 1e3);
    return tensor(dtype === "float64" ? Float64Array.from(values) : dtype === "int32" ? Int32Array.from(values) : Float32Array.from(values), { shape });
  });

/** Random Python values of the kinds a checkpoint holds. */
const { value: values } = fc.letrec<{ value: TorchValue }>((tie) => ({
  value: fc.oneof(
    { depthSize: "small" },
    fc.constant(null),
    fc.boolean(),
    fc.integer({ min: -(2 ** 40), max: 2 ** 40 }),
    fc.double(),
    fc.string(),
    tensors,
    fc.array(tie("value"), { maxLength: 3 }),
    fc.array(tie("value"), { maxLength: 3 }).map((xs) => pyTuple(...xs)),
    fc.dictionary(fc.string(), tie("value"), { maxKeys: 3 }),
    fc.uniqueArray(fc.tuple(fc.nat(), tie("value")), { selector: ([k]) => k, minLength: 1, maxLength: 3 }).map((pairs) => new Map(pairs)),
  ),
}));

/** Deep equality on decoded values: tensors by dtype, shape and bits; tuples stay tuples. */
function expectSame(got: TorchValue, want: TorchValue): void {
  if (want instanceof Tensor) {
    expect(got).toBeInstanceOf(Tensor);
    const g = got as Tensor;
    expect([g.dtype, g.shape]).toEqual([want.dtype, want.shape]);
    expect(Array.from(g.data)).toEqual(Array.from(want.data));
  } else if (Array.isArray(want)) {
    expect(isPyTuple(got)).toBe(isPyTuple(want));
    expect((got as TorchValue[]).length).toBe(want.length);
    want.forEach((w, i) => expectSame((got as TorchValue[])[i]!, w));
  } else if (want instanceof Map) {
    expect([...(got as Map<number, TorchValue>).keys()]).toEqual([...want.keys()]);
    for (const [k, w] of want) expectSame((got as Map<number, TorchValue>).get(k)!, w);
  } else if (typeof want === "object" && want !== null) {
    expect(Object.keys(got as object)).toEqual(Object.keys(want));
    for (const [k, w] of Object.entries(want)) expectSame((got as Record<string, TorchValue>)[k]!, w);
  } else {
    expect(Object.is(got, want) || (typeof want === "number" && Number.isInteger(want) && got === want)).toBe(true);
  }
}

describe("encodeTorchSave / decodeTorchSave", () => {
  it("round-trips any dicts, lists, tuples, numbers, strings and tensors", () => {
    fc.assert(fc.property(values, (v) => expectSame(decodeTorchSave(encodeTorchSave(v)), v)), runs());
  });

  it("lays the archive out as torch.save does: archive/data.pkl, data/<key> in key order, version 3, data 64-byte aligned", () => {
    const sd = Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`w${i}`, tensor([i], { dtype: "float64" })]));
    const bytes = encodeTorchSave(sd);
    const entries = readZip("test", bytes);
    expect([...entries.keys()]).toEqual(["archive/data.pkl", "archive/data/0", "archive/data/1", "archive/data/10", ...Array.from({ length: 8 }, (_, i) => `archive/data/${i + 2}`), "archive/version"]);
    expect(new TextDecoder().decode(entries.get("archive/version"))).toBe("3\n");
    for (const [name, data] of entries) if (name.includes("/data/")) expect(data.byteOffset % 64).toBe(0);
    expect(new DataView(entries.get("archive/data/10")!.slice().buffer).getFloat64(0, true)).toBe(10);
    expect(encodeTorchSave(sd)).toEqual(bytes); // deterministic: no timestamps
  });

  it("reads a file PyTorch 1.13 wrote: OrderedDict state dicts, views with offsets and strides, int64, tuples, int keys", () => {
    const bytes = new Uint8Array(readFileSync(new URL("../../../test/fixtures/torch-sample.pt", import.meta.url)));
    const v = decodeTorchSave(bytes) as Record<string, TorchValue>;
    const t = (k: string): Tensor => v[k] as Tensor;
    const sd = v.state_dict as Record<string, Tensor>;
    expect(Object.keys(sd)).toEqual(["weight", "bias"]);
    expect(sd.weight!.toArray()).toEqual([[1, -2], [0.5, 0.25], [-1.5, 3]]);
    expect(sd.bias!.dtype).toBe("float64");
    expect(t("transposed").toArray()).toEqual([[0, 4, 8], [1, 5, 9], [2, 6, 10], [3, 7, 11]]);
    expect(t("column").toArray()).toEqual([1, 5, 9]);
    expect(t("shared").shape).toEqual([3, 4]);
    expect([t("int64").dtype, t("int64").toArray()]).toEqual(["int32", [-3, 0, 2147483647]]);
    expect([t("float32").dtype, t("float32").toArray()]).toEqual(["float32", [1.5, -0, Infinity]]);
    expect([t("scalar").shape, t("scalar").item()]).toEqual([[], 7]);
    expect(isPyTuple(v.tuple)).toBe(true);
    expect(v.tuple).toEqual([1, 2.5, "three", null, true]);
    expect(v.by_index).toEqual(new Map([[0, "a"], [10, "b"]]));
    expect(isPyTuple((v.nested as TorchValue[])[2])).toBe(true);
    expect([v.big, v.negative]).toEqual([2 ** 40, -(2 ** 40)]);
  });
});

/** A torch.save-shaped archive around a hand-written pickle, with optional extra records. */
function archive(pickle: number[] | Uint8Array, records: Record<string, Uint8Array> = {}): Uint8Array {
  return writeZip([
    { name: "archive/data.pkl", data: Uint8Array.from(pickle) },
    ...Object.entries(records).map(([name, data]) => ({ name: `archive/${name}`, data })),
    { name: "archive/version", data: new TextEncoder().encode("3\n") },
  ]);
}
const ascii = (s: string): number[] => [...new TextEncoder().encode(s)];
/** A pickled `_rebuild_tensor_v2` of a 2-element storage of type `storage` under key "0". */
const tensorPickle = (storage: string, numel = 2): number[] => [
  0x80, 2, 0x63, ...ascii("torch._utils\n_rebuild_tensor_v2\n"), 0x28, 0x28, 0x58, 7, 0, 0, 0, ...ascii("storage"),
  0x63, ...ascii(`torch\n${storage}\n`), 0x58, 1, 0, 0, 0, ...ascii("0"), 0x58, 3, 0, 0, 0, ...ascii("cpu"), 0x4b, numel, 0x74, 0x51,
  0x4b, 0, 0x4b, 2, 0x85, 0x4b, 1, 0x85, 0x89, 0x63, ...ascii("collections\nOrderedDict\n"), 0x29, 0x52, 0x74, 0x52, 0x2e,
];

describe("decodeTorchSave refuses bad files with a clear error", () => {
  const good = encodeTorchSave({ w: tensor([1, 2, 3], { dtype: "float64" }) });
  const storageAt = good.findIndex((_, i) => i % 64 === 0 && i > 0 && new DataView(good.buffer).getFloat64(i, true) === 1);
  const compressed = good.slice();
  const view = new DataView(compressed.buffer);
  view.setUint16(compressed.length - 22 - view.getUint32(compressed.length - 22 + 12, true) + 10, 8, true); // the first central entry's method: deflate
  const row = (bad: string, bytes: Uint8Array, says: string, error: CatalogueRow["error"] = ValueError): CatalogueRow => ({ bad, call: () => decodeTorchSave(bytes), error, op: "decodeTorchSave", says });
  describeCatalogue("the catalogue", [
    row("an empty file", new Uint8Array(0), "not a complete zip archive (0 bytes"),
    row("a truncated file", good.slice(0, good.length - 30), "not a complete zip archive"),
    row("a storage byte flipped", good.map((b, i) => (i === storageAt ? b ^ 1 : b)), 'entry "archive/data/0" fails its CRC-32 check'),
    row("a compressed entry", compressed, 'entry "archive/data.pkl" is compressed (method 8)'),
    row("the pre-1.6 format", Uint8Array.of(0x80, 2, 0x8a, 0x0a), "legacy torch.save format"),
    row("a zip without data.pkl", writeZip([{ name: "x/other", data: new Uint8Array(1) }]), "no <name>/data.pkl record"),
    row("a global that runs code", archive([0x80, 2, 0x63, ...ascii("os\nsystem\n"), 0x2e]), "global os.system is not allowed"),
    row("an unknown opcode", archive([0x80, 2, 0x49, 0x2e]), "opcode 0x49 at byte 2 is not one torch.save writes"),
    row("a truncated pickle", archive([0x80, 2, 0x58, 9, 0, 0, 0, 0x41]), "truncated at byte 7"),
    row("a float16 tensor", archive(tensorPickle("HalfStorage"), { "data/0": new Uint8Array(4) }), 'storage "0" is a torch.HalfStorage, which tapegrad does not read', DTypeError),
    row("a storage record of the wrong size", archive(tensorPickle("DoubleStorage"), { "data/0": new Uint8Array(12) }), "needs 16 bytes, its record holds 12"),
    row("a missing storage record", archive(tensorPickle("DoubleStorage")), 'storage "0" has no record archive/data/0'),
    row("a view past its storage", archive(tensorPickle("DoubleStorage", 1), { "data/0": new Uint8Array(8) }), "reaches past its storage of 1 elements"),
    row("an int64 beyond int32", archive(tensorPickle("LongStorage"), { "data/0": Uint8Array.of(0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0) }), "int64 element 4294967296 does not fit", DTypeError),
  ]);
});

describe("fuzz: damaged files either load or fail cleanly", () => {
  const clean = (bytes: Uint8Array): void => {
    try {
      decodeTorchSave(bytes);
    } catch (e) {
      expect(e instanceof ValueError || e instanceof DTypeError, String(e)).toBe(true);
      expect((e as Error).message).toMatch(/^decodeTorchSave: /);
    }
  };

  it("in the archive (the CRC-32s and offsets catch them)", () => {
    fc.assert(fc.property(values, byteDamage, (v, ms) => clean(damageBytes(encodeTorchSave(v), ms))), runs(300));
  });

  it("in the pickle, rewrapped with valid checksums (the unpickler must catch them)", () => {
    fc.assert(
      fc.property(values, byteDamage, (v, ms) => {
        const entries = [...readZip("test", encodeTorchSave(v))].map(([name, data]) => ({ name, data: name.endsWith("data.pkl") ? damageBytes(data, ms) : data }));
        clean(writeZip(entries));
      }),
      runs(1000),
    );
  });

  it("refuses containers nested past the limit instead of overflowing the stack", () => {
    const deep = [0x80, 2, ...Array.from({ length: 5000 }, () => 0x5d), ...Array.from({ length: 4999 }, () => 0x61), 0x2e];
    expect(() => decodeTorchSave(archive(deep))).toThrow(/containers nest deeper than 1000 levels/);
  });
});

import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { DTypeError, Rng, tensor, ValueError, type Tensor } from "@tapegrad/core";
import { decodeSafetensors } from "./decode.js";
import { encodeSafetensors } from "./encode.js";
import { runs } from "../../../../test-support/fuzz.js";
import { byteDamage, damageBytes } from "../../../../test-support/byteDamage.js";

/** Named tensors of random shapes (zero-size dims included), dtypes and values. */
const stateDicts = fc
  .uniqueArray(
    fc.record({
      name: fc.stringMatching(/^[a-z0-9_.]{1,12}$/).filter((n) => !["constructor", "prototype"].includes(n)),
      shape: fc.array(fc.integer({ min: 0, max: 4 }), { maxLength: 3 }),
      dtype: fc.constantFrom("float32" as const, "float64" as const, "int32" as const),
      seed: fc.integer(),
    }),
    { selector: (e) => e.name, maxLength: 5 },
  )
  .map((entries) => {
    const out: Record<string, Tensor> = {};
    for (const { name, shape, dtype, seed } of entries) {
      const rng = new Rng(seed);
      const size = shape.reduce((a, b) => a * b, 1);
      const values = Array.from({ length: size }, () => rng.normal() * 1e3);
      const storage = dtype === "float64" ? Float64Array.from(values) : dtype === "int32" ? Int32Array.from(values, (v) => v * 1e6) : Float32Array.from(values);
      out[name] = tensor(storage, { shape });
    }
    return out;
  });

/** A file by hand: the header object as given (unsorted, unpadded unless asked) and the data bytes. */
function file(header: unknown, data: Uint8Array = new Uint8Array(0), headerLength?: bigint): Uint8Array {
  const json = new TextEncoder().encode(typeof header === "string" ? header : JSON.stringify(header));
  const bytes = new Uint8Array(8 + json.length + data.length);
  new DataView(bytes.buffer).setBigUint64(0, headerLength ?? BigInt(json.length), true);
  bytes.set(json, 8);
  bytes.set(data, 8 + json.length);
  return bytes;
}
const f32 = (values: number[]): Uint8Array => new Uint8Array(Float32Array.from(values).buffer);

function expectSame(got: Record<string, Tensor>, want: Record<string, Tensor>): void {
  expect(Object.keys(got).sort()).toEqual(Object.keys(want).sort());
  for (const [name, t] of Object.entries(want)) {
    expect(got[name]!.shape).toEqual(t.shape);
    expect(got[name]!.dtype).toBe(t.dtype);
    expect(Array.from(got[name]!.data)).toEqual(Array.from(t.data));
  }
}

describe("encodeSafetensors / decodeSafetensors", () => {
  it("round-trips any names, shapes, dtypes and values exactly", () => {
    fc.assert(fc.property(stateDicts, (sd) => expectSame(decodeSafetensors(encodeSafetensors(sd)), sd)), runs());
  });

  it("lays the file out as the safetensors library does: u64 LE length, JSON padded to 8 bytes, F64 first, then names sorted", () => {
    const bytes = encodeSafetensors({ c: tensor([3]), b: tensor([1.5], { dtype: "float64" }), a: tensor([[1, -2]]) }, { format: "pt" });
    const n = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    expect(n % 8).toBe(0);
    const json = new TextDecoder().decode(bytes.subarray(8, 8 + n));
    expect(json.trimEnd()).toBe(
      '{"__metadata__":{"format":"pt"},"b":{"dtype":"F64","shape":[1],"data_offsets":[0,8]},' +
        '"a":{"dtype":"F32","shape":[1,2],"data_offsets":[8,16]},"c":{"dtype":"F32","shape":[1],"data_offsets":[16,20]}}',
    );
    expect(json.slice(json.trimEnd().length)).toMatch(/^ *$/);
    const data = new DataView(bytes.buffer, 8 + n);
    expect([data.getFloat64(0, true), data.getFloat32(8, true), data.getFloat32(12, true), data.getFloat32(16, true)]).toEqual([1.5, 1, -2, 3]);
    expect(bytes.length).toBe(8 + n + 20);
  });

  it("reads and writes I32 tensors (class labels, counts) as int32, little-endian", () => {
    const labels = Int32Array.of(3, -1, 2147483647, -2147483648);
    const bytes = file({ labels: { dtype: "I32", shape: [2, 2], data_offsets: [0, 16] } }, new Uint8Array(labels.buffer));
    const got = decodeSafetensors(bytes).labels!;
    expect(got.dtype).toBe("int32");
    expect(got.shape).toEqual([2, 2]);
    expect(got.toArray()).toEqual([[3, -1], [2147483647, -2147483648]]);
    const written = encodeSafetensors({ labels: got });
    const n = Number(new DataView(written.buffer).getBigUint64(0, true));
    expect(new TextDecoder().decode(written.subarray(8, 8 + n)).trimEnd()).toBe('{"labels":{"dtype":"I32","shape":[2,2],"data_offsets":[0,16]}}');
    expect(Array.from(new Int32Array(written.slice(8 + n).buffer))).toEqual(Array.from(labels));
  });

  it("orders integer-like names as strings, as the data is laid out", () => {
    const bytes = encodeSafetensors({ "10": tensor([1]), "2": tensor([2]) });
    const json = new TextDecoder().decode(bytes.subarray(8)).trimEnd();
    expect(json.indexOf('"10"')).toBeLessThan(json.indexOf('"2"'));
    expect(Array.from(decodeSafetensors(bytes)["2"]!.data)).toEqual([2]);
  });

  it("decodes from a view into a larger buffer, at an unaligned offset", () => {
    const inner = encodeSafetensors({ w: tensor([3, 4]) });
    const outer = new Uint8Array(inner.length + 3);
    outer.set(inner, 1);
    expect(Array.from(decodeSafetensors(outer.subarray(1, 1 + inner.length)).w!.data)).toEqual([3, 4]);
  });

  it("refuses reserved names when encoding", () => {
    expect(() => encodeSafetensors({ __metadata__: tensor([1]) })).toThrow(ValueError);
    expect(() => encodeSafetensors(JSON.parse('{"__proto__": 1}') as Record<string, Tensor>)).toThrow(/reserved/);
  });
});

describe("decodeSafetensors refuses bad files with a clear error", () => {
  const entry = { dtype: "F32", shape: [2], data_offsets: [0, 8] };
  const cases: [string, Uint8Array, RegExp][] = [
    ["an empty file", new Uint8Array(0), /truncated file: 0 bytes/],
    ["a file shorter than the length field", new Uint8Array(5), /truncated file: 5 bytes/],
    ["a header length larger than the file", file({ w: entry }, f32([1, 2]), 1000n), /header length 1000 is larger than the \d+ bytes after it/],
    ["a header of gigabytes", file({}, new Uint8Array(0), 5n * 2n ** 30n), /header length 5368709120 exceeds the 100000000-byte limit/],
    ["a header length near 2^64", file({}, new Uint8Array(0), 2n ** 64n - 1n), /exceeds the 100000000-byte limit/],
    ["a truncated data section", file({ w: entry }, f32([1])), /data_offsets \[0,8\] lie outside the 4 data bytes/],
    ["offsets past the data", file({ w: { ...entry, data_offsets: [8, 16] } }, f32([1, 2])), /lie outside/],
    ["reversed offsets", file({ w: { ...entry, data_offsets: [8, 0] } }, f32([1, 2])), /lie outside/],
    ["overlapping offsets", file({ a: entry, b: { ...entry, data_offsets: [4, 12] } }, f32([1, 2, 3])), /"b" \[4,12\] overlaps the tensor before it/],
    ["a gap in the data", file({ a: { ...entry, shape: [1], data_offsets: [4, 8] } }, f32([1, 2])), /bytes \[0,4\) of the data belong to no tensor/],
    ["bytes left over", file({ a: { ...entry, shape: [1], data_offsets: [0, 4] } }, f32([1, 2])), /cover 4 of the 8 data bytes/],
    ["a shape that does not match its bytes", file({ w: { ...entry, shape: [3] } }, f32([1, 2])), /"w" has shape \[3\] of F32, which needs 12 bytes, but data_offsets \[0,8\] hold 8/],
    ["a huge shape", file({ w: { ...entry, shape: [2 ** 40, 2 ** 40] } }, f32([1, 2])), /needs more than 2\^52 bytes/],
    ["a negative dimension", file({ w: { ...entry, shape: [-2] } }, f32([1, 2])), /shape must be an array of non-negative integers/],
    ["a fractional offset", file({ w: { ...entry, data_offsets: [0, 7.5] } }, f32([1, 2])), /data_offsets must be \[begin, end\]/],
    ["a missing field", file({ w: { dtype: "F32", shape: [2] } }, f32([1, 2])), /data_offsets must be/],
    ["an unknown field", file({ w: { ...entry, strides: [1] } }, f32([1, 2])), /unknown fields \["strides"\]/],
    ["a __proto__ key", file('{"__proto__":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}', f32([1, 2])), /tensor name "__proto__" is not allowed/],
    ["a constructor key", file({ constructor: entry }, f32([1, 2])), /"constructor" is not allowed/],
    ["invalid JSON", file("{not json", new Uint8Array(0)), /not valid UTF-8 JSON/],
    ["invalid UTF-8", file(String.fromCharCode(0), new Uint8Array(0)).map((b, i) => (i === 8 ? 0xff : b)), /not valid UTF-8 JSON/],
    ["a JSON array", file([1, 2]), /must be a JSON object, got an array/],
    ["a JSON null", file("null"), /must be a JSON object, got object/],
    ["an entry that is not an object", file({ w: 3 }), /"w" must be an object/],
    ["bad metadata", file({ __metadata__: { a: 1 } }), /__metadata__ must map strings to strings/],
  ];
  it.each(cases)("%s", (_, bytes, message) => {
    expect(() => decodeSafetensors(bytes)).toThrow(ValueError);
    expect(() => decodeSafetensors(bytes)).toThrow(message);
  });

  it.each([
    ["F16", /"w" has dtype "F16", which is not supported by tapegrad \(supported: F32, F64, I32, and I64 read into int32\)/],
    ["U64", /not supported by tapegrad/],
    ["F33", /"F33", which is not a safetensors dtype/],
    ["toString", /not a safetensors dtype/],
  ])("dtype %s is a DTypeError", (dtype, message) => {
    const bytes = file({ w: { dtype, shape: [2], data_offsets: [0, 8] } }, f32([1, 2]));
    expect(() => decodeSafetensors(bytes)).toThrow(DTypeError);
    expect(() => decodeSafetensors(bytes)).toThrow(message);
  });

  it("accepts zero-size tensors and an empty file with only metadata", () => {
    expect(decodeSafetensors(file({ e: { dtype: "F64", shape: [0, 3], data_offsets: [0, 0] } })).e!.shape).toEqual([0, 3]);
    expect(decodeSafetensors(file({ __metadata__: { format: "pt" } }))).toEqual({});
  });
});

describe("fuzz: mutated valid files either load correctly or fail cleanly", () => {
  it("never crashes, hangs or reads past the buffer", () => {
    fc.assert(
      fc.property(stateDicts, byteDamage, (sd, ms) => {
        const original = encodeSafetensors(sd);
        const mutated = damageBytes(original, ms);
        // Decode from a view inside a larger buffer filled with a marker: reading past the view's end
        // would pick the marker up into values or lengths instead of failing.
        const padded = new Uint8Array(mutated.length + 64).fill(0x41);
        padded.set(mutated);
        let result: Record<string, Tensor>;
        try {
          result = decodeSafetensors(padded.subarray(0, mutated.length));
        } catch (e) {
          expect(e instanceof ValueError || e instanceof DTypeError).toBe(true);
          expect((e as Error).message).toMatch(/^decodeSafetensors: /);
          return;
        }
        // It loaded: then it must be exactly what re-encoding describes, and tile the bytes it came from.
        expect(Object.getPrototypeOf(result)).toBe(Object.prototype);
        expectSame(decodeSafetensors(encodeSafetensors(result)), result);
        const n = Number(new DataView(mutated.buffer).getBigUint64(0, true));
        const dataBytes = Object.values(result).reduce((s, t) => s + t.size * (t.dtype === "float64" ? 8 : 4), 0);
        expect(8 + n + dataBytes).toBe(mutated.length);
      }),
      runs(2000),
    );
  });

  it("changes of data bytes alone load, with exactly those bytes", () => {
    fc.assert(
      fc.property(stateDicts, fc.nat(), fc.integer({ min: 0, max: 255 }), (sd, at, value) => {
        const bytes = encodeSafetensors(sd);
        const n = 8 + Number(new DataView(bytes.buffer).getBigUint64(0, true));
        if (bytes.length === n) return;
        const i = n + (at % (bytes.length - n));
        const mutated = bytes.slice();
        mutated[i] = value;
        const reencoded = encodeSafetensors(decodeSafetensors(mutated));
        // NaN payloads may canonicalise; every other value round-trips bit for bit.
        const same = reencoded.every((b, k) => b === mutated[k]);
        const nan = Object.values(decodeSafetensors(mutated)).some((t) => t.data.some(Number.isNaN));
        expect(same || nan).toBe(true);
      }),
      runs(300),
    );
  });
});

import { ValueError } from "../../errors.js";
import { Tensor } from "../../tensor.js";
import { isPyTuple, type TorchValue } from "./values.js";

/**
 * Python's pickle, protocol 2, for the values of {@link TorchValue}: what `torch.save` writes into
 * `data.pkl`. Tensors become `torch._utils._rebuild_tensor_v2(storage, 0, size, stride, False,
 * OrderedDict())` with the storage as a persistent id `("storage", torch.<Type>Storage, key, "cpu",
 * numel)`, exactly as torch pickles a contiguous CPU tensor; `onTensor` names each tensor's storage.
 * @internal
 */
export function writePickle(value: TorchValue, onTensor: (t: Tensor) => { key: string; storageType: string }): Uint8Array {
  const out = new ByteWriter();
  out.bytes(0x80, 2); // PROTO 2
  writeValue(out, value, onTensor, new Set());
  out.bytes(0x2e); // STOP
  return out.result();
}

const MARK = 0x28;
const utf8 = new TextEncoder();

function writeValue(out: ByteWriter, value: TorchValue, onTensor: (t: Tensor) => { key: string; storageType: string }, open: Set<object>): void {
  if (value === null) return out.bytes(0x4e); // NONE
  if (value === true) return out.bytes(0x88); // NEWTRUE
  if (value === false) return out.bytes(0x89); // NEWFALSE
  if (typeof value === "number") return writeNumber(out, value);
  if (typeof value === "string") return writeString(out, value);
  if (value instanceof Tensor) return writeTensor(out, value, onTensor(value));
  if (typeof value !== "object") throw new ValueError("encodeTorchSave", `cannot pickle a ${typeof value}`);
  if (open.has(value)) throw new ValueError("encodeTorchSave", `the value contains itself`);
  open.add(value);
  const recurse = (v: TorchValue): void => writeValue(out, v, onTensor, open);
  if (Array.isArray(value)) {
    const items = value as readonly TorchValue[];
    if (isPyTuple(items)) {
      out.bytes(MARK);
      items.forEach(recurse);
      out.bytes(0x74); // TUPLE
    } else {
      out.bytes(0x5d, MARK); // EMPTY_LIST, MARK
      items.forEach(recurse);
      out.bytes(0x65); // APPENDS
    }
  } else {
    const pairs: [string | number, TorchValue][] = value instanceof Map ? [...value] : Object.entries(value);
    out.bytes(0x7d, MARK); // EMPTY_DICT, MARK
    for (const [k, v] of pairs) {
      if (typeof k === "number") writeNumber(out, k);
      else writeString(out, k);
      recurse(v);
    }
    out.bytes(0x75); // SETITEMS
  }
  open.delete(value);
}

/** Integers as Python ints (as torch writes `weight_decay: 0`), everything else as a Python float. */
function writeNumber(out: ByteWriter, n: number): void {
  if (Number.isSafeInteger(n) && !Object.is(n, -0)) {
    if (n >= 0 && n < 256) return out.bytes(0x4b, n); // BININT1
    if (n >= -(2 ** 31) && n < 2 ** 31) return out.int32(0x4a, n); // BININT
    // LONG1: little-endian two's complement of 8 bytes, enough for any safe integer.
    out.bytes(0x8a, 8);
    const b = new DataView(new ArrayBuffer(8));
    b.setBigInt64(0, BigInt(n), true);
    return out.raw(new Uint8Array(b.buffer));
  }
  const b = new DataView(new ArrayBuffer(9));
  b.setUint8(0, 0x47); // BINFLOAT, big-endian
  b.setFloat64(1, n, false);
  out.raw(new Uint8Array(b.buffer));
}

function writeString(out: ByteWriter, s: string): void {
  const bytes = utf8.encode(s);
  out.int32(0x58, bytes.length); // BINUNICODE
  out.raw(bytes);
}

function writeGlobal(out: ByteWriter, module: string, name: string): void {
  out.bytes(0x63); // GLOBAL
  out.raw(utf8.encode(`${module}\n${name}\n`));
}

function writeTensor(out: ByteWriter, t: Tensor, storage: { key: string; storageType: string }): void {
  const shape = t.shape;
  const strides = shape.map((_, i) => shape.slice(i + 1).reduce((a, b) => a * b, 1));
  const tuple = (xs: readonly number[]): void => {
    out.bytes(MARK);
    xs.forEach((x) => writeNumber(out, x));
    out.bytes(0x74);
  };
  writeGlobal(out, "torch._utils", "_rebuild_tensor_v2");
  out.bytes(MARK, MARK);
  writeString(out, "storage");
  writeGlobal(out, "torch", storage.storageType);
  writeString(out, storage.key);
  writeString(out, "cpu");
  writeNumber(out, t.size);
  out.bytes(0x74, 0x51); // TUPLE, BINPERSID
  writeNumber(out, 0);
  tuple(shape);
  tuple(strides);
  out.bytes(0x89); // requires_grad False: a state dict holds detached tensors
  writeGlobal(out, "collections", "OrderedDict");
  out.bytes(0x29, 0x52, 0x74, 0x52); // EMPTY_TUPLE, REDUCE (the hooks), TUPLE, REDUCE
}

/** An append-only byte buffer. */
class ByteWriter {
  #chunks: Uint8Array[] = [];
  #length = 0;
  bytes(...values: number[]): void {
    this.raw(Uint8Array.from(values));
  }
  int32(opcode: number, n: number): void {
    const b = new DataView(new ArrayBuffer(5));
    b.setUint8(0, opcode);
    b.setInt32(1, n, true);
    this.raw(new Uint8Array(b.buffer));
  }
  raw(chunk: Uint8Array): void {
    this.#chunks.push(chunk);
    this.#length += chunk.length;
  }
  result(): Uint8Array {
    const out = new Uint8Array(this.#length);
    let at = 0;
    for (const c of this.#chunks) {
      out.set(c, at);
      at += c.length;
    }
    return out;
  }
}

import { tensor } from "../../creation.js";
import { DTypeError, ValueError } from "../../errors.js";
import type { DType } from "../../dtype.js";
import type { Tensor } from "../../tensor.js";
import { writePickle } from "./pickle.js";
import { readPickle, type StorageRequest } from "./unpickle.js";
import type { TorchValue } from "./values.js";
import { readZip, writeZip, type ZipEntry } from "./zip.js";

/**
 * The file format of `torch.save` since PyTorch 1.6: a zip archive `archive/` holding `data.pkl` (the
 * pickled object, tensors as persistent references to storages), one `data/<key>` record per storage
 * (raw little-endian elements) and `version` ("3"). Writing it for real, rather than safetensors plus a
 * JSON side file, means `torch.load(path)` returns the checkpoint dict directly, optimizer state and all,
 * with no loader script; the pickle subset involved (dicts, lists, tuples, numbers, strings, tensors) is
 * small and fully specified, and reading it needs only the restricted unpickler of unpickle.ts.
 */

/** tapegrad's dtypes and torch's storage classes, both ways. */
const STORAGE_OF: Record<DType, string> = { float32: "FloatStorage", float64: "DoubleStorage", int32: "IntStorage" };
const READABLE: Record<string, { bytes: number; read: (v: DataView, at: number) => number; make: (n: number) => Float32Array | Float64Array | Int32Array }> = {
  FloatStorage: { bytes: 4, read: (v, at) => v.getFloat32(at, true), make: (n) => new Float32Array(n) },
  DoubleStorage: { bytes: 8, read: (v, at) => v.getFloat64(at, true), make: (n) => new Float64Array(n) },
  IntStorage: { bytes: 4, read: (v, at) => v.getInt32(at, true), make: (n) => new Int32Array(n) },
  // int64 (torch's default integer type) reads into int32, refusing values that do not fit.
  LongStorage: { bytes: 8, read: readInt64, make: (n) => new Int32Array(n) },
};

function readInt64(view: DataView, at: number): number {
  const v = view.getBigInt64(at, true);
  if (v > 2147483647n || v < -2147483648n) throw new DTypeError("decodeTorchSave", `an int64 element ${v} does not fit tapegrad's int32`);
  return Number(v);
}

const ARCHIVE = "archive";
/** The most elements a typed array holds here (a view with zero strides could claim more than its storage). */
const MAX_ELEMENTS = 2 ** 31 - 1;

/**
 * The bytes of a `torch.save` file holding `value`, which `torch.load` reads back as the same Python
 * structure (tensors on the CPU, contiguous, `requires_grad=False`).
 * @example
 * ```ts
 * const bytes = encodeTorchSave({ model: model.stateDict(), epoch: 3 });
 * // python: torch.load(path) == {"model": OrderedDict-like dict of tensors, "epoch": 3}
 * ```
 */
export function encodeTorchSave(value: TorchValue): Uint8Array {
  const storages: [string, Tensor][] = [];
  const pickle = writePickle(value, (t) => {
    const key = String(storages.length);
    storages.push([key, t]);
    return { key, storageType: STORAGE_OF[t.dtype] };
  });
  storages.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)); // torch writes its records in key order, as strings
  const entries: ZipEntry[] = [{ name: `${ARCHIVE}/data.pkl`, data: pickle }];
  for (const [key, t] of storages) entries.push({ name: `${ARCHIVE}/data/${key}`, data: littleEndianBytes(t) });
  entries.push({ name: `${ARCHIVE}/version`, data: new TextEncoder().encode("3\n") });
  return writeZip(entries);
}

function littleEndianBytes(t: Tensor): Uint8Array {
  const width = t.dtype === "float64" ? 8 : 4;
  const out = new Uint8Array(t.size * width);
  const view = new DataView(out.buffer);
  const data = t.data;
  for (let i = 0; i < data.length; i++) {
    if (t.dtype === "float64") view.setFloat64(i * width, data[i]!, true);
    else if (t.dtype === "int32") view.setInt32(i * width, data[i]!, true);
    else view.setFloat32(i * width, data[i]!, true);
  }
  return out;
}

/**
 * Reads a `torch.save` file (PyTorch ≥ 1.6's zip format) into {@link TorchValue}s: float32, float64 and
 * int32 tensors as such, int64 tensors as int32 (refusing values beyond its range). Other dtypes, any
 * global but the few a checkpoint needs, a truncated or corrupt archive and the pre-1.6 format are
 * refused with a clear error; nothing in the file is ever executed.
 * @example
 * ```ts
 * const checkpoint = decodeTorchSave(readFileSync("run.pt")) as { model: Record<string, Tensor> };
 * ```
 */
export function decodeTorchSave(bytes: Uint8Array): TorchValue {
  const op = "decodeTorchSave";
  if (bytes.length >= 2 && bytes[0] === 0x80 && bytes[1]! <= 5) {
    throw new ValueError(op, `this is the legacy torch.save format (before PyTorch 1.6), which is not supported; save with the default _use_new_zipfile_serialization=True`);
  }
  const records = readZip(op, bytes);
  const first = records.keys().next().value;
  const prefix = first === undefined ? "" : first.slice(0, first.indexOf("/") + 1);
  const pickle = records.get(`${prefix}data.pkl`);
  if (prefix === "" || pickle === undefined) throw new ValueError(op, `the archive has no <name>/data.pkl record: not a torch.save file`);
  const loaded = new Map<string, { type: string; values: Float32Array | Float64Array | Int32Array }>();
  return readPickle(pickle, {
    storage({ type, key, numel }: StorageRequest) {
      const seen = loaded.get(key);
      if (seen !== undefined) {
        if (seen.type !== type) throw new ValueError(op, `storage "${key}" is read as both ${seen.type} and ${type}`);
        return seen;
      }
      const kind = READABLE[type];
      if (kind === undefined) throw new DTypeError(op, `storage "${key}" is a torch.${type}, which tapegrad does not read (supported: ${Object.keys(READABLE).join(", ")})`);
      const record = records.get(`${prefix}data/${key}`);
      if (record === undefined) throw new ValueError(op, `storage "${key}" has no record ${prefix}data/${key}`);
      if (record.length !== numel * kind.bytes) throw new ValueError(op, `storage "${key}" of ${numel} elements of torch.${type} needs ${numel * kind.bytes} bytes, its record holds ${record.length}`);
      const view = new DataView(record.buffer, record.byteOffset, record.byteLength);
      const values = kind.make(numel);
      for (let i = 0; i < numel; i++) values[i] = kind.read(view, i * kind.bytes);
      const storage = { type, values };
      loaded.set(key, storage);
      return storage;
    },
    tensor(storage, offset, size, stride) {
      const { values } = storage as { values: Float32Array | Float64Array | Int32Array };
      const numel = size.reduce((a, b) => a * b, 1);
      if (numel > MAX_ELEMENTS) throw new ValueError(op, `a tensor of size [${size.join(",")}] has ${numel} elements, more than tapegrad's ${MAX_ELEMENTS}`);
      const last = numel === 0 ? offset : offset + size.reduce((s, d, i) => s + (d - 1) * stride[i]!, 0);
      if (last >= Math.max(values.length, numel === 0 ? offset + 1 : 0)) {
        throw new ValueError(op, `a tensor of size [${size.join(",")}], stride [${stride.join(",")}] at offset ${offset} reaches past its storage of ${values.length} elements`);
      }
      const out = new (values.constructor as new (n: number) => typeof values)(numel);
      // Gather through the strides: torch saves views (slices, transposes) with their base's storage.
      const index = new Array<number>(size.length).fill(0);
      for (let i = 0; i < numel; i++) {
        let at = offset;
        for (let d = 0; d < size.length; d++) at += index[d]! * stride[d]!;
        out[i] = values[at]!;
        for (let d = size.length - 1; d >= 0; d--) {
          if (++index[d]! < size[d]!) break;
          index[d] = 0;
        }
      }
      return tensor(out, { shape: size });
    },
  });
}

import { ValueError, type DType } from "@tapegrad/core";

/**
 * The safetensors layout (https://github.com/huggingface/safetensors): an 8-byte little-endian unsigned
 * header length N, N bytes of UTF-8 JSON mapping each tensor name to `{ dtype, shape, data_offsets }`
 * (offsets relative to the end of the header, end exclusive) plus an optional `__metadata__` map of
 * strings, padded with spaces to a multiple of 8 bytes, then the raw little-endian data.
 * @internal
 */
export const HEADER_LENGTH_BYTES = 8;

/** The header key that holds free-form string metadata instead of a tensor. @internal */
export const METADATA_KEY = "__metadata__";

/**
 * The largest header accepted: 100 MB, the limit of the reference implementation. A header is a few
 * bytes per tensor, so anything larger is a corrupt or hostile file, refused before it is decoded.
 * @internal
 */
export const MAX_HEADER_BYTES = 100_000_000;

/**
 * Safetensors dtype codes that tapegrad reads, with their byte widths: F32, F64 and I32 both ways, and I64
 * read only, into int32, because PyTorch writes its integer buffers (BatchNorm's `num_batches_tracked`) as
 * int64; a value outside int32's range is refused.
 * @internal
 */
export const SUPPORTED = {
  F32: { dtype: "float32", bytes: 4 },
  F64: { dtype: "float64", bytes: 8 },
  I32: { dtype: "int32", bytes: 4 },
  I64: { dtype: "int32", bytes: 8 },
} as const satisfies Record<string, { dtype: DType; bytes: number }>;

/** A supported dtype code. @internal */
export type Code = keyof typeof SUPPORTED;

/** The other codes of the format, refused with a message that says they are valid but unsupported. @internal */
export const UNSUPPORTED = new Set(["BOOL", "U8", "I8", "I16", "U16", "F16", "BF16", "U32", "U64", "F8_E4M3", "F8_E5M2", "C64"]);

/**
 * Names refused on both sides: `__proto__` and its friends would reach or replace `Object.prototype`
 * when a decoded record is indexed, so a file carrying them is treated as hostile.
 * @internal
 */
export const FORBIDDEN_NAMES = new Set(["__proto__", "constructor", "prototype"]);

/** The safetensors code of a tapegrad dtype. @internal */
export function codeOf(dtype: DType): Code {
  if (dtype === "float64") return "F64";
  return dtype === "int32" ? "I32" : "F32";
}

/** Writes one little-endian element of `code` at byte `at` (safetensors is little-endian on every host). @internal */
export function writeElement(view: DataView, code: Code, at: number, v: number): void {
  if (code === "F64") view.setFloat64(at, v, true);
  else if (code === "I32") view.setInt32(at, v, true);
  else view.setFloat32(at, v, true);
}

/** The values of `count` little-endian elements of `code` from byte `at`, in the matching typed array. @internal */
export function readElements(view: DataView, code: Code, at: number, count: number, name: string): Float32Array | Float64Array | Int32Array {
  if (code === "I64") {
    return Int32Array.from({ length: count }, (_, i) => {
      const v = view.getBigInt64(at + i * 8, true);
      if (v < -(2n ** 31n) || v >= 2n ** 31n) throw new ValueError("decodeSafetensors", `"${name}"[${i}] = ${v} (I64) does not fit in int32`);
      return Number(v);
    });
  }
  if (code === "F64") return Float64Array.from({ length: count }, (_, i) => view.getFloat64(at + i * 8, true));
  if (code === "I32") return Int32Array.from({ length: count }, (_, i) => view.getInt32(at + i * 4, true));
  return Float32Array.from({ length: count }, (_, i) => view.getFloat32(at + i * 4, true));
}

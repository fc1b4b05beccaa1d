import type { DType } from "@tapegrad/core";

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

/** Safetensors dtype codes that tapegrad reads and writes, with their byte widths. @internal */
export const SUPPORTED = { F32: { dtype: "float32", bytes: 4 }, F64: { dtype: "float64", bytes: 8 } } as const satisfies Record<string, { dtype: DType; bytes: number }>;

/** The other codes of the format, refused with a message that says they are valid but unsupported. @internal */
export const UNSUPPORTED = new Set(["BOOL", "U8", "I8", "I16", "U16", "F16", "BF16", "I32", "U32", "I64", "U64", "F8_E4M3", "F8_E5M2", "C64"]);

/**
 * Names refused on both sides: `__proto__` and its friends would reach or replace `Object.prototype`
 * when a decoded record is indexed, so a file carrying them is treated as hostile.
 * @internal
 */
export const FORBIDDEN_NAMES = new Set(["__proto__", "constructor", "prototype"]);

/** The safetensors code of a tapegrad dtype. @internal */
export function codeOf(dtype: DType): keyof typeof SUPPORTED {
  return dtype === "float64" ? "F64" : "F32";
}

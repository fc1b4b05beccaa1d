import { ValueError, type Tensor } from "@tapegrad/core";
import { codeOf, FORBIDDEN_NAMES, HEADER_LENGTH_BYTES, METADATA_KEY, SUPPORTED, writeElement } from "./format.js";

/**
 * Serialises named tensors to safetensors bytes, laid out as PyTorch's `safetensors` library writes
 * them: tensors ordered by dtype, widest first (so every F64 sits 8-byte aligned), then by name; the
 * header JSON in that order after `__metadata__`, padded with spaces to 8-byte alignment; values
 * little-endian on every platform. Pure: usable in a browser.
 * @example
 * ```ts
 * const bytes = encodeSafetensors({ w: tensor([[1, 2]]) }, { format: "pt" });
 * decodeSafetensors(bytes).w.toArray(); // [[1, 2]]
 * ```
 */
export function encodeSafetensors(tensors: Readonly<Record<string, Tensor>>, metadata?: Readonly<Record<string, string>>): Uint8Array {
  const width = (name: string): number => SUPPORTED[codeOf(tensors[name]!.dtype)].bytes;
  const names = Object.keys(tensors).sort((a, b) => width(b) - width(a) || (a < b ? -1 : a > b ? 1 : 0));
  // The JSON is assembled by hand: a JS object would list integer-like names ("10", "2") in numeric
  // order rather than in the order of the data.
  const entries: string[] = [];
  if (metadata !== undefined) {
    for (const [k, v] of Object.entries(metadata)) {
      if (typeof v !== "string") throw new ValueError("encodeSafetensors", `metadata values must be strings, "${k}" is ${typeof v}`);
    }
    entries.push(`${JSON.stringify(METADATA_KEY)}:${JSON.stringify(metadata)}`);
  }
  let offset = 0;
  for (const name of names) {
    if (name === METADATA_KEY || FORBIDDEN_NAMES.has(name) || name === "") {
      throw new ValueError("encodeSafetensors", `tensor name ${JSON.stringify(name)} is reserved or empty`);
    }
    const t = tensors[name]!;
    const code = codeOf(t.dtype);
    const end = offset + t.size * SUPPORTED[code].bytes;
    entries.push(`${JSON.stringify(name)}:${JSON.stringify({ dtype: code, shape: t.shape, data_offsets: [offset, end] })}`);
    offset = end;
  }
  const json = new TextEncoder().encode(`{${entries.join(",")}}`);
  const padded = Math.ceil(json.length / 8) * 8;
  const bytes = new Uint8Array(HEADER_LENGTH_BYTES + padded + offset);
  const view = new DataView(bytes.buffer);
  view.setBigUint64(0, BigInt(padded), true);
  bytes.set(json, HEADER_LENGTH_BYTES);
  bytes.fill(0x20, HEADER_LENGTH_BYTES + json.length, HEADER_LENGTH_BYTES + padded);
  let at = HEADER_LENGTH_BYTES + padded;
  for (const name of names) {
    const t = tensors[name]!;
    const code = codeOf(t.dtype);
    for (const v of t.data) {
      writeElement(view, code, at, v);
      at += SUPPORTED[code].bytes;
    }
  }
  return bytes;
}

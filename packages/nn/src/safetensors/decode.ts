import { DTypeError, tensor, ValueError, type Tensor } from "@tapegrad/core";
import { FORBIDDEN_NAMES, HEADER_LENGTH_BYTES, MAX_HEADER_BYTES, METADATA_KEY, readElements, SUPPORTED, UNSUPPORTED } from "./format.js";

const OP = "decodeSafetensors";
const fail = (message: string): never => {
  throw new ValueError(OP, message);
};

/** One header entry after validation: where its bytes lie and what they hold. */
interface Entry {
  readonly name: string;
  readonly code: keyof typeof SUPPORTED;
  readonly shape: number[];
  readonly begin: number;
  readonly end: number;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const isIndex = (v: unknown): v is number => typeof v === "number" && Number.isSafeInteger(v) && v >= 0;

/** Reads and bounds-checks the header length, then decodes the header as strict UTF-8 JSON. */
function readHeader(bytes: Uint8Array): Record<string, unknown> {
  if (bytes.length < HEADER_LENGTH_BYTES) fail(`truncated file: ${bytes.length} bytes, but a safetensors file starts with an 8-byte header length`);
  const length = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getBigUint64(0, true);
  if (length > BigInt(MAX_HEADER_BYTES)) fail(`header length ${length} exceeds the ${MAX_HEADER_BYTES}-byte limit`);
  const n = Number(length);
  if (n > bytes.length - HEADER_LENGTH_BYTES) fail(`header length ${n} is larger than the ${bytes.length - HEADER_LENGTH_BYTES} bytes after it (truncated file?)`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(HEADER_LENGTH_BYTES, HEADER_LENGTH_BYTES + n)));
  } catch (e) {
    return fail(`the header is not valid UTF-8 JSON (${(e as Error).message})`);
  }
  if (!isRecord(parsed)) return fail(`the header must be a JSON object, got ${Array.isArray(parsed) ? "an array" : typeof parsed}`);
  return parsed;
}

/** Checks one header entry's fields, dtype, shape and byte count. */
function readEntry(name: string, info: unknown, dataLength: number): Entry {
  if (FORBIDDEN_NAMES.has(name)) fail(`tensor name ${JSON.stringify(name)} is not allowed`);
  if (!isRecord(info)) return fail(`"${name}" must be an object with dtype, shape and data_offsets`);
  const extra = Object.keys(info).filter((k) => k !== "dtype" && k !== "shape" && k !== "data_offsets");
  if (extra.length) fail(`"${name}" has unknown fields ${JSON.stringify(extra)}`);
  const { dtype, shape, data_offsets: offsets } = info;
  if (typeof dtype !== "string") return fail(`"${name}".dtype must be a string, got ${JSON.stringify(dtype)}`);
  if (!Object.hasOwn(SUPPORTED, dtype)) {
    const why = UNSUPPORTED.has(dtype) ? "is not supported by tapegrad" : "is not a safetensors dtype";
    throw new DTypeError(OP, `"${name}" has dtype ${JSON.stringify(dtype)}, which ${why} (supported: F32, F64, I32, and I64 read into int32)`);
  }
  const code = dtype as keyof typeof SUPPORTED;
  if (!Array.isArray(shape) || !shape.every(isIndex)) return fail(`"${name}".shape must be an array of non-negative integers, got ${JSON.stringify(shape)}`);
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isIndex)) {
    return fail(`"${name}".data_offsets must be [begin, end] non-negative integers, got ${JSON.stringify(offsets)}`);
  }
  const [begin, end] = offsets as [number, number];
  if (begin > end || end > dataLength) fail(`"${name}".data_offsets [${begin},${end}] lie outside the ${dataLength} data bytes`);
  // The byte count saturates at Infinity once it passes 2^52, so a huge shape cannot lose precision.
  let bytes: number = SUPPORTED[code].bytes;
  for (const d of shape) bytes = d === 0 ? 0 : bytes * d > 2 ** 52 ? Infinity : bytes * d;
  if (bytes !== end - begin) {
    fail(`"${name}" has shape [${shape.join(",")}] of ${code}, which needs ${bytes === Infinity ? "more than 2^52" : bytes} bytes, but data_offsets [${begin},${end}] hold ${end - begin}`);
  }
  return { name, code, shape, begin, end };
}

/** Checks that the entries tile the data exactly: no overlap, no gap, nothing left over. */
function checkTiling(entries: readonly Entry[], dataLength: number): void {
  const sorted = [...entries].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let at = 0;
  for (const e of sorted) {
    if (e.begin < at) fail(`"${e.name}" [${e.begin},${e.end}] overlaps the tensor before it (which ends at ${at})`);
    if (e.begin > at) fail(`bytes [${at},${e.begin}) of the data belong to no tensor (before "${e.name}")`);
    at = e.end;
  }
  if (at !== dataLength) fail(`the tensors cover ${at} of the ${dataLength} data bytes`);
}

function checkMetadata(metadata: unknown): void {
  if (!isRecord(metadata) || !Object.values(metadata).every((v) => typeof v === "string")) {
    fail(`${METADATA_KEY} must map strings to strings, got ${JSON.stringify(metadata).slice(0, 100)}`);
  }
}

/**
 * Parses safetensors bytes into named tensors (F32, F64 and I32), refusing anything malformed with a
 * `ValueError` (or a `DTypeError` for other dtypes) that says what is wrong: a truncated file, a header
 * length beyond the file or above 100 MB, invalid JSON, offsets outside the data or overlapping or
 * leaving gaps, a shape that does not match its byte count, a name such as `__proto__`. Nothing is read
 * past the buffer. Pure: usable in a browser.
 * @example
 * ```ts
 * const { weight } = decodeSafetensors(await readFile("linear.safetensors"));
 * weight.shape; // [3, 4]
 * ```
 */
export function decodeSafetensors(bytes: Uint8Array): Record<string, Tensor> {
  const header = readHeader(bytes);
  const dataStart = HEADER_LENGTH_BYTES + Number(new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getBigUint64(0, true));
  const dataLength = bytes.length - dataStart;
  const entries: Entry[] = [];
  for (const [name, info] of Object.entries(header)) {
    if (name === METADATA_KEY) checkMetadata(info);
    else entries.push(readEntry(name, info, dataLength));
  }
  checkTiling(entries, dataLength);
  const view = new DataView(bytes.buffer, bytes.byteOffset + dataStart, dataLength);
  const out: Record<string, Tensor> = {};
  for (const { name, code, shape, begin, end } of entries) {
    out[name] = tensor(readElements(view, code, begin, (end - begin) / SUPPORTED[code].bytes, name), { shape });
  }
  return out;
}

import { ValueError } from "../../errors.js";

/**
 * The zip container of a `torch.save` file: stored (uncompressed) entries whose data start on 64-byte
 * boundaries, as PyTorch's `PyTorchStreamWriter` lays them out.
 *
 * Why written here rather than with a zip library: a torch file needs exactly one kind of entry (stored,
 * aligned by padding the local header's extra field with an "FB" record, as torch does) and deterministic
 * bytes (fixed timestamps), and on reading every compression method, zip64 and encryption must be refused
 * with a clear error anyway. What remains is the fixed header layout of APPNOTE 4.3 and a CRC-32, both
 * fully specified; a general library would add compression paths this format never uses. Reading accepts
 * the zip64 end records PyTorch's writer always adds, but not entries over 4 GiB.
 */

/** One file inside the archive. @internal */
export interface ZipEntry {
  readonly name: string;
  readonly data: Uint8Array;
}

const LOCAL = 0x04034b50;
const CENTRAL = 0x02014b50;
const END = 0x06054b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_END = 0x06064b50;
const ALIGNMENT = 64;
/** 1980-01-01 00:00 in MS-DOS form, so that equal contents give equal bytes. */
const DOS_DATE = (0 << 9) | (1 << 5) | 1;

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** CRC-32 (ISO 3309, the zip checksum) of `bytes`. @internal */
export function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/**
 * The archive holding `entries` in the order given, each stored, with its data aligned to 64 bytes.
 * @internal
 */
export function writeZip(entries: readonly ZipEntry[]): Uint8Array {
  const encoder = new TextEncoder();
  const names = entries.map((e) => encoder.encode(e.name));
  const locals: { offset: number; padding: number }[] = [];
  let offset = 0;
  entries.forEach((e, i) => {
    const bare = offset + 30 + names[i]!.length;
    // The extra field holds one "FB" record (id 2 bytes, size 2 bytes, then filler), at least 4 bytes long.
    const padding = (ALIGNMENT - ((bare + 4) % ALIGNMENT)) % ALIGNMENT;
    locals.push({ offset, padding });
    offset = bare + 4 + padding + e.data.length;
  });
  const centralStart = offset;
  const centralSize = names.reduce((n, name) => n + 46 + name.length, 0);
  const out = new Uint8Array(centralStart + centralSize + 22);
  const view = new DataView(out.buffer);
  const crcs = entries.map((e) => crc32(e.data));
  entries.forEach((e, i) => {
    const { offset: at, padding } = locals[i]!;
    const name = names[i]!;
    view.setUint32(at, LOCAL, true);
    view.setUint16(at + 4, 20, true); // version needed: 2.0
    view.setUint16(at + 6, 0, true); // flags
    view.setUint16(at + 8, 0, true); // method: stored
    view.setUint16(at + 10, 0, true); // time
    view.setUint16(at + 12, DOS_DATE, true);
    view.setUint32(at + 14, crcs[i]!, true);
    view.setUint32(at + 18, e.data.length, true);
    view.setUint32(at + 22, e.data.length, true);
    view.setUint16(at + 26, name.length, true);
    view.setUint16(at + 28, 4 + padding, true);
    out.set(name, at + 30);
    const extra = at + 30 + name.length;
    out[extra] = 0x46; // "F"
    out[extra + 1] = 0x42; // "B"
    view.setUint16(extra + 2, padding, true);
    out.fill(0x5a, extra + 4, extra + 4 + padding); // "Z", torch's filler
    out.set(e.data, extra + 4 + padding);
  });
  let at = centralStart;
  entries.forEach((e, i) => {
    const name = names[i]!;
    view.setUint32(at, CENTRAL, true);
    view.setUint16(at + 4, 20, true); // version made by
    view.setUint16(at + 6, 20, true); // version needed
    view.setUint16(at + 12, 0, true);
    view.setUint16(at + 14, DOS_DATE, true);
    view.setUint32(at + 16, crcs[i]!, true);
    view.setUint32(at + 20, e.data.length, true);
    view.setUint32(at + 24, e.data.length, true);
    view.setUint16(at + 28, name.length, true);
    view.setUint32(at + 42, locals[i]!.offset, true);
    out.set(name, at + 46);
    at += 46 + name.length;
  });
  view.setUint32(at, END, true);
  view.setUint16(at + 8, entries.length, true);
  view.setUint16(at + 10, entries.length, true);
  view.setUint32(at + 12, centralSize, true);
  view.setUint32(at + 16, centralStart, true);
  if (out.length > 0xffffffff) throw new ValueError("encodeTorchSave", `the archive would be ${out.length} bytes; files over 4 GiB need zip64, which is not written`);
  return out;
}

/**
 * Every entry of a stored-only zip archive by name, each checked against its CRC-32. A truncated file,
 * a compressed or encrypted entry, zip64, or offsets outside the file are refused with a `ValueError`
 * from `op` naming what is wrong.
 * @internal
 */
export function readZip(op: string, bytes: Uint8Array): Map<string, Uint8Array> {
  const fail = (message: string): never => {
    throw new ValueError(op, message);
  };
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let end = -1;
  for (let i = bytes.length - 22; i >= Math.max(0, bytes.length - 22 - 0xffff); i--) {
    if (view.getUint32(i, true) === END && i + 22 + view.getUint16(i + 20, true) === bytes.length) {
      end = i;
      break;
    }
  }
  if (end < 0) return fail(`not a complete zip archive (${bytes.length} bytes, no end-of-central-directory record): the file is truncated or not a torch.save file`);
  let count = view.getUint16(end + 10, true);
  let centralSize = view.getUint32(end + 12, true);
  let centralStart = view.getUint32(end + 16, true);
  // PyTorch's writer adds zip64 end records to every file; their fields matter only where the plain ones overflow.
  if (end >= 20 && view.getUint32(end - 20, true) === ZIP64_LOCATOR && (count === 0xffff || centralSize === 0xffffffff || centralStart === 0xffffffff)) {
    const record = Number(view.getBigUint64(end - 12, true));
    if (record + 56 > end - 20 || view.getUint32(record, true) !== ZIP64_END) return fail(`the zip64 end record at offset ${record} is missing or malformed`);
    count = Number(view.getBigUint64(record + 32, true));
    centralSize = Number(view.getBigUint64(record + 40, true));
    centralStart = Number(view.getBigUint64(record + 48, true));
  }
  if (centralStart + centralSize > end) return fail(`the central directory [${centralStart}, ${centralStart + centralSize}) lies outside the ${end} bytes before its end record`);
  const decoder = new TextDecoder("utf-8", { fatal: true });
  const entries = new Map<string, Uint8Array>();
  let at = centralStart;
  for (let k = 0; k < count; k++) {
    if (at + 46 > centralStart + centralSize || view.getUint32(at, true) !== CENTRAL) return fail(`central directory entry ${k} is malformed`);
    const flags = view.getUint16(at + 8, true);
    const method = view.getUint16(at + 10, true);
    const crc = view.getUint32(at + 16, true);
    const size = view.getUint32(at + 20, true);
    const plainSize = view.getUint32(at + 24, true);
    const nameLength = view.getUint16(at + 28, true);
    const skip = nameLength + view.getUint16(at + 30, true) + view.getUint16(at + 32, true);
    const local = view.getUint32(at + 42, true);
    if (at + 46 + skip > centralStart + centralSize) return fail(`central directory entry ${k} runs past the directory`);
    let name = "";
    try {
      name = decoder.decode(bytes.subarray(at + 46, at + 46 + nameLength));
    } catch {
      fail(`central directory entry ${k} has a name that is not UTF-8`);
    }
    at += 46 + skip;
    if (flags & 1) return fail(`entry "${name}" is encrypted`);
    if (method !== 0) return fail(`entry "${name}" is compressed (method ${method}); torch.save writes stored entries only`);
    if (size === 0xffffffff || local === 0xffffffff) return fail(`entry "${name}" uses zip64 fields, which are not supported`);
    if (size !== plainSize) return fail(`entry "${name}" is stored but its sizes differ (${size} and ${plainSize})`);
    if (local + 30 > centralStart || view.getUint32(local, true) !== LOCAL) return fail(`entry "${name}" has no local header at offset ${local}`);
    const start = local + 30 + view.getUint16(local + 26, true) + view.getUint16(local + 28, true);
    if (start + size > centralStart) return fail(`entry "${name}" (${size} bytes at ${start}) runs past the data section: the file is truncated or corrupt`);
    const data = bytes.subarray(start, start + size);
    if (crc32(data) !== crc) return fail(`entry "${name}" fails its CRC-32 check: the file is corrupt`);
    if (entries.has(name)) return fail(`entry "${name}" appears twice`);
    entries.set(name, data);
  }
  return entries;
}

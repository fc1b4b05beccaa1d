import { ValueError } from "../../errors.js";
import { Tensor } from "../../tensor.js";
import { pyTuple, type TorchValue } from "./values.js";

/** A storage named by a persistent id: its `torch.<Type>Storage` name, key and element count. @internal */
export interface StorageRequest {
  readonly type: string;
  readonly key: string;
  readonly numel: number;
}

/** How the unpickler turns storages into tensors (see torchSave.ts). @internal */
export interface TensorRebuilder {
  storage(request: StorageRequest): unknown;
  tensor(storage: unknown, offset: number, size: readonly number[], stride: readonly number[]): Tensor;
}

/**
 * A restricted unpickler for what `torch.save` writes (protocols 2 to 4): dicts, lists, tuples, numbers,
 * strings, booleans, `None`, `collections.OrderedDict`, tensors through `torch._utils._rebuild_tensor_v2`
 * (and `_rebuild_parameter`) and storages as persistent ids. Every other global is refused by name, so
 * loading a file never runs code named in it, unlike Python's `pickle.load`.
 * @internal
 */
export function readPickle(bytes: Uint8Array, rebuild: TensorRebuilder): TorchValue {
  return new Unpickler(bytes, rebuild).run();
}

class PyDict {
  readonly map = new Map<string | number, unknown>();
}
class PyGlobal {
  constructor(readonly module: string, readonly name: string) {}
  get qualified(): string {
    return `${this.module}.${this.name}`;
  }
}
class StorageRef {
  constructor(readonly value: unknown) {}
}
/** The callables a torch checkpoint may name, besides the `torch.<Type>Storage` classes. */
const ALLOWED_GLOBALS = new Set(["collections.OrderedDict", "torch._utils._rebuild_tensor_v2", "torch._utils._rebuild_parameter"]);
const isStorageGlobal = (g: PyGlobal): boolean => g.module === "torch" && /^[A-Za-z0-9]+Storage$/.test(g.name);

const OP = "decodeTorchSave";
/** Deeper nesting than any checkpoint has; the limit keeps a hostile file from exhausting the call stack. */
const MAX_DEPTH = 1000;

class Unpickler {
  #at = 0;
  #stack: unknown[] = [];
  readonly #marks: number[] = [];
  readonly #memo = new Map<number, unknown>();
  readonly #view: DataView;
  constructor(readonly bytes: Uint8Array, readonly rebuild: TensorRebuilder) {
    this.#view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  fail(message: string): never {
    throw new ValueError(OP, `data.pkl: ${message}`);
  }

  #take(n: number): number {
    const at = this.#at;
    if (at + n > this.bytes.length) this.fail(`truncated at byte ${at} (needs ${n} more of ${this.bytes.length})`);
    this.#at += n;
    return at;
  }
  #u8 = (): number => this.bytes[this.#take(1)]!;
  #u16 = (): number => this.#view.getUint16(this.#take(2), true);
  #i32 = (): number => this.#view.getInt32(this.#take(4), true);
  #u32 = (): number => this.#view.getUint32(this.#take(4), true);
  #text(n: number): string {
    const at = this.#take(n);
    try {
      return new TextDecoder("utf-8", { fatal: true }).decode(this.bytes.subarray(at, at + n));
    } catch {
      return this.fail(`string at byte ${at} is not valid UTF-8`);
    }
  }
  #line(): string {
    const end = this.bytes.indexOf(0x0a, this.#at);
    if (end < 0) this.fail(`truncated at byte ${this.#at} (a GLOBAL without its newline)`);
    const text = this.#text(end - this.#at);
    this.#take(1);
    return text;
  }

  #pop(): unknown {
    const floor = this.#marks.length ? this.#marks[this.#marks.length - 1]! : 0;
    if (this.#stack.length <= floor) this.fail(`stack underflow at byte ${this.#at - 1}`);
    return this.#stack.pop();
  }
  #top(): unknown {
    const v = this.#pop();
    this.#stack.push(v);
    return v;
  }
  #popMark(): unknown[] {
    const mark = this.#marks.pop();
    if (mark === undefined) this.fail(`no MARK before byte ${this.#at - 1}`);
    return this.#stack.splice(mark);
  }
  #dict(where: string): PyDict {
    const d = this.#top();
    if (!(d instanceof PyDict)) this.fail(`${where} on a ${describe(d)}, not a dict`);
    return d;
  }
  #setItems(d: PyDict, flat: unknown[]): void {
    if (flat.length % 2) this.fail(`SETITEMS with an odd number of items`);
    for (let i = 0; i < flat.length; i += 2) {
      const key = flat[i];
      if (typeof key !== "string" && !(typeof key === "number" && Number.isSafeInteger(key))) this.fail(`dict key ${describe(key)} is not a string or an integer`);
      d.map.set(key, flat[i + 1]);
    }
  }

  run(): TorchValue {
    for (;;) {
      const at = this.#at;
      const op = this.#u8();
      switch (op) {
        case 0x80: this.#u8(); break; // PROTO
        case 0x95: this.#take(8); break; // FRAME
        case 0x2e: { // STOP
          const result = this.#pop();
          if (this.#stack.length || this.#marks.length) this.fail(`STOP with ${this.#stack.length} values left on the stack`);
          if (this.#at !== this.bytes.length) this.fail(`${this.bytes.length - this.#at} bytes after STOP`);
          return finish(result, this, new Set(), 0);
        }
        case 0x28: this.#marks.push(this.#stack.length); break; // MARK
        case 0x7d: this.#stack.push(new PyDict()); break; // EMPTY_DICT
        case 0x5d: this.#stack.push([]); break; // EMPTY_LIST
        case 0x29: this.#stack.push(new Tuple([])); break; // EMPTY_TUPLE
        case 0x74: this.#stack.push(new Tuple(this.#popMark())); break; // TUPLE
        case 0x85: case 0x86: case 0x87: { // TUPLE1..3
          const items = Array.from({ length: op - 0x84 }, () => this.#pop()).reverse();
          this.#stack.push(new Tuple(items));
          break;
        }
        case 0x64: { const d = new PyDict(); this.#setItems(d, this.#popMark()); this.#stack.push(d); break; } // DICT
        case 0x6c: this.#stack.push(this.#popMark()); break; // LIST
        case 0x73: { const v = this.#pop(); const k = this.#pop(); this.#setItems(this.#dict("SETITEM"), [k, v]); break; }
        case 0x75: { const flat = this.#popMark(); this.#setItems(this.#dict("SETITEMS"), flat); break; }
        case 0x61: case 0x65: { // APPEND, APPENDS
          const items = op === 0x61 ? [this.#pop()] : this.#popMark();
          const list = this.#top();
          if (!Array.isArray(list)) this.fail(`APPEND on a ${describe(list)}, not a list`);
          list.push(...items);
          break;
        }
        case 0x71: this.#memo.set(this.#u8(), this.#top()); break; // BINPUT
        case 0x72: this.#memo.set(this.#u32(), this.#top()); break; // LONG_BINPUT
        case 0x94: this.#memo.set(this.#memo.size, this.#top()); break; // MEMOIZE
        case 0x68: case 0x6a: { // BINGET, LONG_BINGET
          const key = op === 0x68 ? this.#u8() : this.#u32();
          if (!this.#memo.has(key)) this.fail(`memo entry ${key} is read before it is written`);
          this.#stack.push(this.#memo.get(key));
          break;
        }
        case 0x63: this.#stack.push(this.#global(this.#line(), this.#line())); break; // GLOBAL
        case 0x93: { const name = this.#pop(); const module = this.#pop(); this.#stack.push(this.#global(String(module), String(name))); break; }
        case 0x52: { const args = this.#pop(); const fn = this.#pop(); this.#stack.push(this.#reduce(fn, args)); break; } // REDUCE
        case 0x62: { // BUILD: only an OrderedDict's instance attributes (a state dict's _metadata), dropped
          this.#pop();
          if (!(this.#top() instanceof PyDict)) this.fail(`BUILD on a ${describe(this.#top())}`);
          break;
        }
        case 0x51: this.#stack.push(this.#persistent(this.#pop())); break; // BINPERSID
        case 0x4a: this.#stack.push(this.#i32()); break; // BININT
        case 0x4b: this.#stack.push(this.#u8()); break; // BININT1
        case 0x4d: this.#stack.push(this.#u16()); break; // BININT2
        case 0x8a: this.#stack.push(this.#long(this.#u8())); break; // LONG1
        case 0x47: this.#stack.push(this.#view.getFloat64(this.#take(8), false)); break; // BINFLOAT
        case 0x88: this.#stack.push(true); break;
        case 0x89: this.#stack.push(false); break;
        case 0x4e: this.#stack.push(null); break;
        case 0x58: this.#stack.push(this.#text(this.#u32())); break; // BINUNICODE
        case 0x8c: this.#stack.push(this.#text(this.#u8())); break; // SHORT_BINUNICODE
        case 0x30: this.#pop(); break; // POP
        case 0x31: this.#popMark(); break; // POP_MARK
        case 0x32: this.#stack.push(this.#top()); break; // DUP
        default: this.fail(`opcode 0x${op.toString(16).padStart(2, "0")} at byte ${at} is not one torch.save writes`);
      }
    }
  }

  #long(n: number): number {
    if (n > 8) this.fail(`an integer of ${n} bytes is too large`);
    const at = this.#take(n);
    let v = 0n;
    for (let i = n - 1; i >= 0; i--) v = (v << 8n) | BigInt(this.bytes[at + i]!);
    if (n > 0 && this.bytes[at + n - 1]! & 0x80) v -= 1n << BigInt(8 * n);
    if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < BigInt(Number.MIN_SAFE_INTEGER)) this.fail(`integer ${v} is beyond 2^53`);
    return Number(v);
  }

  #global(module: string, name: string): PyGlobal {
    const g = new PyGlobal(module, name);
    if (!ALLOWED_GLOBALS.has(g.qualified) && !isStorageGlobal(g)) {
      this.fail(`global ${g.qualified} is not allowed (a checkpoint may hold only dicts, lists, tuples, numbers, strings and tensors)`);
    }
    return g;
  }

  #reduce(fn: unknown, args: unknown): unknown {
    if (!(fn instanceof PyGlobal)) this.fail(`REDUCE calls a ${describe(fn)}`);
    if (!(args instanceof Tuple)) this.fail(`REDUCE of ${fn.qualified} without an argument tuple`);
    const a = args.items;
    if (fn.qualified === "collections.OrderedDict") {
      if (a.length !== 0) this.fail(`OrderedDict built from arguments is not supported`);
      return new PyDict();
    }
    if (fn.qualified === "torch._utils._rebuild_parameter") {
      if (!(a[0] instanceof Tensor)) this.fail(`_rebuild_parameter of a ${describe(a[0])}`);
      return a[0];
    }
    if (fn.qualified === "torch._utils._rebuild_tensor_v2") {
      const [storage, offset, size, stride] = a;
      if (!(storage instanceof StorageRef)) return this.fail(`_rebuild_tensor_v2 without a storage`);
      const ints = (v: unknown): number[] | null => (v instanceof Tuple && v.items.every((x) => Number.isSafeInteger(x) && (x as number) >= 0) ? (v.items as number[]) : null);
      const sizes = ints(size);
      const strides = ints(stride);
      if (!Number.isSafeInteger(offset) || (offset as number) < 0 || sizes === null || strides === null || sizes.length !== strides.length) {
        this.fail(`_rebuild_tensor_v2 with offset ${describe(offset)}, size ${describe(size)}, stride ${describe(stride)}`);
      }
      return this.rebuild.tensor(storage.value, offset as number, sizes, strides);
    }
    return this.fail(`${fn.qualified} cannot be called`);
  }

  #persistent(pid: unknown): StorageRef {
    const items = pid instanceof Tuple ? pid.items : [];
    const [tag, type, key, , numel] = items;
    if (tag !== "storage" || !(type instanceof PyGlobal) || !isStorageGlobal(type) || typeof key !== "string" || !Number.isSafeInteger(numel) || (numel as number) < 0) {
      this.fail(`persistent id ${describe(pid)} is not ("storage", torch.<Type>Storage, key, location, numel)`);
    }
    return new StorageRef(this.rebuild.storage({ type: type.name, key, numel: numel as number }));
  }
}

class Tuple {
  constructor(readonly items: unknown[]) {}
}

function describe(v: unknown): string {
  if (v === null) return "None";
  if (v instanceof PyDict) return "dict";
  if (v instanceof Tuple) return `tuple of ${v.items.length}`;
  if (v instanceof PyGlobal) return v.qualified;
  if (Array.isArray(v)) return "list";
  return typeof v === "object" ? (v.constructor?.name ?? "object") : JSON.stringify(v);
}

/** The unpickled tree as {@link TorchValue}s: dicts become objects (string keys) or Maps, tuples frozen arrays. */
function finish(v: unknown, u: Unpickler, open: Set<unknown>, depth: number): TorchValue {
  if (v instanceof PyGlobal || v instanceof StorageRef) return u.fail(`a bare ${describe(v)} is not data`);
  if (typeof v !== "object" || v === null) return v as TorchValue;
  if (!(v instanceof PyDict) && !(v instanceof Tuple) && !Array.isArray(v)) return v as TorchValue; // a Tensor
  if (open.has(v)) return u.fail(`the value contains itself`);
  if (depth > MAX_DEPTH) return u.fail(`containers nest deeper than ${MAX_DEPTH} levels`);
  open.add(v);
  const sub = (x: unknown): TorchValue => finish(x, u, open, depth + 1);
  let result: TorchValue;
  if (v instanceof Tuple) result = pyTuple(...v.items.map(sub));
  else if (Array.isArray(v)) result = v.map(sub);
  else if ([...v.map.keys()].every((k) => typeof k === "string")) {
    const obj: Record<string, TorchValue> = {};
    for (const [k, x] of v.map) Object.defineProperty(obj, k, { value: sub(x), enumerable: true, writable: true, configurable: true });
    result = obj;
  } else result = new Map([...v.map].map(([k, x]) => [k, sub(x)]));
  open.delete(v);
  return result;
}


/**
 * A tiny WebAssembly assembler: just enough of the binary format to emit tapegrad's kernels from
 * TypeScript, so the module's bytes come from this repository's sources with no toolchain to install.
 * Function bodies are written as flat lists of instructions built with the helpers below; `module()`
 * wraps them with the type, import (one memory), function, export and code sections.
 */

/** One instruction (or several), as bytes. */
export type Code = number[];

/** WebAssembly value types used by the kernels. */
export const i32 = 0x7f;
export const f32 = 0x7d;
export const v128 = 0x7b;

/** Unsigned LEB128, the encoding of every index and size in the format. */
export function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
}

/** Signed LEB128, for i32 constants. */
export function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const byte = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (byte & 0x40) === 0) || (n === -1 && (byte & 0x40) !== 0)) return [...out, byte];
    out.push(byte | 0x80);
  }
}

const vec = (items: number[][]): number[] => [...uleb(items.length), ...items.flat()];
const name = (s: string): number[] => vec([...new TextEncoder().encode(s)].map((b) => [b]));
const section = (id: number, body: number[]): number[] => [id, ...uleb(body.length), ...body];

// Instructions. Locals are referred to by index; memory offsets are byte offsets added to the address.
export const get = (l: number): Code => [0x20, ...uleb(l)];
export const set = (l: number): Code => [0x21, ...uleb(l)];
/** `local.tee`: sets local `l` and leaves the value on the stack. */
export const tee = (l: number): Code => [0x22, ...uleb(l)];
export const const32 = (n: number): Code => [0x41, ...sleb(n)];
export const add32: Code = [0x6a];
export const sub32: Code = [0x6b];
export const mul32: Code = [0x6c];
export const divU32: Code = [0x6e];
export const and32: Code = [0x71];
export const geU32: Code = [0x4f];
export const ltU32: Code = [0x49];
/** `select`: of two values, the first if the i32 on top is non-zero. */
export const select: Code = [0x1b];
/** Calls function `index` of the module (its position in the list given to `module`). */
export const call = (index: number): Code => [0x10, ...uleb(index)];
export const ne32: Code = [0x47];
export const eq32: Code = [0x46];
/** `i32.eqz`: 1 if the i32 on top is zero, else 0. */
export const eqz32: Code = [0x45];
/** `block`/`loop` with no result; `br n` exits the n-th enclosing block or repeats the n-th loop. */
export const block: Code = [0x02, 0x40];
export const loop: Code = [0x03, 0x40];
export const end: Code = [0x0b];
export const br = (depth: number): Code => [0x0c, ...uleb(depth)];
export const brIf = (depth: number): Code => [0x0d, ...uleb(depth)];

/**
 * `while (counter < limit) { body; counter += step }` over i32 locals (unsigned): how the row kernels
 * step through a row's bytes, a vector at a time and then a float at a time from where that stopped.
 */
export const whileBelow = (counter: number, limit: number, step: number, body: Code): Code => [
  ...block, ...loop,
  ...get(counter), ...get(limit), ...geU32, ...brIf(1),
  ...body,
  ...get(counter), ...const32(step), ...add32, ...set(counter), ...br(0),
  ...end, ...end,
];

const simd = (op: number, ...imm: number[]): Code => [0xfd, ...uleb(op), ...imm];
/** Alignment hint 2^4 = 16 bytes would trap nowhere but is only a hint; 2^2 is always true here. */
const memarg = (offset: number, align = 2): number[] => [align, ...uleb(offset)];
export const load128 = (offset = 0): Code => simd(0x00, ...memarg(offset));
/** Scalar float32 load, store and add (`f32.add` rounds as `Math.fround(a + b)` does). */
export const loadF32 = (offset = 0): Code => [0x2a, ...memarg(offset)];
export const storeF32 = (offset = 0): Code => [0x38, ...memarg(offset)];
export const f32Add: Code = [0x92];
export const store128 = (offset = 0): Code => simd(0x0b, ...memarg(offset));
export const loadSplat32 = (offset = 0): Code => simd(0x09, ...memarg(offset));
/** `v128.load32_zero`: one float32 into lane 0, zeros in the others. */
export const load32Zero = (offset = 0): Code => simd(0x5c, ...memarg(offset));
/** `v128.load32_lane`: the address, then the v128, on the stack; replaces lane `lane` with the float32 read. */
export const load32Lane = (offset: number, lane: number): Code => simd(0x56, ...memarg(offset), lane);
/** `v128.store32_lane`: the address, then the v128, on the stack; stores lane `lane` alone. */
export const store32Lane = (offset: number, lane: number): Code => simd(0x5a, ...memarg(offset), lane);
export const zero128: Code = simd(0x0c, ...new Array<number>(16).fill(0));
export const f32x4Splat: Code = simd(0x13);
export const f32x4Add: Code = simd(0xe4);
export const f32x4Sub: Code = simd(0xe5);
export const f32x4Mul: Code = simd(0xe6);
export const f32x4Div: Code = simd(0xe7);
export const f32x4Sqrt: Code = simd(0xe3);
export const f32x4Abs: Code = simd(0xe0);
export const f32x4Neg: Code = simd(0xe1);
/** IEEE minimum and maximum: a NaN in either lane gives NaN, and −0 < +0. */
export const f32x4Min: Code = simd(0xe8);
export const f32x4Max: Code = simd(0xe9);
/** Lane comparisons: all ones where the relation holds, all zeros elsewhere (ne holds for a NaN). */
export const f32x4Eq: Code = simd(0x41);
export const f32x4Ne: Code = simd(0x42);
export const f32x4Lt: Code = simd(0x43);
export const f32x4Gt: Code = simd(0x44);
export const f32x4Le: Code = simd(0x45);
export const f32x4Ge: Code = simd(0x46);
export const v128And: Code = simd(0x4e);
export const v128Or: Code = simd(0x50);
/** `v128.bitselect(a, b, mask)`: a's bits where the mask's are set, b's elsewhere. */
export const v128Bitselect: Code = simd(0x52);
/** Four lanes of the float32 nearest `value`, as a constant. */
export const f32x4Const = (value: number): Code => {
  const lanes = new Uint8Array(new Float32Array([value, value, value, value]).buffer);
  return simd(0x0c, ...lanes);
};
/** Four lanes of the int32 `value`, as a constant. */
export const i32x4Const = (value: number): Code => simd(0x0c, ...new Uint8Array(new Int32Array([value, value, value, value]).buffer));
/** f32x4.nearest: each lane rounded to an integer, ties to even. */
export const f32x4Nearest: Code = simd(0x6a);
/** Each float32 lane truncated to an int32 lane, saturating (NaN gives 0). */
export const i32x4TruncSatF32x4S: Code = simd(0xf8);
export const i32x4Add: Code = simd(0xae);
export const i32x4Sub: Code = simd(0xb1);
/** Lane shifts: the v128, then the i32 shift count (taken mod 32), on the stack. */
export const i32x4Shl: Code = simd(0xab);
export const i32x4ShrS: Code = simd(0xac);
/** Relaxed SIMD's a·b + c (a fused multiply-add where the CPU has one): feature-detected before use. */
export const f32x4RelaxedMadd: Code = simd(0x105);

/**
 * Where a lane formula (`OpRule.simd`) that needs temporaries gets them: each call of `v128()` gives the
 * index of a fresh v128 local of the function the formula is written into.
 */
export interface LaneLocals {
  v128(): number;
}

/** A function: its parameter and result types, its extra locals, its body (without the final `end`). */
export interface Func {
  name: string;
  params: number[];
  results: number[];
  locals: number[];
  body: Code;
}

/** The memory the module imports as `env.memory`: `shared` memories need a maximum (in 64 KiB pages). */
export interface MemoryImport {
  shared: boolean;
  minPages: number;
  maxPages: number;
}

/** Assembles a module that imports one memory and exports `funcs` by name. */
export function module(funcs: readonly Func[], memory: MemoryImport): Uint8Array<ArrayBuffer> {
  const types = funcs.map((f) => [0x60, ...vec(f.params.map((t) => [t])), ...vec(f.results.map((t) => [t]))]);
  const limits = memory.shared ? [0x03, ...uleb(memory.minPages), ...uleb(memory.maxPages)] : [0x01, ...uleb(memory.minPages), ...uleb(memory.maxPages)];
  const imports = vec([[...name("env"), ...name("memory"), 0x02, ...limits]]);
  const exports = vec(funcs.map((f, i) => [...name(f.name), 0x00, ...uleb(i)]));
  const bodies = funcs.map((f) => {
    const body = [...vec(f.locals.map((t) => [1, t])), ...f.body, ...end];
    return [...uleb(body.length), ...body];
  });
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vec(types)),
    ...section(2, imports),
    ...section(3, vec(funcs.map((_, i) => uleb(i)))),
    ...section(7, exports),
    ...section(10, vec(bodies)),
  ]);
}

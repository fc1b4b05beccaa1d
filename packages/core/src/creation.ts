import { allocate, checkDType, dtypeOf, isFloat, type DType, type Storage } from "./dtype.js";
import { describeValue, DTypeError, ValueError } from "./errors.js";
import { checkShape, sizeOf, type Shape } from "./shape.js";
import { defaultRng, Rng } from "./rng.js";
import { Tensor, type NestedArray } from "./tensor.js";
import { hooks, reportEffect } from "./autodiff/hooks.js";

/** Options shared by the creation functions. */
export interface CreateOptions {
  /** Element type; float32 by default (a Float64Array input defaults to float64, an Int32Array to int32). */
  dtype?: DType;
  /** Record ops on this tensor for reverse mode. */
  requiresGrad?: boolean;
}

/** Options of the random creation functions. */
export interface RandomOptions extends CreateOptions {
  /** The generator to draw from; the default generator (see `manualSeed`) otherwise. */
  rng?: Rng;
}

function make(storage: Storage, shape: Shape, options: CreateOptions | undefined): Tensor {
  const t = new Tensor(storage, shape, dtypeOf(storage));
  if (options?.requiresGrad) t.requiresGrad = true;
  return t;
}

/** The options object's dtype (or `fallback`), after checking that the options are what they should be. */
function dtypeFrom(op: string, options: CreateOptions | undefined, fallback: DType = "float32"): DType {
  if (options === undefined) return fallback;
  if (typeof options !== "object" || options === null || Array.isArray(options)) {
    throw new ValueError(op, `options must be an object, got ${describeValue(options)}`);
  }
  if (options.requiresGrad !== undefined && typeof options.requiresGrad !== "boolean") {
    throw new ValueError(op, `option requiresGrad must be a boolean, got ${describeValue(options.requiresGrad)}`);
  }
  return options.dtype === undefined ? fallback : checkDType(op, options.dtype);
}

/**
 * Makes a tensor from a number, nested arrays, or a typed array (with `shape`, or flat). A typed array
 * gives its own dtype unless `dtype` says otherwise; values stored as int32 are truncated toward zero.
 * @example
 * ```ts
 * tensor([[1, 2], [3, 4]]).shape;               // [2, 2]
 * tensor(3, { dtype: "float64" }).shape;         // []
 * tensor(new Float32Array(6), { shape: [2, 3] }); // float32[2,3]
 * tensor([0, 2, 1], { dtype: "int32" }).format(); // "tensor([0, 2, 1], dtype=int32)"
 * tensor(Int32Array.of(3, 4)).dtype;              // "int32"
 * ```
 */
export function tensor(
  data: NestedArray | Float32Array | Float64Array | Int32Array | readonly number[],
  options?: CreateOptions & { shape?: readonly number[] },
): Tensor {
  if (data instanceof Float32Array || data instanceof Float64Array || data instanceof Int32Array) {
    const dtype = dtypeFrom("tensor", options, dtypeOf(data));
    const shape = options?.shape === undefined ? [data.length] : checkShape("tensor", options.shape);
    if (sizeOf(shape) !== data.length) {
      throw new ValueError("tensor", `shape [${shape.join(",")}] needs ${sizeOf(shape)} elements, the array has ${data.length}`);
    }
    const storage = allocate(dtype, data.length);
    storage.set(data);
    return make(storage, shape, options);
  }
  if (typeof data !== "number" && !Array.isArray(data)) {
    // Other typed arrays (Uint8Array, BigInt64Array, ...) are refused rather than guessed at.
    const hint = ArrayBuffer.isView(data) ? " (convert it with Int32Array.from or Float32Array.from)" : "";
    throw new ValueError("tensor", `expected a number, nested arrays of numbers, a Float32Array, a Float64Array or an Int32Array, got ${describeValue(data)}${hint}`);
  }
  const dtype = dtypeFrom("tensor", options);
  const shape = inferShape(data);
  if (options?.shape !== undefined) throw new ValueError("tensor", `the shape option is for typed arrays; nested arrays carry their shape`);
  const storage = allocate(dtype, sizeOf(shape));
  let i = 0;
  const fill = (v: NestedArray | readonly number[]): void => {
    if (typeof v === "number") storage[i++] = v;
    else for (const e of v) fill(e);
  };
  fill(data as NestedArray);
  return make(storage, shape, options);
}

/** Reads the shape of nested arrays, rejecting ragged ones and non-numbers with the path where they occur. */
function inferShape(data: unknown): number[] {
  const shape: number[] = [];
  for (let v = data; Array.isArray(v); v = v[0]) shape.push(v.length);
  const check = (v: unknown, depth: number, path: number[]): void => {
    const where = path.length ? ` at [${path.join("][")}]` : "";
    if (depth === shape.length) {
      if (typeof v !== "number") throw new ValueError("tensor", `expected a number${where}, got ${Array.isArray(v) ? "an array (ragged nesting)" : describeValue(v)}`);
      return;
    }
    if (!Array.isArray(v)) throw new ValueError("tensor", `ragged nested array: expected an array of length ${shape[depth]}${where}, got ${describeValue(v)}`);
    if (v.length !== shape[depth]) throw new ValueError("tensor", `ragged nested array: length ${v.length}${where}, expected ${shape[depth]}`);
    v.forEach((e, i) => check(e, depth + 1, [...path, i]));
  };
  check(data, 0, []);
  return shape;
}

/** A tensor of `shape` filled with `value`, its errors under the name of the function the user called. */
function filled(op: string, shape: readonly number[], value: number, options: CreateOptions | undefined): Tensor {
  const s = checkShape(op, shape);
  const dtype = dtypeFrom(op, options);
  if (typeof value !== "number") throw new ValueError(op, `the fill value must be a number, got ${describeValue(value)}`);
  return make(allocate(dtype, sizeOf(s)).fill(value), s, options);
}

/** `x` itself, when it is a Tensor: the `...Like` functions take their shape and dtype from it. */
function template(op: string, x: unknown): Tensor {
  if (!(x instanceof Tensor)) throw new ValueError(op, `expected a Tensor to take the shape and dtype of, got ${describeValue(x)}`);
  return x;
}

/**
 * A tensor of `shape` filled with `value`.
 * @example
 * ```ts
 * full([2], 7).toArray(); // [7, 7]
 * ```
 */
export function full(shape: readonly number[], value: number, options?: CreateOptions): Tensor {
  return filled("full", shape, value, options);
}

/** A tensor of zeros. @example `zeros([2, 3]).toString(); // "float32[2,3]"` */
export function zeros(shape: readonly number[], options?: CreateOptions): Tensor {
  return filled("zeros", shape, 0, options);
}

/** A tensor of ones. @example `ones([2]).toArray(); // [1, 1]` */
export function ones(shape: readonly number[], options?: CreateOptions): Tensor {
  return filled("ones", shape, 1, options);
}

/** Zeros of `x`'s shape and dtype. @example `zerosLike(tensor([1, 2])).toArray(); // [0, 0]` */
export function zerosLike(x: Tensor): Tensor {
  const t = template("zerosLike", x);
  return filled("zerosLike", t.shape, 0, { dtype: t.dtype });
}

/** Ones of `x`'s shape and dtype. @example `onesLike(tensor([1, 2])).toArray(); // [1, 1]` */
export function onesLike(x: Tensor): Tensor {
  const t = template("onesLike", x);
  return filled("onesLike", t.shape, 1, { dtype: t.dtype });
}

/**
 * `start, start + step, ...` up to but excluding `stop`; with one number, `0 .. stop - 1`, and then the
 * options may come second.
 * @example
 * ```ts
 * arange(4).toArray();                      // [0, 1, 2, 3]
 * arange(1, 2, 0.5).toArray();              // [1, 1.5]
 * arange(3, { dtype: "int32" }).format();   // "tensor([0, 1, 2], dtype=int32)"
 * ```
 */
export function arange(stop: number, options?: CreateOptions): Tensor;
export function arange(start: number, stop?: number, step?: number, options?: CreateOptions): Tensor;
export function arange(start: number, stopOrOptions?: number | CreateOptions, step = 1, options?: CreateOptions): Tensor {
  if (typeof stopOrOptions === "object" && stopOrOptions !== null) return arange(start, undefined, 1, stopOrOptions);
  const stop = stopOrOptions;
  const [from, to] = stop === undefined ? [0, start] : [start, stop];
  const finite = (v: unknown): boolean => typeof v === "number" && Number.isFinite(v);
  if (!finite(from) || !finite(to) || !finite(step) || step === 0) {
    throw new ValueError("arange", `needs finite start and stop and a non-zero step, got ${[from, to, step].map(describeValue).join(", ")}`);
  }
  const dtype = dtypeFrom("arange", options);
  const n = checkShape("arange", [Math.max(0, Math.ceil((to - from) / step))])[0]!;
  const storage = allocate(dtype, n);
  for (let i = 0; i < n; i++) storage[i] = from + i * step;
  return make(storage, [n], options);
}

/**
 * Standard normal samples.
 * @example
 * ```ts
 * randn([2, 3], { rng: new Rng(0) }).shape; // [2, 3]
 * ```
 */
export function randn(shape: readonly number[], options?: RandomOptions): Tensor {
  return random("randn", shape, options, (rng) => rng.normal());
}

/** Uniform samples from [0, 1). @example `rand([4], { rng: new Rng(1) }).shape; // [4]` */
export function rand(shape: readonly number[], options?: RandomOptions): Tensor {
  return random("rand", shape, options, (rng) => rng.uniform());
}

function random(op: string, shape: readonly number[], options: RandomOptions | undefined, draw: (rng: Rng) => number): Tensor {
  const s = checkShape(op, shape);
  const dtype = dtypeFrom(op, options);
  if (!isFloat(dtype)) throw new DTypeError(op, `draws floating-point samples; dtype ${dtype} cannot hold them`);
  const rng = options?.rng ?? defaultRng;
  if (!(rng instanceof Rng)) throw new ValueError(op, `option rng must be an Rng, got ${describeValue(rng)}`);
  const fill = (into: Storage): void => {
    for (let i = 0; i < into.length; i++) into[i] = draw(rng);
  };
  const storage = allocate(dtype, sizeOf(s));
  fill(storage);
  const out = make(storage, s, options);
  // jit replays the draw from the same generator, which moves on as it would in eager mode.
  if (hooks.effect.length > 0) reportEffect({ kind: "random", out, fill });
  return out;
}

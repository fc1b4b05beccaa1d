import { isFloat, type DType, type Storage } from "./dtype.js";
import type { Shape } from "./shape.js";
import { describeValue, GradError, ValueError } from "./errors.js";
import type { AnyOpRule } from "./ops/rule.js";
import type * as OpFunctions from "./ops/index.js";
import type * as CompositeFunctions from "./composites/index.js";
import type { BackwardOptions, backward as backwardFunction } from "./autodiff/backward.js";
import type { stopGradient as stopGradientFunction } from "./autodiff/stopGradient.js";
import { formatTensor, type FormatOptions } from "./format.js";
import { hooks, reportEffect, valueReads } from "./autodiff/hooks.js";

/**
 * What the Tensor's methods delegate to: the op functions, the composites, backward. Tensor imports
 * them by type only, and `tensorMethods.ts` hands them over when the package is loaded, so the class that
 * every op imports imports no op in turn: the core has no import cycle through it.
 * @internal
 */
export interface TensorMethodTable {
  readonly ops: typeof OpFunctions;
  readonly composites: typeof CompositeFunctions;
  readonly backward: typeof backwardFunction;
  readonly stopGradient: typeof stopGradientFunction;
}

let methods: TensorMethodTable;

/** Gives the Tensor class its methods' implementations (called once, by `tensorMethods.ts`). @internal */
export function bindTensorMethods(table: TensorMethodTable): void {
  methods = table;
}

/**
 * The key Node's `util.inspect` (and so `console.log`) looks up for a custom form. `Symbol.for` finds the
 * same registered symbol without importing node:util, which core must not do: it also runs in browsers.
 */
const inspectCustom: unique symbol = Symbol.for("nodejs.util.inspect.custom");

/** A Tensor, or a plain number that an op treats as a scalar of the other operand's dtype. */
export type TensorLike = Tensor | number;

/** Nested number arrays, as `toArray()` returns them (a bare number for a scalar). */
export type NestedArray = number | NestedArray[];

/** Options of reductions over axes. */
export interface ReduceOptions {
  /** Keep the reduced axes as size-1 dims, so the result broadcasts against the input. */
  keepDims?: boolean;
}

/** One axis, several, or (undefined) all of them. */
export type Axes = number | readonly number[] | undefined;

/**
 * The record an op leaves on its output when it is taped: which rule made it, from which inputs, with
 * which params. Backward walks these records from the output back to the leaves.
 * @internal
 */
export interface TapeNode {
  readonly rule: AnyOpRule;
  inputs: readonly Tensor[];
  readonly params: unknown;
  /** Set once backward has walked the node without `retainGraph`: its inputs are gone. */
  released: boolean;
  /** The last backward walk that reached this node (a walk's number; 0 for none): its visited mark. */
  walk: number;
  /**
   * When it was recorded: nodes are numbered in recording order (PyTorch's `sequence_nr`), so that a
   * transform can tell the nodes its own function recorded from those recorded before it ran.
   */
  readonly sequence: number;
}

/**
 * A tensor inside `vmap`: its `shape` is one example's, and `value` holds all of them, `[B, ...shape]`,
 * at one vmap level (levels are numbered with forward mode's, so nesting orders them).
 * @internal
 */
export interface Batched {
  readonly level: number;
  readonly value: Tensor;
}

/**
 * A forward-mode dual: the primal value and its tangent at one `jvp` level (`null` tangent is zero).
 * @internal
 */
export interface Dual {
  readonly level: number;
  readonly primal: Tensor;
  readonly tangent: Tensor | null;
}

/**
 * How many times any tensor's storage has been replaced (`rebind`): a compiled program compares it with
 * the count after its last call to know, with one test, that none of its parameters moved. @internal
 */
export const storageMoves = { count: 0 };

/**
 * An n-dimensional array of float32, float64 or int32 numbers in contiguous row-major storage. Tensors are
 * immutable values managed by the garbage collector: nothing is ever freed by hand. Operations on a
 * tensor with `requiresGrad` are recorded on the tape so that `backward()` can differentiate them.
 *
 * @example
 * ```ts
 * const x = tensor([[1, 2], [3, 4]], { requiresGrad: true });
 * const y = x.mul(x).sum();
 * y.backward();
 * x.grad?.toArray(); // [[2, 4], [6, 8]]
 * ```
 */
export class Tensor {
  /** Dimensions, outermost first; `[]` for a scalar. */
  readonly shape: Shape;
  /** Element type. */
  readonly dtype: DType;
  /** Number of elements. */
  readonly size: number;
  /** @internal The tape record of the op that made this tensor, or null for a leaf. */
  node: TapeNode | null = null;
  /** @internal Set on forward-mode duals only. */
  readonly dual: Dual | null;
  /** @internal Set on tensors batched by `vmap` only: the values of every example, batch axis first. */
  readonly batch: Batched | null;
  #storage: Storage | null;
  #requiresGrad = false;
  #grad: Tensor | null = null;
  #retainsGrad = false;

  /** @internal Use `tensor()`, `zeros()` and the other creation functions. */
  constructor(storage: Storage | null, shape: Shape, dtype: DType, dual: Dual | null = null, batch: Batched | null = null) {
    this.#storage = storage;
    this.shape = shape;
    this.dtype = dtype;
    this.dual = dual;
    this.batch = batch;
    let n = 1;
    for (const d of shape) n *= d;
    this.size = n;
  }

  /**
   * The values, row-major. For a forward-mode dual these are its primal's. Reading is free; writing in
   * place is reserved for leaves (optimizers update parameters this way, as PyTorch's `.data` does).
   */
  get data(): Storage {
    if (valueReads.check !== null && valueReads.depth === 0) valueReads.check(this);
    if (this.#storage !== null) return this.#storage;
    if (this.dual !== null) return this.dual.primal.data;
    throw new ValueError("vmap", `the values of a ${this} tensor batched by vmap cannot be read inside the mapped function (item, toArray, data): return it from the function instead`);
  }

  /** Whether ops on this tensor are recorded for reverse mode. Settable on leaves only. */
  get requiresGrad(): boolean {
    return this.#requiresGrad;
  }
  set requiresGrad(value: boolean) {
    if (value && !isFloat(this.dtype)) {
      throw new GradError("requiresGrad", `only floating-point tensors can require grad, got ${this} (integers carry no derivative)`);
    }
    if (this.node !== null && !value) {
      throw new GradError("requiresGrad", `cannot switch off requiresGrad on a ${this} computed by ${this.node.rule.name}; use detach()`);
    }
    this.#requiresGrad = value;
  }

  /** True for tensors not computed by a taped op (created by the user, or detached). */
  get isLeaf(): boolean {
    return this.node === null;
  }

  /**
   * The gradient that `backward()` accumulated here. As in PyTorch, only leaves that require grad get one,
   * plus the non-leaves that asked with `retainGrad()`; any other tensor's stays `null`. So `w = w.sub(
   * w.grad.mul(lr))` makes `w` a non-leaf whose next `.grad` is null: update parameters in place under
   * `noGrad`, or with an optimizer (see docs/tape.md). Reading `.grad` of such a non-leaf warns once.
   * @example
   * ```ts
   * const x = tensor([1, 2], { requiresGrad: true });
   * x.mul(x).sum().backward();
   * x.grad?.toArray(); // [2, 4]
   * ```
   */
  get grad(): Tensor | null {
    if (this.#grad === null && this.node !== null && !this.#retainsGrad) warnNonLeafGrad(this);
    if (hooks.effect.length > 0) reportEffect({ kind: "readGrad", target: this, value: this.#grad });
    return this.#grad;
  }
  set grad(value: Tensor | null) {
    if (value !== null && !(value instanceof Tensor)) throw new GradError("grad", `a gradient must be a Tensor or null, got ${describeValue(value)}`);
    this.#grad = value;
    if (hooks.effect.length > 0) reportEffect({ kind: "setGrad", target: this, value });
  }

  /**
   * Asks `backward()` to keep this non-leaf's gradient in `.grad`, as PyTorch's `retain_grad()` does
   * (leaves that require grad keep theirs anyway). Returns the tensor itself, so it can end a chain.
   * @example
   * ```ts
   * const x = tensor([1, 2], { requiresGrad: true });
   * const h = x.mul(3).retainGrad();
   * h.square().sum().backward();
   * h.grad?.toArray(); // [6, 12]
   * ```
   */
  retainGrad(): this {
    if (!this.requiresGrad) throw new GradError("retainGrad", `${this} does not require grad, so backward gives it no gradient to keep`);
    this.#retainsGrad = true;
    return this;
  }

  /** Whether `backward()` keeps this tensor's gradient: a leaf that requires grad, or a non-leaf that asked. */
  get retainsGrad(): boolean {
    return this.requiresGrad && (this.node === null || this.#retainsGrad);
  }

  /** `float32[2,3]`: dtype and shape. */
  toString(): string {
    return `${this.dtype}[${this.shape.join(",")}]`;
  }

  /**
   * The values as text, the way PyTorch prints a tensor: one number format for the whole tensor, columns
   * aligned, large tensors summarised with `...`, and suffixes for a dtype other than float32 and for the
   * autodiff state. `console.log(t)` and `util.inspect(t)` print the same text. The options apply to this
   * call only, as `torch.set_printoptions` would globally.
   * @example
   * ```ts
   * tensor([[1, 2], [3, 4]]).format();
   * // tensor([[1., 2.],
   * //         [3., 4.]])
   * tensor([0.5, 1e-5], { requiresGrad: true }).format();      // "tensor([5.0000e-01, 1.0000e-05], requiresGrad=true)"
   * tensor([1 / 3], { dtype: "float64" }).format({ precision: 2 }); // "tensor([0.33], dtype=float64)"
   * ```
   */
  format(options?: FormatOptions): string {
    return formatTensor(this, options);
  }

  /**
   * What `console.log` and `util.inspect` show: `format()`, or `[Tensor float32[2,2]]` where the tensor sits
   * deeper in an object than the inspect depth allows (Node's convention for a cut-off object).
   * @example
   * ```ts
   * console.log({ w: tensor([1, 2]) }); // { w: tensor([1., 2.]) }
   * ```
   */
  // The options are typed inline, only the part read, so that core needs no Node types.
  [inspectCustom](depth: number, options: { stylize?: (text: string, style: string) => string }): string {
    if (depth < 0) {
      const cut = `[Tensor ${this}]`;
      return options.stylize ? options.stylize(cut, "special") : cut;
    }
    return this.format();
  }

  /** The values as nested arrays (a number for a scalar). */
  toArray(): NestedArray {
    const data = this.data;
    const build = (dim: number, offset: number): NestedArray => {
      if (dim === this.shape.length) return data[offset]!;
      const stride = this.shape.slice(dim + 1).reduce((a, b) => a * b, 1);
      return Array.from({ length: this.shape[dim]! }, (_, i) => build(dim + 1, offset + i * stride));
    };
    return build(0, 0);
  }

  /** The value of a one-element tensor. */
  item(): number {
    if (this.size !== 1) throw new ValueError("item", `item() needs a tensor of one element, got ${this}`);
    return this.data[0]!;
  }

  /**
   * Reverse mode from this tensor: accumulates d(this)/d(leaf) into `.grad` of every leaf that requires
   * grad (and of non-leaves that called `retainGrad()`). A non-scalar needs a seed cotangent of its
   * shape. Options may come alone, `y.backward({ createGraph: true })`, or after a seed.
   * @example
   * ```ts
   * const x = tensor([1, 2], { requiresGrad: true });
   * x.pow(3).sum().backward({ createGraph: true });
   * x.grad?.sum().backward(); // x.grad is now 3x² + 6x
   * ```
   */
  backward(seed?: TensorLike | BackwardOptions, options?: BackwardOptions): void {
    methods.backward(this, seed, options);
  }

  /** A tensor with the same values, cut off from the tape (and from any forward-mode tangent). */
  detach(): Tensor {
    return methods.stopGradient(this);
  }

  /** Clears the accumulated gradient. */
  zeroGrad(): void {
    this.#grad = null;
    if (hooks.effect.length > 0) reportEffect({ kind: "setGrad", target: this, value: null });
  }

  /**
   * Points this tensor at other values of its size and dtype: a compiled program (`jit`) keeps one tensor
   * per value of its plan and moves it between calls, so that a call allocates no tensors. @internal
   */
  rebind(storage: Storage): void {
    this.#storage = storage;
    storageMoves.count++;
  }

  // Methods are one-line delegations to the free functions of the same name.
  add(y: TensorLike): Tensor { return methods.ops.add(this, y); }
  sub(y: TensorLike): Tensor { return methods.composites.sub(this, y); }
  mul(y: TensorLike): Tensor { return methods.ops.mul(this, y); }
  div(y: TensorLike): Tensor { return methods.composites.div(this, y); }
  pow(y: TensorLike): Tensor { return methods.ops.pow(this, y); }
  maximum(y: TensorLike): Tensor { return methods.ops.maximum(this, y); }
  minimum(y: TensorLike): Tensor { return methods.composites.minimum(this, y); }
  neg(): Tensor { return methods.ops.neg(this); }
  reciprocal(): Tensor { return methods.ops.reciprocal(this); }
  square(): Tensor { return methods.composites.square(this); }
  exp(): Tensor { return methods.ops.exp(this); }
  log(): Tensor { return methods.ops.log(this); }
  sqrt(): Tensor { return methods.ops.sqrt(this); }
  abs(): Tensor { return methods.ops.abs(this); }
  sign(): Tensor { return methods.ops.sign(this); }
  sin(): Tensor { return methods.ops.sin(this); }
  cos(): Tensor { return methods.ops.cos(this); }
  tanh(): Tensor { return methods.ops.tanh(this); }
  sigmoid(): Tensor { return methods.composites.sigmoid(this); }
  relu(): Tensor { return methods.ops.relu(this); }
  leakyRelu(alpha = 0.01): Tensor { return methods.composites.leakyRelu(this, alpha); }
  softplus(): Tensor { return methods.composites.softplus(this); }
  logSigmoid(): Tensor { return methods.composites.logSigmoid(this); }
  silu(): Tensor { return methods.composites.silu(this); }
  gelu(options?: CompositeFunctions.GeluOptions): Tensor { return methods.composites.gelu(this, options); }
  erf(): Tensor { return methods.ops.erf(this); }
  erfc(): Tensor { return methods.ops.erfc(this); }
  log1p(): Tensor { return methods.ops.log1p(this); }
  softmax(axis = -1): Tensor { return methods.composites.softmax(this, axis); }
  logSoftmax(axis = -1): Tensor { return methods.composites.logSoftmax(this, axis); }
  logSumExp(axis?: Axes, options?: ReduceOptions): Tensor { return methods.composites.logSumExp(this, axis, options); }
  sum(axis?: Axes, options?: ReduceOptions): Tensor { return methods.ops.sum(this, axis, options); }
  mean(axis?: Axes, options?: ReduceOptions): Tensor { return methods.composites.mean(this, axis, options); }
  max(axis?: Axes, options?: ReduceOptions): Tensor { return methods.ops.max(this, axis, options); }
  min(axis?: Axes, options?: ReduceOptions): Tensor { return methods.composites.min(this, axis, options); }
  gt(y: TensorLike): Tensor { return methods.ops.gt(this, y); }
  ge(y: TensorLike): Tensor { return methods.ops.ge(this, y); }
  lt(y: TensorLike): Tensor { return methods.ops.lt(this, y); }
  le(y: TensorLike): Tensor { return methods.ops.le(this, y); }
  eq(y: TensorLike): Tensor { return methods.ops.eq(this, y); }
  ne(y: TensorLike): Tensor { return methods.ops.ne(this, y); }
  matmul(y: TensorLike): Tensor { return methods.ops.matmul(this, y); }
  reshape(shape: readonly number[]): Tensor { return methods.ops.reshape(this, shape); }
  flatten(startDim = 0, endDim = -1): Tensor { return methods.composites.flatten(this, startDim, endDim); }
  squeeze(axis?: number | readonly number[]): Tensor { return methods.composites.squeeze(this, axis); }
  unsqueeze(axis: number): Tensor { return methods.composites.unsqueeze(this, axis); }
  permute(perm: readonly number[]): Tensor { return methods.composites.permute(this, perm); }
  split(sizes: number | readonly number[], axis = 0): Tensor[] { return methods.composites.split(this, sizes, axis); }
  transpose(perm?: readonly number[]): Tensor { return methods.ops.transpose(this, perm); }
  broadcastTo(shape: readonly number[]): Tensor { return methods.ops.broadcastTo(this, shape); }
  slice(begin: readonly number[], size?: readonly number[]): Tensor { return methods.ops.slice(this, begin, size); }
  cast(dtype: DType): Tensor { return methods.ops.cast(this, dtype); }
  argmax(axis?: number, options?: ReduceOptions): Tensor { return methods.ops.argmax(this, axis, options); }
  argmin(axis?: number, options?: ReduceOptions): Tensor { return methods.ops.argmin(this, axis, options); }
  clamp(min?: TensorLike, max?: TensorLike): Tensor { return methods.composites.clamp(this, min, max); }
  gather(axis: number, index: Tensor): Tensor { return methods.ops.gather(this, axis, index); }
  indexSelect(axis: number, index: Tensor): Tensor { return methods.composites.indexSelect(this, axis, index); }
  scatterAdd(axis: number, index: Tensor, src: TensorLike): Tensor { return methods.ops.scatterAdd(this, axis, index, src); }
  conv2d(weight: TensorLike, bias?: TensorLike, options?: OpFunctions.Conv2dOptions): Tensor { return methods.ops.conv2d(this, weight, bias, options); }
  maxPool2d(options: CompositeFunctions.Pool2dOptions): Tensor { return methods.composites.maxPool2d(this, options); }
  avgPool2d(options: CompositeFunctions.Pool2dOptions): Tensor { return methods.composites.avgPool2d(this, options); }
}

let warnedNonLeafGrad = false;

/** PyTorch's warning for the same pitfall, given once per process so that a loop does not flood the log. */
function warnNonLeafGrad(t: Tensor): void {
  if (warnedNonLeafGrad) return;
  warnedNonLeafGrad = true;
  console.warn(
    `tapegrad: .grad of ${t}, a non-leaf made by ${t.node!.rule.name}, is null: backward() keeps the gradients of leaves only. ` +
      `Call retainGrad() on it before backward() to keep its gradient; to update a parameter, change its values in place ` +
      `under noGrad() or use an optimizer, so that it stays a leaf.`,
  );
}

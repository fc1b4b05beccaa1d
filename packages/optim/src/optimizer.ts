import { ShapeError, Tensor, updateInPlace, ValueError, type Storage } from "@tapegrad/core";
import { isResident, residentZeros } from "@tapegrad/core/wasm";
import { nonNegative } from "./validate.js";

/** Options every optimizer has: the learning rate α. */
export interface BaseOptions {
  /** Learning rate α (≥ 0). */
  lr: number;
}

/** A group of parameters with its own options, as in `torch.optim` (`{ params, lr }` overrides the defaults). */
export type GroupSpec<O> = { params: Iterable<Tensor> } & Partial<O>;

/** What an optimizer takes: the parameters, or groups of them with their own options. */
export type Params<O> = Iterable<Tensor> | readonly GroupSpec<O>[];

/** One parameter group: its tensors and its fully resolved options (read them; set `lr` through the optimizer). */
export interface ParamGroup<O> {
  readonly params: readonly Tensor[];
  readonly options: Readonly<O>;
}

/**
 * Per-parameter state: how many updates it has had (`step`, the lecture's k) and its named moment buffers,
 * typed arrays of the parameter's dtype so that float32 parameters get float32 arithmetic results.
 */
export interface ParamState {
  step: number;
  readonly buffers: Record<string, Storage>;
}

/** JSON form of an optimizer's state: exact, since every float32 and float64 value is a JSON number. */
export interface OptimizerStateDict {
  /** The class that wrote it (`"Adam"`), checked on load. */
  readonly kind: string;
  /** Per-parameter state, keyed by the parameter's position counted across all groups. */
  readonly state: Record<string, { readonly step: number; readonly buffers: Record<string, number[]> }>;
  /** Each group's parameter positions and options. */
  readonly paramGroups: readonly { readonly params: readonly number[]; readonly options: Record<string, unknown> }[];
}

/**
 * The structure every optimizer shares: parameter groups with resolved options, per-parameter state,
 * `step()`, `zeroGrad()`, a settable learning rate and an exact `stateDict()`. A subclass supplies only
 * its option checks and `update`, the elementwise math on typed arrays (no tape, like torch.optim's
 * kernels), written in place into `param.data`.
 *
 * @example
 * ```ts
 * const w = tensor([1, 2], { requiresGrad: true });
 * const opt = new SGD([w], { lr: 0.1 });
 * opt.zeroGrad(); w.square().sum().backward(); opt.step(); // w is now [0.8, 1.6]
 * ```
 */
export abstract class Optimizer<O extends BaseOptions> {
  readonly #groups: ParamGroup<O>[];
  readonly #state = new Map<Tensor, ParamState>();
  readonly #kind: string;

  /**
   * @param kind the class name, used in error messages and in `stateDict()`.
   * @param params parameters or groups; each group's options default to `defaults`.
   * @param defaults the options of groups that do not set their own.
   */
  protected constructor(kind: string, params: Params<O>, defaults: O) {
    this.#kind = kind;
    const specs = toGroupSpecs(kind, params);
    const seen = new Set<Tensor>();
    this.#groups = specs.map(({ params: ps, ...own }, g) => {
      if (!isIterable(ps)) throw new ValueError(kind, `parameter group ${g} must hold an iterable of tensors (got ${String(ps)})`);
      const list = [...ps];
      if (list.length === 0) throw new ValueError(kind, `parameter group ${g} is empty`);
      for (const p of list) {
        if (!(p instanceof Tensor)) throw new ValueError(kind, `parameter group ${g} holds ${String(p)}, not a Tensor`);
        if (!p.isLeaf) throw new ValueError(kind, `parameter ${p} in group ${g} is computed by an op; optimizers update leaves only`);
        if (seen.has(p)) throw new ValueError(kind, `parameter ${p} appears twice (group ${g})`);
        seen.add(p);
      }
      return { params: list, options: this.checkOptions({ ...defaults, ...(own as unknown as Partial<O>) }) };
    });
  }

  /** The parameter groups, in the order given; change a group's rate with `setLr`. */
  get paramGroups(): readonly ParamGroup<O>[] {
    return this.#groups;
  }

  /**
   * The class name, as errors and `stateDict()` name it.
   * @example
   * ```ts
   * new Adam(params).kind; // "Adam"
   * ```
   */
  get kind(): string {
    return this.#kind;
  }

  /** Validates resolved options, throwing core's `ValueError` that names the option and value. */
  protected abstract checkOptions(options: O): O;

  /**
   * Updates one parameter in place from its gradient. `state.step` has already been incremented, so it
   * is the lecture's k (1 on the first update).
   */
  protected abstract update(param: Storage, grad: Storage, state: ParamState, options: Readonly<O>): void;

  /** The learning rate of the first group; setting it sets every group's (use `setLr` for one group). */
  get lr(): number {
    return this.paramGroups[0]!.options.lr;
  }
  set lr(value: number) {
    this.#groups.forEach((_, g) => this.setLr(value, g));
  }

  /**
   * Sets one group's learning rate (schedules call this every step).
   * @example
   * ```ts
   * opt.setLr(1e-4, 1); // only the second group
   * ```
   */
  setLr(value: number, group = 0): void {
    const target = this.#groups[group];
    if (target === undefined) throw new ValueError(this.#kind, `no parameter group ${group} (there are ${this.#groups.length})`);
    this.#groups[group] = { params: target.params, options: { ...target.options, lr: nonNegative(this.#kind, "lr", value) } };
  }

  /**
   * Applies one update to every parameter that has a gradient (parameters without one are skipped, as in
   * torch). Gradients are read from `param.grad`; call `zeroGrad()` before the next backward pass.
   */
  step(): void {
    // One recorded in-place update: under jit the compiled step calls it again on the current state.
    updateInPlace(`${this.#kind}.step`, () => this.#updateAll());
  }

  #updateAll(): void {
    for (const { params, options } of this.paramGroups) {
      for (const p of params) {
        if (p.grad === null) continue;
        if (p.grad.shape.length !== p.shape.length || p.grad.shape.some((d, i) => d !== p.shape[i])) {
          throw new ShapeError(this.#kind, `a parameter's gradient must have its shape`, [p.shape, p.grad.shape]);
        }
        const state = this.#stateOf(p);
        state.step += 1;
        this.update(p.data, p.grad.data, state, options);
      }
    }
  }

  /** Drops every parameter's gradient (`grad = null`, torch's `set_to_none`), so the next backward starts fresh. */
  zeroGrad(): void {
    for (const { params } of this.paramGroups) for (const p of params) p.zeroGrad();
  }

  /**
   * The optimizer's whole state as plain JSON-ready data; `JSON.stringify` of it round-trips bit for bit.
   * @example
   * ```ts
   * writeFileSync("opt.json", JSON.stringify(opt.stateDict()));
   * ```
   */
  stateDict(): OptimizerStateDict {
    const state: Record<string, { step: number; buffers: Record<string, number[]> }> = {};
    let index = 0;
    const paramGroups = this.paramGroups.map(({ params, options }) => {
      const positions = params.map((p) => {
        const s = this.#state.get(p);
        if (s !== undefined) {
          const buffers = Object.fromEntries(Object.entries(s.buffers).map(([k, v]) => [k, Array.from(v)]));
          state[String(index)] = { step: s.step, buffers };
        }
        return index++;
      });
      return { params: positions, options: structuredClone(options) as Record<string, unknown> };
    });
    return { kind: this.#kind, state, paramGroups };
  }

  /**
   * Restores a state written by `stateDict()` of the same optimizer class over parameters of the same
   * groups and sizes; the parameters' own values are restored separately (with the model).
   * @example
   * ```ts
   * const opt = new Adam(model.parameters());
   * opt.loadStateDict(JSON.parse(readFileSync("opt.json", "utf8")));
   * ```
   */
  loadStateDict(sd: OptimizerStateDict): void {
    const kind = this.#kind;
    checkStateDictFields(kind, sd);
    if (sd.kind !== kind) throw new ValueError(kind, `state dict was written by ${sd.kind}, not ${kind}`);
    if (sd.paramGroups.length !== this.paramGroups.length) {
      throw new ValueError(kind, `state dict has ${sd.paramGroups.length} parameter groups, this optimizer ${this.paramGroups.length}`);
    }
    const all = this.paramGroups.flatMap((g) => g.params);
    const groups = sd.paramGroups.map((saved, g) => {
      const own = this.paramGroups[g]!;
      if (saved.params.length !== own.params.length) {
        throw new ValueError(kind, `state dict group ${g} has ${saved.params.length} parameters, this optimizer ${own.params.length}`);
      }
      return { params: own.params, options: this.checkOptions({ ...own.options, ...(saved.options as Partial<O>) }) };
    });
    const restored = new Map<Tensor, ParamState>();
    for (const [key, { step, buffers }] of Object.entries(sd.state)) {
      const p = all[Number(key)];
      if (p === undefined) throw new ValueError(kind, `state dict has state for parameter ${key}, this optimizer has ${all.length}`);
      if (!Number.isInteger(step) || step < 0) throw new ValueError(kind, `state step of parameter ${key} must be an integer >= 0 (got ${step})`);
      const copies: Record<string, Storage> = {};
      for (const [name, values] of Object.entries(buffers)) {
        if (values.length !== p.size) throw new ValueError(kind, `state ${name} of parameter ${key} has ${values.length} values, the parameter ${p.size}`);
        copies[name] = p.dtype === "float64" ? Float64Array.from(values) : Float32Array.from(values);
      }
      restored.set(p, { step, buffers: copies });
    }
    this.#groups.splice(0, this.#groups.length, ...groups);
    this.#state.clear();
    for (const [p, s] of restored) this.#state.set(p, s);
  }

  #stateOf(p: Tensor): ParamState {
    let s = this.#state.get(p);
    if (s === undefined) {
      s = { step: 0, buffers: {} };
      this.#state.set(p, s);
    }
    return s;
  }
}

const isIterable = (v: unknown): v is Iterable<unknown> => v !== null && v !== undefined && typeof (v as Iterable<unknown>)[Symbol.iterator] === "function";

function toGroupSpecs<O>(kind: string, params: Params<O>): GroupSpec<O>[] {
  if (!isIterable(params)) throw new ValueError(kind, `params must be an iterable of tensors or an array of groups (got ${String(params)})`);
  const list = [...(params as Iterable<Tensor | GroupSpec<O>>)];
  if (list.length > 0 && list.every((p) => !(p instanceof Tensor) && typeof p === "object" && p !== null && "params" in p)) {
    return list as GroupSpec<O>[];
  }
  return [{ params: list as Tensor[] } as unknown as GroupSpec<O>];
}

/**
 * The named buffer of a parameter's state, created as zeros of the parameter's dtype on first use (the
 * lecture's "s := 0"). For writing an optimizer's `update`.
 * @example
 * ```ts
 * const s = buffer(state, "squareAvg", param); // Float32Array of zeros for a float32 parameter
 * ```
 */
export function buffer(state: ParamState, name: string, like: Storage): Storage {
  const existing = state.buffers[name];
  const resident = isResident(like);
  if (existing !== undefined && (!resident || isResident(existing))) return existing;
  // A parameter in WebAssembly memory (a jit program moved it there) gets its moments there too, moved
  // once with their values, so that the update's kernel runs on all of them in place.
  const made = (resident ? residentZeros(like.length) : null) ?? (like instanceof Float64Array ? new Float64Array(like.length) : new Float32Array(like.length));
  if (existing !== undefined) made.set(existing);
  return (state.buffers[name] = made);
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * Checks the fields of a state dict read from outside (a JSON file), so that a malformed one is refused
 * with a `ValueError` before anything changes. Buffer values must be numbers: JSON writes NaN and the
 * infinities as null, which would otherwise load as 0.
 */
function checkStateDictFields(kind: string, sd: unknown): asserts sd is OptimizerStateDict {
  const fail = (what: string, value: unknown): never => {
    throw new ValueError(kind, `state dict ${what} (got ${typeof value === "number" ? value : (JSON.stringify(value)?.slice(0, 80) ?? String(value))})`);
  };
  if (!isRecord(sd)) return fail("must be an object from stateDict()", sd);
  if (!isRecord(sd.state)) fail("field state must be an object", sd.state);
  const groups = sd.paramGroups;
  if (!Array.isArray(groups) || !groups.every((g) => isRecord(g) && Array.isArray(g.params) && isRecord(g.options))) {
    fail("field paramGroups must be an array of { params, options }", groups);
  }
  for (const [key, s] of Object.entries(sd.state as Record<string, unknown>)) {
    const buffers = isRecord(s) ? s.buffers : undefined;
    if (!isRecord(buffers)) return fail(`state of parameter ${key} must be { step, buffers }`, s);
    for (const [name, values] of Object.entries(buffers)) {
      if (!Array.isArray(values) || !values.every((v) => typeof v === "number")) fail(`state ${name} of parameter ${key} must be an array of numbers`, values);
    }
  }
}

import { Tensor, ValueError } from "@tapegrad/core";
import { loadStateDictInto, type LoadResult, type StateDict } from "./stateDict.js";

/** Options of `Module.loadStateDict`. */
export interface LoadStateDictOptions {
  /**
   * true (the default): a missing key, an unexpected key or a shape that differs throws a `StateDictError`.
   * false: the keys both sides have are loaded (shapes are still checked) and the others are reported.
   */
  strict?: boolean;
}

/** A module of any signature, as containers and tree walks see their children. */
// `never[]` accepts every argument list: a child is only walked here, never called.
export type AnyModule = Module<never[], unknown>;

/**
 * The base of every layer and model. A module's state is found by looking at its own fields, so a user's
 * module is a plain class: every `Tensor` field is a parameter, every `Module` field is a child, and an
 * array of modules holds children named by index (`blocks.0`, `blocks.1`, …). Keep a tensor that is not
 * a parameter (a constant, a cache) in a `#private` field or a non-Tensor value; private fields are not
 * visited. State that is saved but not trained (BatchNorm's running statistics) is a buffer
 * (`registerBuffer`).
 *
 * `forward` may take and return anything: `Module<In, Out>` types it, `In` being the argument list
 * (`[x: Tensor]` by default) and `Out` the result (`Tensor` by default).
 *
 * @example
 * ```ts
 * class Affine extends Module {
 *   scale = tensor([1], { requiresGrad: true });
 *   shift = tensor([0], { requiresGrad: true });
 *   forward(x: Tensor): Tensor { return x.mul(this.scale).add(this.shift); }
 * }
 * new Affine().namedParameters().map(([name]) => name); // ["scale", "shift"]
 * class Masked extends Module<[x: Tensor, mask?: Tensor], Tensor> {
 *   forward(x: Tensor, mask?: Tensor): Tensor { return mask === undefined ? x : x.mul(mask); }
 * }
 * ```
 */
export abstract class Module<In extends unknown[] = [x: Tensor], Out = Tensor> {
  /** Whether the module is in training mode (`train()`) or evaluation mode (`eval()`). */
  training = true;

  // A private field is invisible to the field walk, so buffers are never taken for parameters.
  readonly #buffers = new Map<string, Tensor>();

  /** The module's computation. */
  abstract forward(...args: In): Out;

  /**
   * Direct sub-modules with their names, in field order. Override it for containers whose children are
   * not fields (`Sequential` names its layers `"0"`, `"1"`, …).
   * @example
   * ```ts
   * new Sequential(new Linear(2, 3), new ReLU()).children().map(([name]) => name); // ["0", "1"]
   * ```
   */
  children(): [string, AnyModule][] {
    const found: [string, AnyModule][] = [];
    for (const [key, value] of Object.entries(this)) {
      if (value instanceof Module) found.push([key, value as AnyModule]);
      else if (Array.isArray(value)) {
        value.forEach((v: unknown, i) => {
          if (v instanceof Module) found.push([`${key}.${i}`, v as AnyModule]);
        });
      }
    }
    return found;
  }

  /**
   * This module's own parameters (not its children's, not its buffers), with their names. Override it
   * only for a module that keeps parameters somewhere other than its fields.
   * @example
   * ```ts
   * new Linear(2, 3).ownParameters().map(([name]) => name); // ["weight", "bias"]
   * ```
   */
  ownParameters(): [string, Tensor][] {
    const buffers = new Set(this.#buffers.values());
    return Object.entries(this).filter((e): e is [string, Tensor] => e[1] instanceof Tensor && !buffers.has(e[1]));
  }

  /**
   * Adds (or replaces) a buffer: a tensor saved in the state dict under `name` but never trained and never
   * handed to an optimizer, as PyTorch's `register_buffer`. Read it back with `buffer(name)`.
   * @example
   * ```ts
   * class Counter extends Module { constructor() { super(); this.registerBuffer("count", zeros([1])); } forward(x: Tensor) { return x; } }
   * Object.keys(new Counter().stateDict()); // ["count"]
   * ```
   */
  registerBuffer(name: string, value: Tensor): void {
    if (typeof name !== "string" || name === "" || name.includes(".")) {
      throw new ValueError("registerBuffer", `a buffer's name must be a non-empty string without dots (got ${JSON.stringify(name)})`);
    }
    if (!(value instanceof Tensor)) throw new ValueError("registerBuffer", `buffer "${name}" must be a Tensor (got ${String(value)})`);
    this.#buffers.set(name, value);
  }

  /**
   * The buffer registered under `name`.
   * @example `new BatchNorm1d(3).buffer("running_mean").shape; // [3]`
   */
  buffer(name: string): Tensor {
    const b = this.#buffers.get(name);
    if (b === undefined) throw new ValueError("buffer", `the module has no buffer "${name}" (it has ${JSON.stringify([...this.#buffers.keys()])})`);
    return b;
  }

  /** This module's own buffers with their names. @example `new BatchNorm1d(2).ownBuffers().length; // 3` */
  ownBuffers(): [string, Tensor][] {
    return [...this.#buffers];
  }

  /** Walks the tree once per module (shared modules and cycles once), calling `visit` with its dotted prefix. */
  #walk(visit: (module: AnyModule, prefix: string) => void): void {
    const seen = new Set<AnyModule>();
    const go = (module: AnyModule, prefix: string): void => {
      if (seen.has(module)) return;
      seen.add(module);
      visit(module, prefix);
      for (const [name, child] of module.children()) go(child, `${prefix}${name}.`);
    };
    go(this as unknown as AnyModule, "");
  }

  /** Named tensors of every module in the tree, each tensor once, under its first name. */
  #named(own: (m: AnyModule) => [string, Tensor][]): [string, Tensor][] {
    const out: [string, Tensor][] = [];
    const seen = new Set<Tensor>();
    this.#walk((module, prefix) => {
      for (const [name, t] of own(module)) {
        if (seen.has(t)) continue;
        seen.add(t);
        out.push([prefix + name, t]);
      }
    });
    return out;
  }

  /**
   * Every parameter in the tree with its dotted name (`"0.weight"`, `"encoder.fc.bias"`), PyTorch's
   * naming. A tensor or module reached twice (shared weights) is listed once, under its first name.
   * @example
   * ```ts
   * mlp([2, 4, 1]).namedParameters().map(([n]) => n); // ["0.weight", "0.bias", "2.weight", "2.bias"]
   * ```
   */
  namedParameters(): [string, Tensor][] {
    return this.#named((m) => m.ownParameters());
  }

  /** Every parameter in the tree, in `namedParameters()` order. @example `new Linear(2, 3).parameters().length; // 2` */
  parameters(): Tensor[] {
    return this.namedParameters().map(([, p]) => p);
  }

  /**
   * Every buffer in the tree with its dotted name (`"1.running_mean"`).
   * @example
   * ```ts
   * new Sequential(new Linear(2, 3), new BatchNorm1d(3)).namedBuffers().map(([n]) => n);
   * // ["1.running_mean", "1.running_var", "1.num_batches_tracked"]
   * ```
   */
  namedBuffers(): [string, Tensor][] {
    return this.#named((m) => m.ownBuffers());
  }

  /** Every buffer in the tree, in `namedBuffers()` order. @example `new BatchNorm1d(2).buffers().length; // 3` */
  buffers(): Tensor[] {
    return this.namedBuffers().map(([, b]) => b);
  }

  /** This module and every module below it. @example `mlp([2, 3, 1]).modules().length; // 4 (Sequential, Linear, ReLU, Linear)` */
  modules(): AnyModule[] {
    const out: AnyModule[] = [];
    this.#walk((m) => out.push(m));
    return out;
  }

  /**
   * Calls `fn` on every module below this one and then on this one (children first, as PyTorch's
   * `apply`), for custom initialisation. Returns this module.
   * @example
   * ```ts
   * model.apply((m) => { if (m instanceof Linear) m.weight.data.fill(0); });
   * ```
   */
  apply(fn: (module: AnyModule) => void): this {
    for (const m of this.modules().reverse()) fn(m);
    return this;
  }

  /** Switches the whole tree to training mode. @example `model.train().training; // true` */
  train(mode = true): this {
    for (const m of this.modules()) m.training = mode;
    return this;
  }

  /** Switches the whole tree to evaluation mode. @example `model.eval().training; // false` */
  eval(): this {
    return this.train(false);
  }

  /** Clears the gradient of every parameter. @example `model.zeroGrad();` */
  zeroGrad(): void {
    for (const p of this.parameters()) p.zeroGrad();
  }

  /**
   * The parameters and buffers by dotted name, as PyTorch's `state_dict()` keys them (`"0.weight"`,
   * `"1.running_mean"`). The tensors share storage with the module's (like PyTorch's), so copy them if
   * the model will keep training.
   * @example
   * ```ts
   * Object.keys(new Sequential(new Linear(2, 3)).stateDict()); // ["0.weight", "0.bias"]
   * ```
   */
  stateDict(): StateDict {
    const out: StateDict = {};
    for (const [name, t] of this.#state()) Object.defineProperty(out, name, { value: t.detach(), enumerable: true, writable: true, configurable: true });
    return out;
  }

  #state(): [string, Tensor][] {
    return [...this.namedParameters(), ...this.namedBuffers()];
  }

  /**
   * Copies values into the parameters and buffers by name. Every name and shape is checked before
   * anything is written: in strict mode (the default) a missing key, an unexpected key or a shape that
   * differs throws a `StateDictError` listing all of them, and leaves the module unchanged. With
   * `{ strict: false }` the keys both sides share are loaded and the others are returned, as PyTorch's
   * `load_state_dict(strict=False)`. Values of another dtype are converted.
   * @example
   * ```ts
   * const a = new Linear(2, 3), b = new Linear(2, 3);
   * b.loadStateDict(a.stateDict()); // b now computes what a computes
   * new Linear(2, 3).loadStateDict({ weight: a.weight }, { strict: false }); // { missingKeys: ["bias"], unexpectedKeys: [] }
   * ```
   */
  loadStateDict(state: Readonly<Record<string, Tensor>>, options: LoadStateDictOptions = {}): LoadResult {
    return loadStateDictInto(this.#state(), state, options.strict ?? true);
  }
}

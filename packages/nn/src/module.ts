import { Tensor } from "@tapegrad/core";
import { loadStateDictInto, type StateDict } from "./stateDict.js";

/**
 * The base of every layer and model. A module's state is found by looking at its own fields, so a user's
 * module is a plain class: every `Tensor` field is a parameter, every `Module` field is a child, and an
 * array of modules holds children named by index (`blocks.0`, `blocks.1`, …). Keep a tensor that is not
 * a parameter (a constant, a cache) in a `#private` field or a non-Tensor value; private fields are not
 * visited.
 *
 * @example
 * ```ts
 * class Affine extends Module {
 *   scale = tensor([1], { requiresGrad: true });
 *   shift = tensor([0], { requiresGrad: true });
 *   forward(x: Tensor): Tensor { return x.mul(this.scale).add(this.shift); }
 * }
 * new Affine().namedParameters().map(([name]) => name); // ["scale", "shift"]
 * ```
 */
export abstract class Module {
  /** Whether the module is in training mode (`train()`) or evaluation mode (`eval()`). */
  training = true;

  /** The module's computation. */
  abstract forward(x: Tensor): Tensor;

  /**
   * Direct sub-modules with their names, in field order. Override it for containers whose children are
   * not fields (`Sequential` names its layers `"0"`, `"1"`, …).
   * @example
   * ```ts
   * new Sequential(new Linear(2, 3), new ReLU()).children().map(([name]) => name); // ["0", "1"]
   * ```
   */
  children(): [string, Module][] {
    const found: [string, Module][] = [];
    for (const [key, value] of Object.entries(this)) {
      if (value instanceof Module) found.push([key, value]);
      else if (Array.isArray(value)) {
        value.forEach((v: unknown, i) => {
          if (v instanceof Module) found.push([`${key}.${i}`, v]);
        });
      }
    }
    return found;
  }

  /**
   * This module's own parameters (not its children's), with their names. Override it only for a module
   * that keeps parameters somewhere other than its fields.
   * @example
   * ```ts
   * new Linear(2, 3).ownParameters().map(([name]) => name); // ["weight", "bias"]
   * ```
   */
  ownParameters(): [string, Tensor][] {
    return Object.entries(this).filter((e): e is [string, Tensor] => e[1] instanceof Tensor);
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
    const out: [string, Tensor][] = [];
    const seenTensors = new Set<Tensor>();
    const seenModules = new Set<Module>();
    const visit = (module: Module, prefix: string): void => {
      if (seenModules.has(module)) return; // shared sub-modules and cycles are walked once
      seenModules.add(module);
      for (const [name, p] of module.ownParameters()) {
        if (seenTensors.has(p)) continue;
        seenTensors.add(p);
        out.push([prefix + name, p]);
      }
      for (const [name, child] of module.children()) visit(child, `${prefix}${name}.`);
    };
    visit(this, "");
    return out;
  }

  /** Every parameter in the tree, in `namedParameters()` order. @example `new Linear(2, 3).parameters().length; // 2` */
  parameters(): Tensor[] {
    return this.namedParameters().map(([, p]) => p);
  }

  /** This module and every module below it. @example `mlp([2, 3, 1]).modules().length; // 4 (Sequential, Linear, ReLU, Linear)` */
  modules(): Module[] {
    const out = new Set<Module>();
    const visit = (m: Module): void => {
      if (out.has(m)) return;
      out.add(m);
      for (const [, child] of m.children()) visit(child);
    };
    visit(this);
    return [...out];
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
   * The parameters by dotted name, as PyTorch's `state_dict()` keys them (`"0.weight"`). The tensors share
   * storage with the parameters (like PyTorch's), so copy them if the model will keep training.
   * @example
   * ```ts
   * Object.keys(new Sequential(new Linear(2, 3)).stateDict()); // ["0.weight", "0.bias"]
   * ```
   */
  stateDict(): StateDict {
    const out: StateDict = {};
    for (const [name, p] of this.namedParameters()) Object.defineProperty(out, name, { value: p.detach(), enumerable: true, writable: true, configurable: true });
    return out;
  }

  /**
   * Copies values into the parameters by name. Every name and shape is checked before anything is
   * written: a missing key, an unexpected key or a shape that differs throws a `StateDictError` listing
   * all of them, and leaves the module unchanged. Values of the other float dtype are converted.
   * @example
   * ```ts
   * const a = new Linear(2, 3), b = new Linear(2, 3);
   * b.loadStateDict(a.stateDict()); // b now computes what a computes
   * ```
   */
  loadStateDict(state: Readonly<Record<string, Tensor>>): this {
    loadStateDictInto(this.namedParameters(), state);
    return this;
  }
}

import { ValueError } from "@tapegrad/core";
import { Module, type AnyModule } from "./module.js";

/**
 * Layers held by name, as PyTorch's `nn.ModuleDict`: a field `heads = new ModuleDict({ cls: ..., box: ... })`
 * gives state-dict keys `heads.cls.weight`, in insertion order. It has no forward of its own.
 * @example
 * ```ts
 * const heads = new ModuleDict({ cls: new Linear(8, 10), box: new Linear(8, 4) });
 * heads.get("cls").forward(zeros([2, 8])).shape; // [2, 10]
 * Object.keys(heads.stateDict()); // ["cls.weight", "cls.bias", "box.weight", "box.bias"]
 * ```
 */
export class ModuleDict<M extends AnyModule = Module> extends Module<never[], never> {
  readonly #items = new Map<string, M>();

  constructor(items: Readonly<Record<string, M>> = {}) {
    super();
    for (const [name, m] of Object.entries(items)) this.set(name, m);
  }

  /** The layer called `name`. */
  get(name: string): M {
    const m = this.#items.get(name);
    if (m === undefined) throw new ValueError("ModuleDict", `no layer "${name}" (it has ${JSON.stringify([...this.#items.keys()])})`);
    return m;
  }

  /** Adds or replaces the layer called `name`; returns the dict. */
  set(name: string, module: M): this {
    if (name === "" || name.includes(".")) throw new ValueError("ModuleDict", `a layer's name must be non-empty without dots (got ${JSON.stringify(name)})`);
    if (!(module instanceof Module)) throw new ValueError("ModuleDict", `"${name}" must be a Module (got ${String(module)})`);
    this.#items.set(name, module);
    return this;
  }

  /** The names, in insertion order. */
  keys(): string[] {
    return [...this.#items.keys()];
  }

  override children(): [string, AnyModule][] {
    return [...this.#items];
  }

  forward(): never {
    throw new ValueError("ModuleDict", "a ModuleDict has no forward of its own: call its layers");
  }
}

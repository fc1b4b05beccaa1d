import { ValueError } from "@tapegrad/core";
import { Module, type AnyModule } from "./module.js";

/**
 * Layers held in a list, named `"0"`, `"1"`, … as PyTorch's `nn.ModuleList`, so a field `layers = new
 * ModuleList([...])` gives state-dict keys `layers.0.weight`. (A plain array field of modules is named the
 * same way; ModuleList is for code that wants the container to be a module of its own.) It has no forward
 * of its own: call its layers.
 * @example
 * ```ts
 * class Stack extends Module {
 *   layers = new ModuleList([new Linear(4, 4), new Linear(4, 4)]);
 *   forward(x: Tensor): Tensor { return this.layers.items.reduce((h, l) => l.forward(h), x); }
 * }
 * Object.keys(new Stack().stateDict())[0]; // "layers.0.weight"
 * ```
 */
export class ModuleList<M extends AnyModule = Module> extends Module<never[], never> {
  readonly #items: M[];

  constructor(items: readonly M[] = []) {
    super();
    const bad = items.findIndex((m) => !(m instanceof Module));
    if (bad >= 0) throw new ValueError("ModuleList", `item ${bad} must be a Module (got ${String(items[bad])})`);
    this.#items = [...items];
  }

  /** The layers, in order. */
  get items(): readonly M[] {
    return this.#items;
  }

  /** The number of layers. */
  get length(): number {
    return this.#items.length;
  }

  /** The layer at `index` (negative counts from the end). */
  at(index: number): M {
    const m = this.#items.at(index);
    if (m === undefined) throw new ValueError("ModuleList", `index ${index} is out of range for ${this.#items.length} layers`);
    return m;
  }

  /** Appends a layer; returns the list. */
  push(module: M): this {
    if (!(module instanceof Module)) throw new ValueError("ModuleList", `item ${this.#items.length} must be a Module (got ${String(module)})`);
    this.#items.push(module);
    return this;
  }

  override children(): [string, AnyModule][] {
    return this.#items.map((m, i) => [String(i), m]);
  }

  forward(): never {
    throw new ValueError("ModuleList", "a ModuleList has no forward of its own: call its layers");
  }
}

import { Tensor, ValueError } from "@tapegrad/core";
import type { AnyModule, Module } from "./module.js";

/** Where a dotted name lives: a parameter field of a module, or one of its buffers. */
interface Slot {
  readonly owner: AnyModule;
  readonly field: string;
  readonly kind: "parameter" | "buffer";
}

/** Every parameter and buffer of the tree by dotted name (a buffer is named as in the state dict). */
function slots(module: AnyModule): Map<string, Slot> {
  const found = new Map<string, Slot>();
  const walk = (m: AnyModule, prefix: string): void => {
    for (const [field] of m.ownParameters()) found.set(prefix + field, { owner: m, field, kind: "parameter" });
    for (const [field] of m.ownBuffers()) found.set(prefix + field, { owner: m, field, kind: "buffer" });
    for (const [name, child] of m.children()) walk(child, `${prefix}${name}.`);
  };
  walk(module, "");
  return found;
}

const read = (s: Slot): Tensor => (s.kind === "buffer" ? s.owner.buffer(s.field) : (Reflect.get(s.owner, s.field) as Tensor));
const write = (s: Slot, value: Tensor): void => {
  if (s.kind === "buffer") s.owner.registerBuffer(s.field, value);
  else Reflect.set(s.owner, s.field, value);
};

/**
 * Runs `module.forward(...args)` with some parameters and buffers replaced by the given tensors (by dotted
 * name, as in the state dict), then puts the originals back, like `torch.func.functional_call`. This turns
 * a module into a function of its parameters, which is what `grad`, `jvp`, `hessian` and `gradcheck` take.
 * A buffer that forward updates in place (BatchNorm's running statistics in train()) is updated in the
 * tensor given, and the module's own buffer is left as it was, as in PyTorch. Parameters are found as the
 * fields that hold them, so a module that overrides `ownParameters()` cannot be called this way.
 * @example
 * ```ts
 * const layer = new Linear(2, 1, { dtype: "float64" });
 * const f = (w: Tensor) => functionalCall(layer, { weight: w }, x).sum(); // any further arguments go to forward
 * grad(f)(layer.weight); // d sum(x Wᵀ + b) / dW
 * const bn = new BatchNorm1d(3).eval();
 * functionalCall(bn, { running_mean: mean, running_var: variance }, x); // normalised by the given statistics
 * ```
 */
export function functionalCall<In extends unknown[], Out>(module: Module<In, Out>, parameters: Readonly<Record<string, Tensor>>, ...args: In): Out {
  const known = slots(module as unknown as AnyModule);
  const swaps = Object.entries(parameters).map(([name, value]) => {
    const slot = known.get(name);
    if (slot === undefined || (slot.kind === "parameter" && !Object.hasOwn(slot.owner, slot.field))) {
      throw new ValueError("functionalCall", `the module has no parameter or buffer "${name}" (it has ${JSON.stringify([...known.keys()])})`);
    }
    if (!(value instanceof Tensor)) throw new ValueError("functionalCall", `parameters["${name}"] must be a Tensor (got ${String(value)})`);
    return { slot, value, original: read(slot) };
  });
  try {
    for (const s of swaps) write(s.slot, s.value);
    return module.forward(...args);
  } finally {
    for (const s of swaps.reverse()) write(s.slot, s.original);
  }
}

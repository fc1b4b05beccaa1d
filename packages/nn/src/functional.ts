import { ValueError, type Tensor } from "@tapegrad/core";
import type { AnyModule, Module } from "./module.js";

/**
 * Runs `module.forward(...args)` with some parameters replaced by the given tensors (by dotted name), then puts
 * the originals back, like `torch.func.functional_call`. This turns a module into a function of its
 * parameters, which is what `grad`, `jvp`, `hessian` and `gradcheck` take. Parameters are found as the
 * fields that hold them, so a module that overrides `ownParameters()` cannot be called this way.
 * @example
 * ```ts
 * const layer = new Linear(2, 1, { dtype: "float64" });
 * const f = (w: Tensor) => functionalCall(layer, { weight: w }, x).sum(); // any further arguments go to forward
 * grad(f)(layer.weight); // d sum(x Wᵀ + b) / dW
 * ```
 */
export function functionalCall<In extends unknown[], Out>(module: Module<In, Out>, parameters: Readonly<Record<string, Tensor>>, ...args: In): Out {
  const owners = new Map<string, [AnyModule, string]>();
  const walk = (m: AnyModule, prefix: string): void => {
    for (const [field] of m.ownParameters()) owners.set(prefix + field, [m, field]);
    for (const [name, child] of m.children()) walk(child, `${prefix}${name}.`);
  };
  walk(module as unknown as AnyModule, "");
  const swaps = Object.entries(parameters).map(([name, value]) => {
    const owner = owners.get(name);
    if (owner === undefined || !Object.hasOwn(owner[0], owner[1])) {
      throw new ValueError("functionalCall", `the module has no parameter field "${name}" (it has ${JSON.stringify([...owners.keys()])})`);
    }
    return { owner: owner[0], field: owner[1], value, original: Reflect.get(owner[0], owner[1]) as Tensor };
  });
  try {
    for (const s of swaps) Reflect.set(s.owner, s.field, s.value);
    return module.forward(...args);
  } finally {
    for (const s of swaps.reverse()) Reflect.set(s.owner, s.field, s.original);
  }
}

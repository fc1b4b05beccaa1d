import type { Tensor } from "../../tensor.js";

/**
 * A Python value as a `torch.save` file holds it, in JavaScript: `None` is `null`, `bool` a boolean, `int`
 * and `float` numbers, `str` a string, a tensor a `Tensor`, a list an array, a tuple an array made with
 * {@link pyTuple}, a dict with string keys a plain object, and a dict with other keys (the optimizer
 * state's parameter indices) a `Map`.
 */
export type TorchValue = null | boolean | number | string | Tensor | readonly TorchValue[] | ReadonlyMap<string | number, TorchValue> | TorchObject;

/** A Python dict with string keys (a state dict, an optimizer's param group). */
export interface TorchObject {
  readonly [key: string]: TorchValue;
}

const tuples = new WeakSet<readonly TorchValue[]>();

/**
 * A Python tuple: an array that `encodeTorchSave` writes as a tuple rather than a list (torch.optim
 * keeps `betas` as one). `decodeTorchSave` returns tuples made this way, frozen.
 * @example
 * ```ts
 * const betas = pyTuple(0.9, 0.999);
 * isPyTuple(betas); // true
 * ```
 */
export function pyTuple(...items: TorchValue[]): readonly TorchValue[] {
  const tuple = Object.freeze(items);
  tuples.add(tuple);
  return tuple;
}

/**
 * Whether `value` was made by {@link pyTuple} (a Python tuple rather than a list).
 * @example
 * ```ts
 * isPyTuple([1, 2]); // false
 * ```
 */
export function isPyTuple(value: unknown): boolean {
  return Array.isArray(value) && tuples.has(value);
}

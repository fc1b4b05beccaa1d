import { valueReads } from "../autodiff/hooks.js";
import type { Storage } from "../dtype.js";
import { sameShape } from "../shape.js";
import type { Tensor } from "../tensor.js";
import type { TraceSource, TraceValue } from "./graph.js";

/** A value of a graph being recorded, with where it comes from. */
export type TracedValue = TraceValue & { source: TraceSource };

/**
 * The values of a graph being recorded (by `trace` for export, by `jit`'s recorder), and which tensor
 * stands for which. A tensor is found by identity, or else by its storage: a detached copy (a state
 * dict's entries, stopGradient's result) shares its tensor's storage and is the same value, as long as
 * its dtype and shape are too (a reshape that shares storage is another value).
 * @example
 * ```ts
 * const table = new ValueTable();
 * const w = tensor([1, 2]);
 * table.add(w, { kind: "input", index: 0 });
 * table.known(w.detach()); // 0
 * ```
 */
export class ValueTable {
  readonly values: TracedValue[] = [];
  private readonly ids = new Map<Tensor, number>();
  private readonly byStorage = new Map<Storage, number[]>();

  /** Records `t` as a new value from `source` and returns its id. */
  add(t: Tensor, source: TraceSource): number {
    const id = this.values.length;
    this.values.push({ id, shape: t.shape, dtype: t.dtype, source });
    this.ids.set(t, id);
    const storage = storageOf(t);
    if (storage !== null) this.byStorage.set(storage, [...(this.byStorage.get(storage) ?? []), id]);
    return id;
  }

  /** The id of the value recorded for this very tensor object. */
  idOfTensor(t: Tensor): number | undefined {
    return this.ids.get(t);
  }

  /** The id of the value `t` is, by identity or by storage, or undefined where it is none yet. */
  known(t: Tensor): number | undefined {
    const id = this.ids.get(t);
    if (id !== undefined) return id;
    const storage = storageOf(t);
    return storage === null ? undefined : this.byStorage.get(storage)?.find((v) => sameLayout(t, this.values[v]!));
  }
}

/** Whether `t` has `v`'s dtype and shape. */
export function sameLayout(t: Tensor, v: { readonly shape: readonly number[]; readonly dtype: string }): boolean {
  return t.dtype === v.dtype && sameShape(t.shape, v.shape);
}

/** A tensor's storage without reading its values (under jit, a read of a traced value is refused; a vmap-batched tensor has none). */
export function storageOf(t: Tensor): Storage | null {
  if (t.batch !== null) return null;
  const saved = valueReads.check;
  valueReads.check = null;
  try {
    return t.data;
  } finally {
    valueReads.check = saved;
  }
}

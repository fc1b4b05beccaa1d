import { Tensor, ValueError } from "@tapegrad/core";

/** Parameters and buffers by dotted name, as `Module.stateDict()` returns them. */
export type StateDict = Record<string, Tensor>;

/** What `loadStateDict` did not load (always empty in strict mode, which throws instead). */
export interface LoadResult {
  /** Names of the module that the state dict does not have. */
  readonly missingKeys: string[];
  /** Keys of the state dict that the module has nothing for. */
  readonly unexpectedKeys: string[];
}

const formatShape = (shape: readonly number[]): string => `[${shape.join(",")}]`;

/**
 * A state dict that does not fit the module. The fields list every problem, so a caller can show them or
 * decide to load a subset.
 * @example
 * ```ts
 * try { model.loadStateDict({}); } catch (e) { if (e instanceof StateDictError) console.log(e.missing); }
 * ```
 */
export class StateDictError extends ValueError {
  constructor(
    /** Parameter names of the module that the state dict does not have. */
    readonly missing: readonly string[],
    /** Keys of the state dict that the module has no parameter for. */
    readonly unexpected: readonly string[],
    /** Names present on both sides whose shapes differ. */
    readonly mismatched: readonly { name: string; expected: readonly number[]; got: readonly number[] }[],
  ) {
    const parts = [
      missing.length ? `missing keys ${JSON.stringify(missing)}` : "",
      unexpected.length ? `unexpected keys ${JSON.stringify(unexpected)}` : "",
      ...mismatched.map((m) => `"${m.name}" has shape ${formatShape(m.got)}, the module expects ${formatShape(m.expected)}`),
    ];
    super("loadStateDict", parts.filter(Boolean).join("; "));
  }
}

/**
 * Checks `state` against the named tensors (names both ways, then shapes) and, only if everything
 * fits, copies each value into its tensor's storage in place. Keys are read with `Object.hasOwn`, so
 * a key such as `constructor` is never confused with an inherited property. Unless `strict`, names on
 * one side only are returned instead of refused; shapes that differ are refused either way, as in PyTorch.
 * @internal
 */
export function loadStateDictInto(params: readonly [string, Tensor][], state: Readonly<Record<string, Tensor>>, strict: boolean): LoadResult {
  if (typeof state !== "object" || state === null) throw new ValueError("loadStateDict", `the state dict must be an object of tensors (got ${String(state)})`);
  const notTensor = Object.keys(state).find((k) => !(state[k] instanceof Tensor));
  if (notTensor !== undefined) throw new ValueError("loadStateDict", `"${notTensor}" must be a Tensor (got ${String(state[notTensor])})`);
  const names = new Set(params.map(([n]) => n));
  const missing = params.map(([n]) => n).filter((n) => !Object.hasOwn(state, n));
  const unexpected = Object.keys(state).filter((k) => !names.has(k));
  const mismatched = params.flatMap(([name, p]) => {
    if (!Object.hasOwn(state, name)) return [];
    const got = state[name]!.shape;
    const same = got.length === p.shape.length && got.every((d, i) => d === p.shape[i]);
    return same ? [] : [{ name, expected: p.shape, got }];
  });
  if (mismatched.length || (strict && (missing.length || unexpected.length))) {
    throw new StateDictError(strict ? missing : [], strict ? unexpected : [], mismatched);
  }
  for (const [name, p] of params) if (Object.hasOwn(state, name)) p.data.set(state[name]!.data);
  return { missingKeys: missing, unexpectedKeys: unexpected };
}

import { DTypeError, isPyTuple, pyTuple, Tensor, tensor, ValueError, type TorchObject, type TorchValue } from "@tapegrad/core";
import type { BaseOptions, Optimizer, OptimizerStateDict } from "./optimizer.js";

/**
 * An optimizer's state in `torch.optim`'s layout (PyTorch 1.13 names): `state` maps each parameter's
 * index, counted across the groups, to its buffers as tensors of the parameter's shape (Adam's `step`
 * as a scalar float32 tensor, like `torch.tensor(k.)`), and each param group lists its options under
 * torch's names with its parameters' indices.
 */
export interface TorchOptimizerState extends TorchObject {
  readonly state: ReadonlyMap<number, TorchObject>;
  readonly param_groups: readonly TorchObject[];
}

/** How one tapegrad optimizer class maps onto its `torch.optim` namesake. */
interface TorchLayout {
  /** tapegrad buffer name → torch state key. */
  readonly buffers: Readonly<Record<string, string>>;
  /** tapegrad option name → torch param-group key, in torch's order. */
  readonly options: Readonly<Record<string, string>>;
  /** torch's param-group keys with no tapegrad option, and the value that means tapegrad's behaviour. */
  readonly torchOnly: Readonly<Record<string, TorchValue>>;
  /** Whether torch keeps a per-parameter `step` (Adam does, SGD does not). */
  readonly step: boolean;
  /** State keys a parameter's entry must have, given its group's tapegrad options. */
  readonly required: (options: Readonly<Record<string, unknown>>) => readonly string[];
}

const adamBuffers = { expAvg: "exp_avg", expAvgSq: "exp_avg_sq", maxExpAvgSq: "max_exp_avg_sq" };
const adamOptions = { lr: "lr", betas: "betas", eps: "eps", weightDecay: "weight_decay", amsgrad: "amsgrad" };
const adamRequired = (o: Readonly<Record<string, unknown>>): string[] => ["step", "exp_avg", "exp_avg_sq", ...(o.amsgrad === true ? ["max_exp_avg_sq"] : [])];

const LAYOUTS: Readonly<Record<string, TorchLayout>> = {
  Adam: { buffers: adamBuffers, options: adamOptions, torchOnly: { maximize: false, foreach: null, capturable: false, differentiable: false, fused: false }, step: true, required: adamRequired },
  AdamW: { buffers: adamBuffers, options: adamOptions, torchOnly: { foreach: null, maximize: false, capturable: false }, step: true, required: adamRequired },
  SGD: {
    buffers: { momentum: "momentum_buffer" },
    options: { lr: "lr", momentum: "momentum", dampening: "dampening", weightDecay: "weight_decay", nesterov: "nesterov" },
    torchOnly: { maximize: false, foreach: null, differentiable: false },
    step: false,
    required: () => ["momentum_buffer"],
  },
};

/**
 * torch-only keys whose value does not change the arithmetic (how torch runs the loop, or what it keeps
 * for autograd and CUDA graphs), so any value loads; `maximize` does change it and must be False.
 */
const IMPLEMENTATION_KEYS = new Set(["foreach", "capturable", "differentiable", "fused", "initial_lr"]);

function layoutOf(op: string, opt: Optimizer<BaseOptions>): TorchLayout {
  const kind = opt.kind;
  const layout = LAYOUTS[kind];
  if (layout === undefined) throw new ValueError(op, `${kind} has no torch.optim layout here (supported: ${Object.keys(LAYOUTS).join(", ")})`);
  return layout;
}

/**
 * The optimizer's state as `torch.optim`'s `optimizer.state_dict()` returns it, ready for
 * `encodeTorchSave`; in PyTorch, `optimizer.load_state_dict(...)` takes it. Adam, AdamW and SGD.
 * @example
 * ```ts
 * const bytes = encodeTorchSave(torchOptimizerState(opt));   // python: opt.load_state_dict(torch.load(path))
 * ```
 */
export function torchOptimizerState(opt: Optimizer<BaseOptions>): TorchOptimizerState {
  const op = "torchOptimizerState";
  const layout = layoutOf(op, opt);
  const sd = opt.stateDict();
  const params = opt.paramGroups.flatMap((g) => g.params);
  const state = new Map<number, TorchObject>();
  for (const [key, { step, buffers }] of Object.entries(sd.state)) {
    const p = params[Number(key)]!;
    const entry: Record<string, TorchValue> = {};
    if (layout.step) entry.step = tensor(Float32Array.of(step), { shape: [] });
    for (const [name, torchName] of Object.entries(layout.buffers)) {
      const values = buffers[name];
      if (values !== undefined) entry[torchName] = tensor(p.dtype === "float64" ? Float64Array.from(values) : Float32Array.from(values), { shape: p.shape });
      else if (!layout.step) entry[torchName] = null; // torch's SGD without momentum keeps momentum_buffer: None
    }
    state.set(Number(key), entry);
  }
  const param_groups = sd.paramGroups.map(({ params: ids, options }) => {
    const group: Record<string, TorchValue> = {};
    for (const [name, torchName] of Object.entries(layout.options)) {
      const value = options[name];
      group[torchName] = Array.isArray(value) ? pyTuple(...(value as number[])) : (value as TorchValue);
    }
    return { ...group, ...layout.torchOnly, params: [...ids] };
  });
  return { state, param_groups };
}

/**
 * Restores a `torch.optim` state dict (from `torch.load` of a PyTorch checkpoint, read with
 * `decodeTorchSave`) into a tapegrad optimizer of the same class over parameters of the same groups,
 * shapes and dtypes. Every key, shape and dtype is checked before anything changes; a mismatch is a
 * `ValueError` (a `DTypeError` for dtypes) naming the key.
 * @example
 * ```ts
 * loadTorchOptimizerState(opt, (decodeTorchSave(bytes) as { optimizer: TorchValue }).optimizer);
 * ```
 */
export function loadTorchOptimizerState(opt: Optimizer<BaseOptions>, value: TorchValue): void {
  opt.loadStateDict(fromTorchOptimizerState(opt, value));
}

/**
 * The tapegrad form of a torch optimizer state dict, checked against `opt` but not applied (so that a
 * checkpoint can check every part before restoring any): `@tapegrad/train`'s PyTorch checkpoints use it.
 * @example
 * ```ts
 * const dict = fromTorchOptimizerState(optimizer, torchOptimizerState(optimizer)); // then optimizer.loadStateDict(dict)
 * ```
 */
export function fromTorchOptimizerState(opt: Optimizer<BaseOptions>, value: TorchValue): OptimizerStateDict {
  const op = "loadTorchOptimizerState";
  const fail = (message: string): never => {
    throw new ValueError(op, message);
  };
  const layout = layoutOf(op, opt);
  const kind = opt.kind;
  if (!isObject(value) || !("state" in value) || !("param_groups" in value)) return fail(`expected { state, param_groups } as torch's optimizer.state_dict() returns it`);
  const groups = value.param_groups;
  if (!Array.isArray(groups) || !groups.every(isObject)) return fail(`param_groups must be a list of dicts`);
  if (groups.length !== opt.paramGroups.length) fail(`the checkpoint has ${groups.length} param groups, this ${kind} ${opt.paramGroups.length}`);
  const owner = new Map<number, { param: Tensor; group: number }>();
  const paramGroups = (groups as TorchObject[]).map((group, g) => {
    const own = opt.paramGroups[g]!.params;
    const ids = group.params;
    if (!Array.isArray(ids) || !ids.every((i) => Number.isSafeInteger(i))) return fail(`param_groups[${g}].params must be a list of integers`);
    if (ids.length !== own.length) fail(`param_groups[${g}] has ${ids.length} parameters, this ${kind}'s group ${g} has ${own.length}`);
    (ids as number[]).forEach((id, i) => {
      if (owner.has(id)) fail(`parameter index ${id} appears twice in param_groups`);
      owner.set(id, { param: own[i]!, group: g });
    });
    const known = new Set([...Object.values(layout.options), ...Object.keys(layout.torchOnly), "params", ...IMPLEMENTATION_KEYS]);
    const unexpected = Object.keys(group).filter((k) => !known.has(k));
    if (unexpected.length) fail(`param_groups[${g}] has keys ${JSON.stringify(unexpected)} that torch.optim.${kind} does not have`);
    for (const [k, meaning] of Object.entries(layout.torchOnly)) {
      if (!IMPLEMENTATION_KEYS.has(k) && k in group && group[k] !== meaning) fail(`param_groups[${g}].${k} is ${String(group[k])}; tapegrad's ${kind} supports only ${String(meaning)}`);
    }
    const options: Record<string, unknown> = {};
    for (const [name, torchName] of Object.entries(layout.options)) {
      if (!(torchName in group)) fail(`param_groups[${g}] has no "${torchName}"`);
      const v = group[torchName]!;
      options[name] = isPyTuple(v) || Array.isArray(v) ? [...(v as number[])] : v;
    }
    return { params: ids as number[], options };
  });
  const state: Record<string, { step: number; buffers: Record<string, number[]> }> = {};
  const entries = value.state instanceof Map ? [...value.state] : isObject(value.state) ? Object.entries(value.state).map(([k, v]) => [Number(k), v] as const) : fail(`state must be a dict`);
  const tapegradName = Object.fromEntries(Object.entries(layout.buffers).map(([t, torch]) => [torch, t]));
  for (const [id, s] of entries) {
    const where = `state[${String(id)}]`;
    const target = typeof id === "number" ? owner.get(id) : undefined;
    if (target === undefined) return fail(`${where} belongs to no parameter of param_groups`);
    if (!isObject(s)) return fail(`${where} must be a dict`);
    const { param } = target;
    const allowed = new Set([...Object.values(layout.buffers), ...(layout.step ? ["step"] : [])]);
    const unexpected = Object.keys(s).filter((k) => !allowed.has(k));
    if (unexpected.length) fail(`${where} has keys ${JSON.stringify(unexpected)} that torch.optim.${kind} does not keep`);
    const missing = layout.required(paramGroups[target.group]!.options).filter((k) => !(k in s));
    if (missing.length) fail(`${where} has no ${JSON.stringify(missing)}`);
    let step = 0;
    if (layout.step) {
      const raw = s.step instanceof Tensor && s.step.size === 1 ? s.step.data[0]! : s.step;
      if (typeof raw !== "number" || !Number.isSafeInteger(raw) || raw < 0) fail(`${where}.step must be a whole number >= 0 (got ${String(raw)})`);
      step = raw as number;
    }
    const buffers: Record<string, number[]> = {};
    for (const [torchName, t] of Object.entries(s)) {
      if (torchName === "step" || (t === null && !layout.step)) continue; // SGD without momentum keeps None
      if (t === null) return fail(`${where}.${torchName} is None`);
      if (!(t instanceof Tensor)) return fail(`${where}.${torchName} must be a tensor`);
      if (t.shape.length !== param.shape.length || t.shape.some((d, i) => d !== param.shape[i])) {
        fail(`${where}.${torchName} has shape [${t.shape.join(",")}], its parameter [${param.shape.join(",")}]`);
      }
      if (t.dtype !== param.dtype) throw new DTypeError(op, `${where}.${torchName} is ${t.dtype}, its parameter ${param.dtype}`);
      buffers[tapegradName[torchName]!] = Array.from(t.data);
    }
    state[String(id)] = { step, buffers };
  }
  // tapegrad numbers parameters by position across the groups; torch's indices may be any integers.
  const position = new Map(paramGroups.flatMap((g) => g.params).map((id, i) => [id, i]));
  const renumbered = Object.fromEntries(Object.entries(state).map(([id, s]) => [String(position.get(Number(id))), s]));
  return { kind, state: renumbered, paramGroups: paramGroups.map((g) => ({ params: g.params.map((id) => position.get(id)!), options: g.options })) };
}

const isObject = (v: unknown): v is TorchObject => typeof v === "object" && v !== null && !Array.isArray(v) && !(v instanceof Tensor) && !(v instanceof Map);

import { describeValue, DTypeError, GradError, NotDifferentiableError, notATensor, ShapeError, ValueError, formatShape } from "../errors.js";
import { sameShape } from "../shape.js";
import { Tensor, type TensorLike } from "../tensor.js";
import { engineOps } from "./engineOps.js";
import { full } from "../creation.js";
import { withGradEnabled } from "./mode.js";
import { hooks, runRule } from "./hooks.js";
import { detectAnomaly } from "./anomaly.js";

/** Options of a backward pass. */
export interface BackwardOptions {
  /**
   * Keep the tape after this pass so that backward can walk it again. Defaults to `createGraph`, as in
   * PyTorch: a taped backward refers to the forward values, so the graph must outlive it.
   */
  retainGraph?: boolean;
  /** Tape the backward computation itself, so the gradients can be differentiated again. Default false. */
  createGraph?: boolean;
  /** Stop at the first VJP that makes a NaN or an infinity, naming its op (see `detectAnomaly`). */
  detectAnomaly?: boolean;
}

/** Options of the engine that only the transforms set. */
export interface WalkOptions extends BackwardOptions {
  /**
   * Nodes recorded up to this `sequence` (before the transform's function ran) are treated as leaves:
   * never walked into, and so never released. A transform's walk then cannot free a graph that the
   * user built outside it and may still walk with `backward()`.
   */
  recordedAfter?: number;
}

/**
 * The reverse-mode engine. From the roots, it orders the taped nodes topologically (iteratively: a chain
 * of a million ops must not overflow JavaScript's stack), then walks them from the outputs back,
 * asking each op's VJP rule for its inputs' cotangents, un-broadcasting each to its input's shape (the one
 * place where that happens), checking shape and dtype, and summing cotangents where a value fans out.
 *
 * `targets`, when given, are the tensors whose cotangents are wanted; the walk stops at them and skips
 * nodes that cannot reach them. Without targets, cotangents of every leaf that requires grad come back.
 */
export function computeGradients(
  roots: readonly Tensor[],
  seeds: readonly Tensor[],
  targets: ReadonlySet<Tensor> | null,
  options: WalkOptions,
): Map<Tensor, Tensor> {
  const order = topologicalOrder(roots, targets, options.recordedAfter ?? 0);
  const reaches = targets ? reachability(order, targets) : null;
  const cotangents = new Map<Tensor, Tensor>();
  roots.forEach((root, i) => accumulate(cotangents, root, seeds[i]!));
  withGradEnabled(options.createGraph ?? false, () => {
    for (let i = order.length - 1; i >= 0; i--) {
      const out = order[i]!;
      const node = out.node!;
      const ct = cotangents.get(out);
      if (ct !== undefined && (targets === null || !targets.has(out))) {
        const rule = node.rule;
        const inputs = node.inputs;
        const needed = inputs.map((x) => x.requiresGrad && (reaches === null || reaches.has(x)));
        // Constant ops are never taped; the check is for a rule built outside the types (plain JavaScript).
        if (rule.constant) throw new NotDifferentiableError(rule.name, `has no reverse-mode (VJP) rule`);
        const context = { ct, primals: inputs, out, params: node.params, needed };
        // Through the rule hooks when any are installed (detectAnomaly); otherwise straight (no closure per node).
        const cts = hooks.rule.length > 0 ? runRule("vjp", rule.name, out, () => rule.vjp(context)) : rule.vjp(context);
        for (let k = 0; k < inputs.length; k++) {
          const g = cts[k];
          if (needed[k] && g) accumulate(cotangents, inputs[k]!, fitCotangent(rule.name, k, g, inputs[k]!));
        }
        if (!out.retainsGrad) cotangents.delete(out); // kept for backward() to store in .grad
      }
      if (!(options.retainGraph ?? options.createGraph)) release(out);
    }
  });
  return cotangents;
}

/** Numbers the walks, so that a node can carry its visited mark instead of a set holding it. */
let walks = 0;

/**
 * Depth-first post-order over taped nodes, with an explicit stack (two parallel arrays: the tensors and
 * the next input of each to visit). Leaves and targets end the walk. A tensor without a node needs no
 * mark: it is never pushed, so meeting it twice costs nothing.
 */
function topologicalOrder(roots: readonly Tensor[], targets: ReadonlySet<Tensor> | null, recordedAfter: number): Tensor[] {
  const order: Tensor[] = [];
  const walk = ++walks;
  const expandable = (t: Tensor): boolean => t.node !== null && t.node.sequence > recordedAfter && !(targets?.has(t) ?? false);
  const stack: Tensor[] = [];
  const nextInput: number[] = [];
  for (const root of roots) {
    if (!expandable(root) || root.node!.walk === walk) continue;
    root.node!.walk = walk;
    stack.push(root);
    nextInput.push(0);
    while (stack.length > 0) {
      const top = stack.length - 1;
      const t = stack[top]!;
      const node = t.node!;
      if (node.released) {
        throw new GradError("backward", `the graph through ${node.rule.name} (${t}) was freed by an earlier backward(); pass { retainGraph: true } to the first call to walk it twice`);
      }
      const next = nextInput[top]!;
      if (next < node.inputs.length) {
        nextInput[top] = next + 1;
        const x = node.inputs[next]!;
        if (x.requiresGrad && expandable(x) && x.node!.walk !== walk) {
          x.node!.walk = walk;
          stack.push(x);
          nextInput.push(0);
        }
      } else {
        stack.pop();
        nextInput.pop();
        order.push(t);
      }
    }
  }
  return order;
}

/** Which tensors lie on a path to a target (inputs come before outputs in `order`). */
function reachability(order: readonly Tensor[], targets: ReadonlySet<Tensor>): Set<Tensor> {
  const reaches = new Set<Tensor>(targets);
  for (const t of order) if (t.node!.inputs.some((x) => reaches.has(x))) reaches.add(t);
  return reaches;
}

function accumulate(cotangents: Map<Tensor, Tensor>, x: Tensor, g: Tensor): void {
  const previous = cotangents.get(x);
  cotangents.set(x, previous === undefined ? g : engineOps().add(previous, g));
}

/**
 * Sums a cotangent over the dims its input was broadcast along, then checks it has the input's shape and
 * dtype. Every VJP rule relies on this, so none un-broadcasts on its own.
 */
function fitCotangent(op: string, index: number, g: Tensor, x: Tensor): Tensor {
  if (g.dtype !== x.dtype) {
    throw new DTypeError(op, `VJP rule returned a ${g} cotangent for input ${index} of dtype ${x.dtype}`);
  }
  if (sameShape(g.shape, x.shape)) return g;
  const lead = g.shape.length - x.shape.length;
  const fits = lead >= 0 && x.shape.every((d, i) => d === 1 || d === g.shape[i + lead]);
  if (!fits) {
    throw new ShapeError(op, `VJP rule returned a cotangent of shape ${formatShape(g.shape)} for input ${index} of shape ${formatShape(x.shape)}`, [g.shape, x.shape]);
  }
  const axes = g.shape.map((_, i) => i).filter((i) => i < lead || (x.shape[i - lead] === 1 && g.shape[i] !== 1));
  const { reshape, sum } = engineOps();
  return reshape(sum(g, axes), x.shape);
}

function release(t: Tensor): void {
  const node = t.node!;
  if (node.released) return;
  node.released = true;
  node.inputs = [];
  for (const hook of hooks.released) hook(t);
}

/**
 * `y.backward()`: accumulates dy/dx into `x.grad` for every leaf x that requires grad, as PyTorch does.
 * A non-scalar y needs a seed cotangent of its shape.
 */
export function backward(root: Tensor, seedOrOptions?: TensorLike | BackwardOptions, maybeOptions?: BackwardOptions): void {
  const [seed, options] = seedAndOptions(seedOrOptions, maybeOptions);
  if (!root.requiresGrad) {
    throw new GradError("backward", `${root} does not require grad: no input of the ops that made it has requiresGrad set`);
  }
  const ct = seedFor(root, seed);
  const walk = (): Map<Tensor, Tensor> => computeGradients([root], [ct], null, options);
  const gradients = options.detectAnomaly ? detectAnomaly(walk) : walk();
  for (const [x, g] of gradients) {
    if (!x.retainsGrad) continue; // a non-leaf keeps no .grad unless it called retainGrad(), as in PyTorch
    x.grad = x.grad === null ? g : withGradEnabled(options.createGraph ?? false, () => engineOps().add(x.grad!, g));
  }
}

/**
 * `backward(seed?, options?)` also takes its options alone, `backward({ createGraph: true })`, as
 * PyTorch's keyword arguments read. A plain object in first place is the options: a seed is a Tensor or
 * a number, never a plain object.
 */
function seedAndOptions(first: TensorLike | BackwardOptions | undefined, second: BackwardOptions | undefined): [TensorLike | undefined, BackwardOptions] {
  const isOptions = typeof first === "object" && first !== null && !(first instanceof Tensor) && !Array.isArray(first) && !ArrayBuffer.isView(first);
  if (!isOptions) return [first as TensorLike | undefined, checkOptions(second ?? {})];
  if (second !== undefined) throw new ValueError("backward", `got options twice: pass them alone, backward(options), or after a seed, backward(seed, options)`);
  return [undefined, checkOptions(first)];
}

const optionNames: readonly (keyof BackwardOptions)[] = ["retainGraph", "createGraph", "detectAnomaly"];

function checkOptions(options: BackwardOptions): BackwardOptions {
  if (typeof options !== "object" || options === null) throw new ValueError("backward", `options must be an object, got ${describeValue(options)}`);
  for (const [key, value] of Object.entries(options)) {
    if (!optionNames.includes(key as keyof BackwardOptions)) {
      throw new ValueError("backward", `unknown option ${JSON.stringify(key)}; the options are ${optionNames.join(", ")}`);
    }
    if (value !== undefined && typeof value !== "boolean") throw new ValueError("backward", `option ${key} must be a boolean, got ${describeValue(value)}`);
  }
  return options;
}

/** The cotangent to start from: ones for a one-element output, else the seed the caller gave. */
export function seedFor(root: Tensor, seed: TensorLike | undefined, op = "backward"): Tensor {
  if (seed === undefined) {
    if (root.size !== 1) {
      throw new GradError(op, `${root} is not a scalar: pass a seed cotangent of shape ${formatShape(root.shape)}, or reduce it first (e.g. .sum())`);
    }
    return full(root.shape, 1, { dtype: root.dtype });
  }
  if (typeof seed !== "number" && !(seed instanceof Tensor)) throw notATensor(op, "the seed cotangent", seed);
  const ct = typeof seed === "number" ? full(root.shape, seed, { dtype: root.dtype }) : seed;
  if (!sameShape(ct.shape, root.shape)) {
    throw new ShapeError(op, `the seed cotangent ${formatShape(ct.shape)} must have the output's shape ${formatShape(root.shape)}`, [ct.shape, root.shape]);
  }
  return ct.dtype === root.dtype ? ct : ct.cast(root.dtype);
}

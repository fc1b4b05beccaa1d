import type { Tensor } from "./tensor.js";
import { ValueError } from "./errors.js";
import { fixed, scientific } from "./decimal.js";

/*
 * How a tensor prints (`format()`, `console.log`, `util.inspect`). The reference is PyTorch's `repr`
 * (torch/_tensor_str.py), followed rule for rule so that a PyTorch or NumPy user reads it at a glance:
 *
 * - `tensor(` + values + suffixes + `)`; a scalar is `tensor(3.)`, an empty tensor `tensor([])`.
 * - An int32 tensor prints its values as integers (`tensor([1, 2], dtype=int32)`), right-aligned.
 * - One number format for the whole float tensor, chosen from its nonzero finite values: if all are integers,
 *   `1.` style (a trailing point says "float"); otherwise `precision` (4) digits after the point; and
 *   scientific `1.0000e+08` when the largest magnitude is over 1000 times the smallest, over 1e8, or (for
 *   non-integers) the smallest is under 1e-4. Every number is right-aligned to the widest, so columns line up.
 * - nan and infinities print as `nan`, `inf`, `-inf` (Python's spelling); negative zero keeps its sign.
 * - Over `threshold` (1000) elements, each axis longer than 2 * `edgeItems` (3) shows its first and last
 *   `edgeItems` entries around `...`, and the number format is chosen from the shown values only.
 * - Rows wrap at `lineWidth` (80) characters; nested axes indent under their bracket, with a blank line
 *   between blocks of a 3-D or higher tensor.
 * - Suffixes, wrapped onto their own line when they would pass `lineWidth`: the dtype when it is not the
 *   default float32; `gradFn=<name>` for a taped tensor, else `requiresGrad=true` on a leaf that requires
 *   grad; `tangent=tensor(...)` for a forward-mode dual, whose values are its primal's.
 *
 * Where it differs from PyTorch, it is to speak tapegrad's API: `requiresGrad=true` not `requires_grad=True`;
 * `gradFn=<mul>` names the primitive op's rule (`t.node.rule.name`), not an autograd class (`MulBackward0`),
 * so a composite shows the primitive it ended with (`x.sub(y)` is `x.add(y.neg())`: `gradFn=<add>`);
 * `dtype=float64` not `dtype=torch.float64`; an empty tensor of shape [0, 3] shows `shape=[0, 3]` where
 * PyTorch shows `size=(0, 3)`, because tapegrad's `size` is the element count; a dual's suffixes are its
 * primal's (a dual is a wrapper, the primal carries the tape) followed by its tangent, the inner level's
 * first when duals nest, and a zero tangent prints as `tangent=0`.
 * Numbers are rounded as Python rounds them (see decimal.ts), so the digits match PyTorch's too.
 */

/**
 * Per-call print options, like the ones `torch.set_printoptions` sets globally (tapegrad has no global
 * print state, so two callers never see each other's settings).
 */
export interface FormatOptions {
  /** Digits after the decimal point (PyTorch's default: 4). */
  precision?: number;
  /** Tensors with more elements than this are summarised with `...` (default 1000). */
  threshold?: number;
  /** Entries shown at each end of a summarised axis (default 3). */
  edgeItems?: number;
  /** Characters per line before rows and suffixes wrap (default 80). */
  lineWidth?: number;
  /** Force (true) or forbid (false) scientific notation; chosen from the values when left out. */
  sciMode?: boolean;
}

type Resolved = Required<Omit<FormatOptions, "sciMode">> & { sciMode: boolean | undefined };

function resolve(options: FormatOptions | undefined): Resolved {
  const count = (name: keyof FormatOptions, fallback: number): number => {
    const v = options?.[name] ?? fallback;
    if (typeof v !== "number" || !Number.isInteger(v) || v < 0) {
      throw new ValueError("format", `option ${name} must be a non-negative integer (got ${String(v)})`);
    }
    return v;
  };
  const sciMode = options?.sciMode;
  if (sciMode !== undefined && typeof sciMode !== "boolean") throw new ValueError("format", `option sciMode must be a boolean (got ${String(sciMode)})`);
  return { precision: count("precision", 4), threshold: count("threshold", 1000), edgeItems: count("edgeItems", 3), lineWidth: count("lineWidth", 80), sciMode };
}

/** The indices shown along an axis of length n; null marks the `...` of a summarised axis. */
function shownIndices(n: number, summarize: boolean, edge: number): (number | null)[] {
  const all = Array.from({ length: n }, (_, i) => i);
  if (!summarize || n <= 2 * edge) return all;
  return [...all.slice(0, edge), null, ...all.slice(n - edge)];
}

/** One number format for a whole tensor, and the width every number is padded to (PyTorch's _Formatter). */
class NumberFormat {
  private intMode = true;
  private sciMode = false;
  readonly width: number;

  constructor(values: readonly number[], private readonly precision: number, sciMode: boolean | undefined, private readonly integer = false) {
    const finite = values.filter((v) => Number.isFinite(v) && v !== 0);
    let width = 1;
    if (integer) {
      // An integer dtype prints each value as it is, with no point and never in scientific notation.
      for (const v of values) width = Math.max(width, String(v).length);
    } else if (finite.length > 0) {
      let min = Infinity;
      let max = 0;
      for (const v of finite) {
        min = Math.min(min, Math.abs(v));
        max = Math.max(max, Math.abs(v));
      }
      this.intMode = finite.every(Number.isInteger);
      this.sciMode = max / min > 1000 || max > 1e8 || (!this.intMode && min < 1e-4);
      // In integer mode the width counts the trailing point that format() appends.
      const text = (v: number): string => (this.sciMode ? scientific(v, precision) : this.intMode ? `${fixed(v, 0)}.` : fixed(v, precision));
      for (const v of finite) width = Math.max(width, text(v).length);
    }
    this.width = width;
    if (sciMode !== undefined) this.sciMode = sciMode;
  }

  /** The number right-aligned to the common width (a wider nan or inf is left as it is, as in PyTorch). */
  format(v: number): string {
    let s: string;
    if (this.integer) s = String(v);
    else if (this.sciMode) s = scientific(v, this.precision);
    else if (this.intMode) s = fixed(v, 0) + (Number.isFinite(v) ? "." : "");
    else s = fixed(v, this.precision);
    return s.padStart(this.width);
  }
}

/** The bracketed values of a non-empty tensor: PyTorch's _tensor_str. */
function body(t: Tensor, o: Resolved, indent: number): string {
  const { shape } = t;
  const data = t.data;
  const summarize = t.size > o.threshold;
  const shown = shape.map((n) => shownIndices(n, summarize, o.edgeItems));
  const strides = shape.map((_, d) => shape.slice(d + 1).reduce((a, b) => a * b, 1));

  // The format is chosen from the values that will be shown, as PyTorch's get_summarized_data does.
  const visible: number[] = [];
  const collect = (d: number, offset: number): void => {
    if (d === shape.length) visible.push(data[offset]!);
    else for (const i of shown[d]!) if (i !== null) collect(d + 1, offset + i * strides[d]!);
  };
  collect(0, 0);
  const numbers = new NumberFormat(visible, o.precision, o.sciMode, t.dtype === "int32");

  const vector = (offset: number, indent: number): string => {
    // With no edge items at all a summarised row is a bare "..."; beside numbers it takes a column's space.
    const items = shown.at(-1)!.map((i) => (i === null ? (o.edgeItems === 0 ? "..." : " ...") : numbers.format(data[offset + i]!)));
    const perLine = Math.max(1, Math.floor((o.lineWidth - indent) / (numbers.width + 2)));
    const lines: string[] = [];
    for (let i = 0; i < items.length; i += perLine) lines.push(items.slice(i, i + perLine).join(", "));
    return `[${lines.join(`,\n${" ".repeat(indent + 1)}`)}]`;
  };
  const nested = (d: number, offset: number, indent: number): string => {
    if (d === shape.length - 1) return vector(offset, indent);
    const slices = shown[d]!.map((i) => (i === null ? "..." : nested(d + 1, offset + i * strides[d]!, indent + 1)));
    return `[${slices.join(`,${"\n".repeat(shape.length - d - 1)}${" ".repeat(indent + 1)}`)}]`;
  };
  return shape.length === 0 ? numbers.format(data[0]!) : nested(0, 0, indent);
}

/** Suffixes after the values, in PyTorch's order: shape, dtype, then the autodiff state. */
function suffixes(t: Tensor, o: Resolved): string[] {
  const out: string[] = [];
  if (t.size === 0 ? t.shape.length !== 1 : o.edgeItems === 0) out.push(`shape=[${t.shape.join(", ")}]`);
  if (t.dtype !== "float32") out.push(`dtype=${t.dtype}`);
  out.push(...autodiffSuffixes(t, o));
  return out;
}

function autodiffSuffixes(t: Tensor, o: Resolved): string[] {
  if (t.dual !== null) {
    const tangent = t.dual.tangent === null ? "0" : render(t.dual.tangent, o);
    return [...autodiffSuffixes(t.dual.primal, o), `tangent=${tangent}`];
  }
  if (t.node !== null) return [`gradFn=<${t.node.rule.name}>`];
  return t.requiresGrad ? ["requiresGrad=true"] : [];
}

/**
 * The printed form of a tensor, PyTorch style (the rules are listed at the top of format.ts).
 * @example
 * ```ts
 * formatTensor(tensor([[1, 2], [3, 4]]));
 * // tensor([[1., 2.],
 * //         [3., 4.]])
 * ```
 */
export function formatTensor(t: Tensor, options?: FormatOptions): string {
  return render(t, resolve(options));
}

function render(t: Tensor, o: Resolved): string {
  const prefix = "tensor(";
  const indent = prefix.length;
  let text = prefix + (t.size === 0 ? "[]" : body(t, o, indent));
  // PyTorch's _add_suffixes, including how it measures the last line (two more than its length).
  let lastLine = text.length - text.lastIndexOf("\n") + 1;
  for (const suffix of suffixes(t, o)) {
    if (lastLine + suffix.length + 2 > o.lineWidth) {
      text += `,\n${" ".repeat(indent)}${suffix}`;
      lastLine = indent + suffix.length;
    } else {
      text += `, ${suffix}`;
      lastLine += suffix.length + 2;
    }
  }
  return `${text})`;
}

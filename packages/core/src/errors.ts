/**
 * tapegrad's error classes. Each carries structured fields that tests and callers can read, and a message
 * that names the op, the argument and the shapes involved.
 *
 * @example
 * ```ts
 * try { tensor([1, 2]).matmul(tensor([1, 2, 3])); } catch (e) { if (e instanceof ShapeError) console.log(e.op); }
 * ```
 */
export class TapegradError extends Error {
  /** The op or function that refused its input. */
  readonly op: string;
  constructor(op: string, message: string) {
    super(`${op}: ${message}`);
    this.name = new.target.name;
    this.op = op;
  }
}

/** Shapes that do not fit the op: mismatched dims, bad axes, impossible reshapes. */
export class ShapeError extends TapegradError {
  /** The shapes that were passed, in argument order. */
  readonly shapes: readonly (readonly number[])[];
  constructor(op: string, message: string, shapes: readonly (readonly number[])[]) {
    super(op, `${message} (got ${shapes.map(formatShape).join(", ")})`);
    this.shapes = shapes;
  }
}

/** A dtype that the op cannot take. */
export class DTypeError extends TapegradError {}

/** A value the op cannot take: a bad option, a non-finite input, an out-of-range index. */
export class ValueError extends TapegradError {}

/** Differentiation asked of something that has no derivative, or of a graph that cannot give one. */
export class GradError extends TapegradError {}

/** A derivative asked of an op that declares none (comparisons, for example). */
export class NotDifferentiableError extends GradError {}

/** Formats a shape as tapegrad prints it everywhere: `[2,3]`, or `[]` for a scalar. */
export function formatShape(shape: readonly number[]): string {
  return `[${shape.join(",")}]`;
}

/** Where in a computation a NaN or an infinity first appeared (see `detectAnomaly`). */
export class AnomalyError extends TapegradError {
  /** Which work made it: the op's forward kernel, or its JVP or VJP rule. */
  readonly phase: "forward" | "jvp" | "vjp";
  /** The shapes of the op's inputs. */
  readonly inputShapes: readonly (readonly number[])[];
  /** The user's stack where the op was called. */
  readonly site: string;
  constructor(op: string, phase: "forward" | "jvp" | "vjp", message: string, inputShapes: readonly (readonly number[])[], site: string) {
    super(op, `${message} (inputs ${inputShapes.map(formatShape).join(", ") || "none"})\n  called at:\n${site}`);
    this.phase = phase;
    this.inputShapes = inputShapes;
    this.site = site;
  }
}

/**
 * How an error message shows a value the user passed: the value itself where it is short (`null`, `NaN`,
 * `"a"`, `[1, 2]`), else what it is (`an Int32Array of length 3`, `a Map`, `a float32[2,3] tensor`), so
 * that the message names the offending value rather than only its `typeof`.
 * @example
 * ```ts
 * describeValue(null);                // "null"
 * describeValue(new Int32Array(3));   // "an Int32Array of length 3"
 * ```
 */
export function describeValue(value: unknown): string {
  switch (typeof value) {
    case "undefined":
      return "undefined";
    case "number":
    case "boolean":
    case "symbol":
      return String(value);
    case "bigint":
      return `${value}n`;
    case "string":
      return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
    case "function":
      return "a function";
  }
  if (value === null) return "null";
  if (Array.isArray(value)) {
    const shown = value.slice(0, 6).map((v: unknown) => (Array.isArray(v) ? "[…]" : describeValue(v)));
    return `an array [${shown.join(", ")}${value.length > 6 ? ", …" : ""}]`;
  }
  const name: unknown = (value as { constructor?: { name?: unknown } }).constructor?.name;
  // Tensor is recognised by name: this module sits below tensor.ts and must not import it.
  if (name === "Tensor") return `a ${String(value)} tensor`;
  if (ArrayBuffer.isView(value)) return `${article(String(name))} ${String(name)} of length ${(value as unknown as ArrayLike<unknown>).length}`;
  return typeof name === "string" && name !== "Object" ? `${article(name)} ${name}` : "an object";
}

function article(word: string): string {
  return /^[AEIO]/i.test(word) ? "an" : "a";
}

/**
 * The error for a value given where a Tensor (or a number) was expected, with the fix for the commonest
 * mistake: nested arrays, which must go through `tensor()` first.
 * @example
 * ```ts
 * notATensor("grad", "argument 0", [1, 2]).message;
 * // "grad: argument 0 must be a Tensor or a number, got an array [1, 2] (wrap it with tensor())"
 * ```
 */
export function notATensor(op: string, what: string, value: unknown): ValueError {
  const hint = Array.isArray(value) || ArrayBuffer.isView(value) ? " (wrap it with tensor())" : "";
  return new ValueError(op, `${what} must be a Tensor or a number, got ${describeValue(value)}${hint}`);
}

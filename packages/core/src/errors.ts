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

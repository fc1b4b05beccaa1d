/** A framework's prepared run of one benchmark case. */
export interface Runner {
  /**
   * One timed unit of work (for a training case: one step), finished when the promise settles: results
   * are read back to JavaScript inside it, so lazy or asynchronous backends cannot hide work. Returns a
   * number the harness compares across frameworks (for a training case: the loss before the update).
   */
  step(): Promise<number>;
  /**
   * Makes this runner's framework state current before a block of its steps (tfjs: switch to its
   * backend), since the harness interleaves frameworks.
   */
  activate?(): Promise<void>;
  /** Frees what setup allocated (tfjs and jax-js hold memory outside the JavaScript heap). */
  dispose(): void;
  /**
   * Live framework-owned objects (tensors, arrays), read before and after timing to catch leaks. May count
   * more than this runner's own (tfjs counts the tensors of all backends).
   */
  liveObjects?(): number;
}

/** How one framework runs one case. */
export interface FrameworkSetup {
  /** Row label in the results table, e.g. "tfjs 4.22.0 (wasm)". */
  framework: string;
  /** Notes printed under the table (how it was run, caveats). */
  note?: string;
  /**
   * False for a row that times a part of the work (tapegrad's matmul alone at conv2d's products): its
   * step's value is not the case's, so the correctness check leaves it out. Default true.
   */
  comparable?: boolean;
  /** Builds the model and data; may load the framework's backend. */
  setup(): Promise<Runner>;
}

/** A benchmark case: a name, what it measures, and one setup per framework. */
export interface BenchCase {
  name: string;
  /** One sentence for the README and RESULTS.md. */
  description: string;
  /** Relative tolerance for the correctness check of `step()` results across frameworks. */
  rtol: number;
  /** How many steps the correctness check compares (each from the same start). */
  checkSteps: number;
  /** The framework that ratios are taken against (the first entry of `frameworks`). */
  frameworks: FrameworkSetup[];
}

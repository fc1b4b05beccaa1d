import { tensor, ValueError, type DType, type Tensor } from "@tapegrad/core";
import type { NodeProto, TensorProto } from "onnx-buf";
import { isDynamic, type SymShape } from "./dims.js";
import { int64Proto, nodeProto, tensorProto, type Attribute } from "./proto.js";

/** Where the batch size can be read at run time: an axis of a graph input. */
export interface BatchSource {
  readonly input: string;
  readonly axis: number;
}

/**
 * Collects an ONNX graph's nodes and initializers, hands out unique value names, and builds the small
 * constants (shapes, axes, scalars) the operator mappings need, sharing equal ones.
 */
export class GraphBuilder {
  readonly nodes: NodeProto[] = [];
  readonly initializers: TensorProto[] = [];
  readonly #used = new Set<string>();
  readonly #shared = new Map<string, string>();
  #batch: string | null = null;

  constructor(
    readonly opset: number,
    readonly batchSource: BatchSource | null,
  ) {}

  /** Claims `name` as it is (graph inputs, parameters, outputs); it must not be taken yet. */
  claim(name: string): string {
    if (this.#used.has(name)) throw new ValueError("exportOnnx", `the name "${name}" is given to two values (names, or a parameter's state-dict name)`);
    this.#used.add(name);
    return name;
  }

  /** A new name starting with `hint`. */
  fresh(hint: string): string {
    let name = hint;
    for (let i = 1; this.#used.has(name); i++) name = `${hint}_${i}`;
    this.#used.add(name);
    return name;
  }

  /** Adds a node and returns its output's name (`output`, or a fresh one). */
  add(opType: string, inputs: readonly string[], attributes: Readonly<Record<string, Attribute>> = {}, output?: string): string {
    const out = output ?? this.fresh(opType.toLowerCase());
    this.nodes.push(nodeProto(opType, this.fresh(`${opType}_node`), inputs, [out], attributes));
    return out;
  }

  /** Adds a tensor as an initializer named `name`. */
  initializer(name: string, t: Tensor): string {
    this.initializers.push(tensorProto(name, t));
    return name;
  }

  /** A shared 1-D int64 initializer holding `values`. */
  int64s(values: readonly number[]): string {
    return this.#share(`i64:${values.join(",")}`, (name) => this.initializers.push(int64Proto(name, values)), "ints");
  }

  /** A shared 0-d initializer holding `value` in `dtype`. */
  scalar(value: number, dtype: DType): string {
    return this.#share(`${dtype}:${value}`, (name) => this.initializer(name, tensor(value, { dtype })), "scalar");
  }

  /** A 1-D int64 tensor holding `shape`, computed from the batch size at run time where it follows it. */
  shapeOf(shape: SymShape): string {
    if (!shape.some(isDynamic)) return this.int64s(shape as readonly number[]);
    const pieces: string[] = [];
    let fixed: number[] = [];
    for (const d of shape) {
      if (!isDynamic(d)) {
        fixed.push(d);
        continue;
      }
      if (fixed.length > 0) pieces.push(this.int64s(fixed));
      fixed = [];
      pieces.push(d.batch === 1 ? this.batchSize() : this.add("Mul", [this.batchSize(), this.int64s([d.batch])]));
    }
    if (fixed.length > 0) pieces.push(this.int64s(fixed));
    return pieces.length === 1 ? pieces[0]! : this.add("Concat", pieces, { axis: { i: 0 } });
  }

  /** The batch size as a 1-D int64 tensor of one element, read once from the batch input's shape. */
  batchSize(): string {
    if (this.batchSource === null) throw new ValueError("exportOnnx", "a dimension follows the batch size but no dynamicAxes were given");
    const { input, axis } = this.batchSource;
    this.#batch ??= this.add("Shape", [input], { start: { i: axis }, end: { i: axis + 1 } }, this.fresh("batch_size"));
    return this.#batch;
  }

  #share(key: string, make: (name: string) => void, hint: string): string {
    const known = this.#shared.get(key);
    if (known !== undefined) return known;
    const name = this.fresh(hint);
    make(name);
    this.#shared.set(key, name);
    return name;
  }
}

import { create, toBinary } from "@bufbuild/protobuf";
import { concat, Tensor, trace, ValueError, type TraceGraph, type Tree } from "@tapegrad/core";
import { describe as describeValue } from "./describe.js";
import { GraphProtoSchema, ModelProtoSchema, OperatorSetIdProtoSchema } from "onnx-buf";
import { GraphBuilder, type BatchSource } from "./builder.js";
import { isDynamic, symbolicShapes, type SymShape } from "./dims.js";
import { emitters, type Emit } from "./emitters.js";
import type { Im2colParams, ReduceParams } from "./opParams.js";
import { valueInfo, type DeclaredDim } from "./proto.js";

/** A model to export: anything with a `forward` and a state dict (every `Module` of @tapegrad/nn). */
export interface ExportableModule {
  forward(...args: Tensor[]): unknown;
  stateDict(): Readonly<Record<string, Tensor>>;
}

/** Options of `exportOnnx`. */
export interface ExportOnnxOptions {
  /** The ONNX opset to target, 17 to 21; default 17. */
  readonly opset?: number;
  /**
   * Axes left symbolic, by input index: `{ 0: [0] }` makes the first input's axis 0 the batch. Every axis
   * named is the batch (they grow together); the model then runs at any batch size.
   */
  readonly dynamicAxes?: Readonly<Record<number, readonly number[]>>;
  /** Names of the graph's inputs and outputs; default `input`/`output` (`input_0`, ... when several). */
  readonly names?: { readonly inputs?: readonly string[]; readonly outputs?: readonly string[] };
}

/**
 * The opsets `exportOnnx` writes.
 * @example
 * ```ts
 * SUPPORTED_OPSETS.includes(18); // true
 * ```
 */
export const SUPPORTED_OPSETS = [17, 18, 19, 20, 21] as const;

/** ONNX's IR version that goes with each opset (the oldest that allows it, so older runtimes load it). */
const irVersion = (opset: number): bigint => BigInt(opset <= 18 ? 8 : opset <= 20 ? 9 : 10);

/**
 * Exports a model or a function of tensors to ONNX: traces it once on `exampleArgs`, writes every
 * primitive it applies as standard ONNX operators, and returns the model's bytes (`ModelProto`).
 * A module's state dict becomes initializers with the state-dict names; other tensors the function reads
 * become constants. Export in the mode you want to serve (`model.eval()` for dropout and batch norm).
 * A primitive with no ONNX mapping is a ValueError naming it.
 * @example
 * ```ts
 * const net = mlp([784, 256, 128, 10]);
 * const bytes = exportOnnx(net, [zeros([32, 784])], { dynamicAxes: { 0: [0] } });
 * bytes.length > 1_000_000; // true: about 235,000 float32 weights
 * ```
 */
export function exportOnnx(model: ExportableModule | ((...args: Tensor[]) => Tree), exampleArgs: readonly Tensor[], options: ExportOnnxOptions = {}): Uint8Array {
  const opset = options.opset ?? 17;
  if (!(SUPPORTED_OPSETS as readonly number[]).includes(opset)) throw new ValueError("exportOnnx", `opset must be one of ${SUPPORTED_OPSETS.join(", ")}, got ${describeValue(opset)}`);
  if (!Array.isArray(exampleArgs)) throw new ValueError("exportOnnx", `exampleArgs must be an array of tensors, got ${describeValue(exampleArgs)}`);
  const [f, params] = asFunction(model);
  const graph = trace(f, exampleArgs, { params });
  const dynamic = dynamicAxesOf(options.dynamicAxes ?? {}, exampleArgs);
  const shapes = dynamic === null ? graph.values.map((v) => v.shape) : symbolicShapes(graph, trace(f, grown(exampleArgs, dynamic.axes), { params }), dynamic.batch);
  const inputNames = ioNames(options.names?.inputs, graph.inputs.length, "input");
  const outputNames = ioNames(options.names?.outputs, graph.outputs.length, "output");
  const batchSource: BatchSource | null = dynamic === null ? null : { input: inputNames[dynamic.axes[0]![0]]!, axis: dynamic.axes[0]![1] };
  const b = new GraphBuilder(opset, batchSource);
  const names = nameSources(b, graph, shapes, inputNames, outputNames);
  emitNodes(b, graph, shapes, names, outputNames);
  const declared = (shape: SymShape): DeclaredDim[] => shape.map((d) => (!isDynamic(d) ? d : d.batch === 1 ? "batch" : null));
  const onnxGraph = create(GraphProtoSchema, {
    name: "tapegrad",
    node: b.nodes,
    initializer: b.initializers,
    input: graph.inputs.map((id, i) => valueInfo(inputNames[i]!, graph.values[id]!.dtype, declared(shapes[id]!))),
    output: graph.outputs.map((id, i) => valueInfo(outputNames[i]!, graph.values[id]!.dtype, declared(shapes[id]!))),
  });
  const onnxModel = create(ModelProtoSchema, {
    irVersion: irVersion(opset),
    producerName: "tapegrad",
    opsetImport: [create(OperatorSetIdProtoSchema, { domain: "", version: BigInt(opset) })],
    graph: onnxGraph,
  });
  return toBinary(ModelProtoSchema, onnxModel);
}

function asFunction(model: ExportableModule | ((...args: Tensor[]) => Tree)): [(...args: Tensor[]) => Tree, Record<string, Tensor>] {
  if (typeof model === "function") return [model, {}];
  if (typeof model === "object" && model !== null && typeof model.forward === "function" && typeof model.stateDict === "function") {
    return [(...args) => model.forward(...args) as Tree, { ...model.stateDict() }];
  }
  throw new ValueError("exportOnnx", `model must be a Module (forward and stateDict) or a function of tensors, got ${describeValue(model)}`);
}

/** The (input, axis) pairs of dynamicAxes, checked, and the batch size they share; null when none. */
function dynamicAxesOf(spec: Readonly<Record<number, readonly number[]>>, args: readonly Tensor[]): { axes: [number, number][]; batch: number } | null {
  const axes: [number, number][] = [];
  for (const [key, list] of Object.entries(spec)) {
    const input = Number(key);
    const arg = args[input];
    if (!Number.isInteger(input) || !(arg instanceof Tensor)) throw new ValueError("exportOnnx", `dynamicAxes names input ${key}, but there are ${args.length} example inputs`);
    if (!Array.isArray(list)) throw new ValueError("exportOnnx", `dynamicAxes[${key}] must be an array of axes, got ${describeValue(list)}`);
    for (const axis of list) {
      if (!Number.isInteger(axis) || axis < 0 || axis >= arg.shape.length) throw new ValueError("exportOnnx", `dynamicAxes[${key}] names axis ${describeValue(axis)} of a [${arg.shape.join(",")}] input`);
      axes.push([input, axis]);
    }
  }
  if (axes.length === 0) return null;
  const batch = args[axes[0]![0]]!.shape[axes[0]![1]]!;
  for (const [input, axis] of axes) {
    if (args[input]!.shape[axis] !== batch) throw new ValueError("exportOnnx", `the dynamic axes are one batch and must have one size: input ${axes[0]![0]} axis ${axes[0]![1]} has ${batch}, input ${input} axis ${axis} has ${args[input]!.shape[axis]}`);
  }
  if (batch === 0) throw new ValueError("exportOnnx", `a dynamic axis needs an example size of at least 1`);
  return { axes, batch };
}

/** The example arguments with every dynamic axis doubled (each tensor repeated along it). */
function grown(args: readonly Tensor[], axes: readonly [number, number][]): Tensor[] {
  return args.map((t, i) => axes.filter(([input]) => input === i).reduce((x, [, axis]) => concat([x, x], axis), t));
}

function ioNames(given: readonly string[] | undefined, count: number, stem: string): string[] {
  if (given === undefined) return count === 1 ? [stem] : Array.from({ length: count }, (_, i) => `${stem}_${i}`);
  if (!Array.isArray(given) || given.length !== count || !given.every((n) => typeof n === "string" && n.length > 0)) {
    throw new ValueError("exportOnnx", `names.${stem}s must be ${count} non-empty strings, got ${describeValue(given)}`);
  }
  return [...given];
}

/** ONNX names for the inputs, parameters (initializers by state-dict name) and constants. */
function nameSources(b: GraphBuilder, graph: TraceGraph, shapes: readonly SymShape[], inputNames: readonly string[], outputNames: readonly string[]): Map<number, string> {
  const names = new Map<number, string>();
  graph.inputs.forEach((id, i) => names.has(id) || names.set(id, b.claim(inputNames[i]!)));
  for (const name of outputNames) b.claim(name);
  // Parameters and constants in the order the function first read them, so that an imported model,
  // whose constants are all weights, exports again with its initializers in the same order.
  for (const { id, source } of graph.values) {
    if (source.kind === "param") names.set(id, b.initializer(b.claim(source.name), source.tensor));
    if (source.kind !== "constant") continue;
    const shape = shapes[id]!;
    // A constant that grows with the batch (zero initial states) is one value, expanded at run time.
    const repeated = (): string => b.add("Expand", [b.scalar(source.tensor.data[0]!, source.tensor.dtype), b.shapeOf(shape)], {}, b.fresh("broadcastTo"));
    names.set(id, shape.some(isDynamic) ? repeated() : b.initializer(b.fresh("const"), source.tensor));
  }
  return names;
}

/** The nodes whose output is only read by one max over its window axis: max pooling. */
function poolings(graph: TraceGraph): Map<number, number> {
  const readers = new Map<number, number[]>();
  graph.nodes.forEach((n, i) => n.inputs.forEach((id) => readers.set(id, [...(readers.get(id) ?? []), i])));
  const pooled = new Map<number, number>(); // max node -> im2col node
  graph.nodes.forEach((n, i) => {
    if (n.op !== "im2col" || (n.params as Im2colParams).padValue !== -Infinity || graph.outputs.includes(n.output)) return;
    const [reader, ...others] = readers.get(n.output) ?? [];
    const m = reader === undefined ? undefined : graph.nodes[reader]!;
    const rank = graph.values[n.output]!.shape.length;
    const axes = (m?.params as ReduceParams | undefined)?.axes;
    if (m?.op === "max" && others.length === 0 && axes?.length === 1 && (axes[0] === -3 || axes[0] === rank - 3) && !(m.params as ReduceParams).keepDims) pooled.set(reader!, i);
  });
  return pooled;
}

function emitNodes(b: GraphBuilder, graph: TraceGraph, shapes: readonly SymShape[], names: Map<number, string>, outputNames: readonly string[]): void {
  const pooled = poolings(graph);
  const fused = new Set(pooled.values());
  const outputOf = new Map<number, string>();
  graph.outputs.forEach((id, i) => outputOf.has(id) || names.has(id) || outputOf.set(id, outputNames[i]!));
  graph.nodes.forEach((node, i) => {
    if (fused.has(i)) return;
    const emit = emitters[node.op];
    if (emit === undefined) {
      throw new ValueError("exportOnnx", `the primitive "${node.op}" (node ${i}) has no ONNX mapping; supported: ${Object.keys(emitters).join(", ")}`);
    }
    const output = outputOf.get(node.output) ?? b.fresh(node.op);
    const window = pooled.get(i);
    const im2col = window === undefined ? undefined : graph.nodes[window]!;
    const e: Emit = {
      b,
      node,
      inputs: node.inputs.map((id) => names.get(id)!),
      output,
      inShapes: node.inputs.map((id) => shapes[id]!),
      inDTypes: node.inputs.map((id) => graph.values[id]!.dtype),
      outShape: shapes[node.output]!,
      outDType: graph.values[node.output]!.dtype,
      pooled: im2col && { input: names.get(im2col.inputs[0]!)!, inShape: shapes[im2col.inputs[0]!]!, window: im2col.params as Im2colParams },
    };
    emit(e);
    names.set(node.output, output);
  });
  // Outputs that no node wrote under their name (an input, a constant, a value returned twice) get an Identity.
  graph.outputs.forEach((id, i) => {
    if (names.get(id) !== outputNames[i]) b.add("Identity", [names.get(id)!], {}, outputNames[i]);
  });
}

import { fromBinary } from "@bufbuild/protobuf";
import { ShapeError, Tensor, ValueError } from "@tapegrad/core";
import { ModelProtoSchema, type GraphProto, type ModelProto, type NodeProto } from "onnx-buf";
import { Attributes } from "./attributes.js";
import { describe } from "./describe.js";
import { interpreters } from "./importOps.js";
import { tensorFromProto } from "./proto.js";

/**
 * The opsets `importOnnx` reads: those where ReduceSum, Slice, Unsqueeze and Squeeze take their axes as
 * inputs (13 on); ReduceMax and ReduceMean are read with axes either way.
 * @example
 * ```ts
 * IMPORT_OPSETS; // { min: 13, max: 21 }
 * ```
 */
export const IMPORT_OPSETS = { min: 13, max: 21 } as const;

/** An ONNX model as tapegrad computes it. */
export interface ImportedOnnx {
  /**
   * The model as a differentiable function: the weights (a record of tensors, as `params` is), then the
   * graph's inputs in order; returns the graph's outputs in order. Differentiate it in the weights to
   * fine-tune, or in the inputs.
   */
  readonly fn: (params: Readonly<Record<string, Tensor>>, ...inputs: Tensor[]) => Tensor[];
  /** The floating-point initializers by name (the weights, under the names the exporter gave them). */
  readonly params: Record<string, Tensor>;
  /** The graph's input and output names. */
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
}

/**
 * Reads an ONNX model (its bytes) as a differentiable tapegrad function and its weights: each operator
 * runs as tapegrad ops, so gradients flow through it in both modes. The whole graph is checked first: an
 * unsupported operator, opset or domain, an input no node computes, a cycle or an initializer whose data
 * does not fit its shape is a ValueError naming the node or tensor.
 * @example
 * ```ts
 * const { fn, params } = importOnnx(exportOnnx(mlp([4, 8, 2]), [zeros([1, 4])]));
 * fn(params, zeros([1, 4]))[0].shape; // [1, 2]
 * ```
 */
export function importOnnx(bytes: Uint8Array): ImportedOnnx {
  if (!(bytes instanceof Uint8Array)) throw new ValueError("importOnnx", `bytes must be a Uint8Array, got ${describe(bytes)}`);
  const model = parse(bytes);
  checkOpset(model);
  const graph = model.graph ?? fail("the model has no graph");
  const initializers = new Map(graph.initializer.map((t) => [t.name, tensorFromProto(t, `initializer "${t.name}"`)] as const));
  for (const [name, t] of initializers) {
    // Older exporters also list initializers among the inputs, with a declared shape that must agree.
    const dims = declaredShape(graph, name);
    if (dims !== undefined && (dims.length !== t.shape.length || dims.some((d, axis) => d !== null && d !== t.shape[axis]))) {
      fail(`initializer "${name}" is [${t.shape.join(",")}], but the graph declares it as [${dims.map((d) => d ?? "?").join(",")}]`);
    }
  }
  const inputNames = graph.input.map((v) => v.name).filter((name) => !initializers.has(name));
  const outputNames = graph.output.map((v) => v.name);
  const declared = inputNames.map((name) => declaredShape(graph, name));
  const nodes = ordered(graph, new Set([...inputNames, ...initializers.keys()]));
  const params: Record<string, Tensor> = {};
  const constants = new Map<string, Tensor>();
  for (const [name, t] of initializers) {
    if (t.dtype !== "int32") params[name] = t;
    else constants.set(name, t);
  }
  const fn = (weights: Readonly<Record<string, Tensor>>, ...inputs: Tensor[]): Tensor[] => {
    if (inputs.length !== inputNames.length) throw new ValueError("importOnnx", `the model takes ${inputNames.length} inputs (${inputNames.join(", ")}), got ${inputs.length}`);
    const values = new Map<string, Tensor>(constants);
    for (const name of Object.keys(params)) {
      const w = weights[name];
      if (!(w instanceof Tensor)) throw new ValueError("importOnnx", `params.${name} must be a Tensor, got ${describe(w)}`);
      values.set(name, w);
    }
    inputs.forEach((x, i) => {
      if (!(x instanceof Tensor)) throw new ValueError("importOnnx", `input ${i} (${inputNames[i]}) must be a Tensor, got ${describe(x)}`);
      const dims = declared[i];
      if (dims !== undefined && (dims.length !== x.shape.length || dims.some((d, axis) => d !== null && d !== x.shape[axis]))) {
        throw new ShapeError("importOnnx", `input ${i} (${inputNames[i]}) must be [${dims.map((d) => d ?? "?").join(",")}]`, [x.shape]);
      }
      values.set(inputNames[i]!, x);
    });
    for (const { node, where } of nodes) {
      const call = { inputs: node.input.map((name) => (name === "" ? undefined : values.get(name))), attrs: new Attributes(node, where), where };
      values.set(node.output[0]!, interpreters[node.opType]!(call));
    }
    return outputNames.map((name) => values.get(name)!);
  };
  return { fn, params, inputNames, outputNames };
}

/** A graph input's declared shape (null for a symbolic or unknown dim); undefined when it declares none. */
function declaredShape(graph: GraphProto, name: string): (number | null)[] | undefined {
  const type = graph.input.find((v) => v.name === name)?.type?.value;
  if (type?.case !== "tensorType" || type.value.shape === undefined) return undefined;
  return type.value.shape.dim.map((d) => (d.value.case === "dimValue" ? Number(d.value.value) : null));
}

function fail(message: string): never {
  throw new ValueError("importOnnx", message);
}

function parse(bytes: Uint8Array): ModelProto {
  try {
    return fromBinary(ModelProtoSchema, bytes);
  } catch (e) {
    return fail(`the bytes are not an ONNX model (${bytes.length} bytes; truncated?): ${(e as Error).message}`);
  }
}

function checkOpset(model: ModelProto): void {
  for (const o of model.opsetImport) {
    if (o.domain !== "" && o.domain !== "ai.onnx") fail(`operator set domain "${o.domain}" is not supported (only the standard one)`);
    const version = Number(o.version);
    if (version < IMPORT_OPSETS.min || version > IMPORT_OPSETS.max) fail(`opset ${version} is not supported (${IMPORT_OPSETS.min} to ${IMPORT_OPSETS.max})`);
  }
  if (!model.opsetImport.some((o) => o.domain === "" || o.domain === "ai.onnx")) fail("the model imports no standard opset");
}

/**
 * The nodes in an order where each runs after the nodes it reads from (ONNX asks for that order already;
 * this also accepts graphs that do not keep it), each checked to be supported. A value no node and no
 * input provides, or nodes that wait on each other, are errors naming them.
 */
function ordered(graph: GraphProto, available: Set<string>): { node: NodeProto; where: string }[] {
  const named = graph.node.map((node, i) => ({ node, where: `node ${i} ("${node.name}", ${node.opType})` }));
  const producers = new Map<string, number>();
  named.forEach(({ node, where }, i) => {
    if (node.domain !== "" && node.domain !== "ai.onnx") fail(`${where}: domain "${node.domain}" is not supported`);
    if (interpreters[node.opType] === undefined) fail(`${where}: the operator ${node.opType} is not supported; supported: ${Object.keys(interpreters).join(", ")}`);
    if (node.output.length === 0 || node.output[0] === "") fail(`${where}: the node has no output`);
    for (const out of node.output) if (out !== "") producers.set(out, i);
  });
  // Only the first output of each node is computed (MaxPool's indices, Dropout's mask are not): refuse a
  // graph that reads another.
  const read = new Set([...graph.node.flatMap((n) => n.input), ...graph.output.map((o) => o.name)]);
  for (const { node, where } of named) {
    const extra = node.output.slice(1).find((out) => out !== "" && read.has(out));
    if (extra !== undefined) fail(`${where}: its output ${node.output.indexOf(extra)} ("${extra}") is read, but only a node's first output is supported`);
  }
  for (const { node, where } of named) {
    for (const name of node.input) {
      if (name !== "" && !available.has(name) && !producers.has(name)) fail(`${where}: input "${name}" is not a graph input, an initializer or any node's output`);
    }
  }
  for (const out of graph.output) if (!available.has(out.name) && !producers.has(out.name)) fail(`graph output "${out.name}" is computed by no node`);
  // Passes over the nodes in the file's order, each taking the nodes whose inputs are ready: one pass for
  // a file in a valid order (kept as it is, so a model exported again keeps its node order).
  const done = new Set(available);
  const order: { node: NodeProto; where: string }[] = [];
  let pending = named;
  while (pending.length > 0) {
    const waiting = pending.filter((p) => {
      if (!p.node.input.every((name) => name === "" || done.has(name))) return true;
      order.push(p);
      for (const out of p.node.output) done.add(out);
      return false;
    });
    if (waiting.length === pending.length) fail(`the graph has a cycle through ${pending.map((p) => p.where).join(", ")}`);
    pending = waiting;
  }
  return order;
}

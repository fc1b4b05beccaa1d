import {
  argmax, argmin, broadcastShapes, broadcastTo, cast, concat, conv2d, div, gather, im2col, indexSelect, logSoftmax, matmul, max, maximum, mean, minimum,
  pad, reshape, scatterAdd, slice, softmax, sub, sum, tensor, transpose, ValueError, where, type Tensor,
} from "@tapegrad/core";
import { TensorProto_DataType as DataType } from "onnx-buf";
import type { Attributes } from "./attributes.js";
import { tapegradDType } from "./proto.js";

/** What an operator's interpretation gets: its inputs (undefined where optional and absent) and attributes. */
export interface OpCall {
  readonly inputs: readonly (Tensor | undefined)[];
  readonly attrs: Attributes;
  /** "node N (name, OpType)", for errors. */
  readonly where: string;
}

/** Computes one ONNX operator with tapegrad ops (so the result is differentiable); returns its outputs. */
export type OpInterpreter = (call: OpCall) => Tensor;

const fail = (call: OpCall, message: string): never => {
  throw new ValueError("importOnnx", `${call.where}: ${message}`);
};

const input = (call: OpCall, i: number): Tensor => call.inputs[i] ?? fail(call, `input ${i} is required`);

/** An int list held in a tensor input (shapes, axes, pads); undefined when the input is absent. */
const intsOf = (t: Tensor | undefined): number[] | undefined => (t === undefined ? undefined : Array.from(t.data, Number));

const normalise = (axis: number, rank: number): number => (axis < 0 ? axis + rank : axis);

const unary = (f: (x: Tensor) => Tensor): OpInterpreter => (call) => f(input(call, 0));
const binary = (f: (x: Tensor, y: Tensor) => Tensor): OpInterpreter => (call) => f(input(call, 0), input(call, 1));

/** ONNX comparisons give booleans, held here as 1 and 0 in the inputs' dtype (tapegrad's comparisons). */
const comparison = (f: (x: Tensor, y: Tensor) => Tensor): OpInterpreter => binary(f);

/** The reduction's axes: from the axes input (opset 13/18 on) or attribute, all when none. */
function reduceAxes(call: OpCall, rank: number): number[] | undefined {
  const axes = intsOf(call.inputs[1]) ?? call.attrs.ints("axes");
  if (axes === undefined || axes.length === 0) return call.attrs.int("noop_with_empty_axes", 0) === 1 ? [] : undefined;
  return axes.map((a) => normalise(a, rank));
}

function reduction(f: (x: Tensor, axes: number[] | undefined, keepDims: boolean) => Tensor): OpInterpreter {
  return (call) => {
    const x = input(call, 0);
    const axes = reduceAxes(call, x.shape.length);
    if (axes !== undefined && axes.length === 0) return x;
    return f(x, axes, call.attrs.int("keepdims", 1) === 1);
  };
}

function castTo(call: OpCall): Tensor {
  const x = input(call, 0);
  const to = call.attrs.int("to") ?? fail(call, "Cast needs the attribute to");
  if (to === DataType.BOOL) return x.ne(0).cast(x.dtype === "int32" ? "float32" : x.dtype);
  const dtype = tapegradDType(to) ?? fail(call, `Cast to element type ${DataType[to] ?? to} is not supported`);
  return x.dtype === dtype ? x : cast(x, dtype);
}

function reshapeTo(call: OpCall): Tensor {
  const x = input(call, 0);
  const target = intsOf(call.inputs[1]) ?? fail(call, "Reshape needs its shape input");
  if (call.attrs.int("allowzero", 0) === 1 && target.includes(0)) fail(call, "allowzero with a 0 in the shape is not supported");
  const copied = target.map((d, i) => (d === 0 ? (x.shape[i] ?? fail(call, `shape [${target.join(",")}] copies axis ${i} of a rank-${x.shape.length} input`)) : d));
  const known = copied.filter((d) => d !== -1).reduce((a, b) => a * b, 1);
  return reshape(x, copied.map((d) => (d === -1 ? x.size / known : d)));
}

function expandTo(call: OpCall): Tensor {
  const x = input(call, 0);
  const shape = intsOf(call.inputs[1]) ?? fail(call, "Expand needs its shape input");
  return broadcastTo(x, broadcastShapes("importOnnx", x.shape, shape));
}

function sliceOf(call: OpCall): Tensor {
  const x = input(call, 0);
  const [starts, ends] = [intsOf(call.inputs[1]), intsOf(call.inputs[2])];
  if (starts === undefined || ends === undefined) return fail(call, "Slice needs starts and ends");
  const axes = (intsOf(call.inputs[3]) ?? starts.map((_, i) => i)).map((a) => normalise(a, x.shape.length));
  const steps = intsOf(call.inputs[4]) ?? starts.map(() => 1);
  if (steps.some((s) => s !== 1)) fail(call, `Slice with steps [${steps.join(",")}] is not supported (only 1)`);
  const begin = x.shape.map(() => 0);
  const size = [...x.shape];
  axes.forEach((axis, i) => {
    const dim = x.shape[axis]!;
    const clamp = (v: number): number => Math.min(dim, Math.max(0, v < 0 ? v + dim : v));
    const [b, e] = [clamp(starts[i]!), clamp(ends[i]!)];
    begin[axis] = b;
    size[axis] = Math.max(0, e - b);
  });
  return slice(x, begin, size);
}

function padOf(call: OpCall): Tensor {
  const x = input(call, 0);
  if (call.attrs.string("mode", "constant") !== "constant") fail(call, `Pad mode ${call.attrs.string("mode", "")} is not supported (only constant)`);
  const pads = intsOf(call.inputs[1]) ?? fail(call, "Pad needs its pads input");
  if (call.inputs[3] !== undefined) fail(call, "Pad with an axes input is not supported");
  const rank = x.shape.length;
  if (pads.length !== 2 * rank || pads.some((p) => p < 0)) fail(call, `pads [${pads.join(",")}] must be ${2 * rank} non-negative numbers`);
  const value = call.inputs[2]?.item() ?? 0;
  const padded = (t: Tensor): Tensor => pad(t, pads.slice(0, rank), pads.slice(rank));
  return value === 0 ? padded(x) : padded(x.sub(value)).add(value);
}

function gemm(call: OpCall): Tensor {
  const [a, b, c] = [input(call, 0), input(call, 1), call.inputs[2]];
  const [alpha, beta] = [call.attrs.float("alpha", 1), call.attrs.float("beta", 1)];
  let out = matmul(a, b, { transposeA: call.attrs.int("transA", 0) === 1, transposeB: call.attrs.int("transB", 0) === 1 });
  if (alpha !== 1) out = out.mul(alpha);
  if (c !== undefined) out = out.add(beta === 1 ? c : c.mul(beta));
  return out;
}

/** A sliding window's geometry from kernel_shape, strides, pads and dilations (2-D only). */
function windowOf(call: OpCall, kernel: readonly number[]) {
  if (kernel.length !== 2) fail(call, `only 2-D windows are supported, got kernel_shape [${kernel.join(",")}]`);
  const autoPad = call.attrs.string("auto_pad", "NOTSET");
  if (autoPad !== "NOTSET") fail(call, `auto_pad ${autoPad} is not supported (give pads)`);
  if (call.attrs.int("ceil_mode", 0) !== 0) fail(call, "ceil_mode 1 is not supported");
  const stride = call.attrs.ints("strides") ?? [1, 1];
  const dilation = call.attrs.ints("dilations") ?? [1, 1];
  const [top, left, bottom, right] = call.attrs.ints("pads") ?? [0, 0, 0, 0];
  return {
    kernel: [kernel[0]!, kernel[1]!] as const,
    stride: [stride[0]!, stride[1]!] as const,
    padding: [[top!, bottom!], [left!, right!]] as const,
    dilation: [dilation[0]!, dilation[1]!] as const,
  };
}

function conv(call: OpCall): Tensor {
  const [x, w, b] = [input(call, 0), input(call, 1), call.inputs[2]];
  const window = windowOf(call, call.attrs.ints("kernel_shape") ?? w.shape.slice(2));
  const [[top, bottom], [left, right]] = window.padding;
  // conv2d pads symmetrically; other padding is done first, as zeros, which is what Conv reads there.
  const symmetric = top === bottom && left === right;
  const padded = symmetric ? x : pad(x, [0, 0, top, left], [0, 0, bottom, right]);
  return conv2d(padded, w, b, { stride: window.stride, dilation: window.dilation, padding: symmetric ? [top, left] : 0, groups: call.attrs.int("group", 1) });
}

/** Pooling as tapegrad pools: the windows by im2col, then a max or a mean over them. */
function pool(kind: "max" | "average"): OpInterpreter {
  return (call) => {
    const x = input(call, 0);
    const window = windowOf(call, call.attrs.ints("kernel_shape") ?? fail(call, "kernel_shape is required"));
    if (kind === "max") return max(im2col(x, window, -Infinity), -3);
    const padded = window.padding.flat().some((p) => p !== 0);
    if (padded && call.attrs.int("count_include_pad", 0) !== 1) fail(call, "AveragePool over padding needs count_include_pad 1");
    return sum(im2col(x, window, 0), -3).mul(1 / (window.kernel[0] * window.kernel[1]));
  };
}

function argReduction(f: typeof argmax): OpInterpreter {
  return (call) => {
    if (call.attrs.int("select_last_index", 0) !== 0) fail(call, "select_last_index 1 is not supported");
    const x = input(call, 0);
    return f(x, normalise(call.attrs.int("axis", 0), x.shape.length), { keepDims: call.attrs.int("keepdims", 1) === 1 });
  };
}

function constant(call: OpCall): Tensor {
  const t = call.attrs.tensor("value");
  if (t !== undefined) return t;
  const f = call.attrs.float("value_float", Number.NaN);
  if (!Number.isNaN(f)) return tensor(f);
  const i = call.attrs.int("value_int");
  if (i !== undefined) return tensor(i, { dtype: "int32" });
  const ints = call.attrs.ints("value_ints");
  if (ints !== undefined) return tensor(ints, { dtype: "int32" });
  return fail(call, "Constant with no value, value_float, value_int or value_ints is not supported");
}

function shapeOf(call: OpCall): Tensor {
  const x = input(call, 0);
  const rank = x.shape.length;
  const start = normalise(call.attrs.int("start", 0), rank);
  const end = normalise(call.attrs.int("end", rank), rank);
  return tensor(x.shape.slice(start, end), { dtype: "int32" });
}

function unsqueeze(call: OpCall): Tensor {
  const x = input(call, 0);
  const axes = intsOf(call.inputs[1]) ?? call.attrs.ints("axes") ?? fail(call, "Unsqueeze needs axes");
  const rank = x.shape.length + axes.length;
  const at = new Set(axes.map((a) => normalise(a, rank)));
  const shape: number[] = [];
  let next = 0;
  for (let i = 0; i < rank; i++) shape.push(at.has(i) ? 1 : x.shape[next++]!);
  return reshape(x, shape);
}

function squeeze(call: OpCall): Tensor {
  const x = input(call, 0);
  const axes = (intsOf(call.inputs[1]) ?? call.attrs.ints("axes"))?.map((a) => normalise(a, x.shape.length));
  return reshape(x, x.shape.filter((d, i) => (axes === undefined ? d !== 1 : !axes.includes(i))));
}

function flatten(call: OpCall): Tensor {
  const x = input(call, 0);
  const axis = normalise(call.attrs.int("axis", 1), x.shape.length);
  const size = (dims: readonly number[]): number => dims.reduce((a, b) => a * b, 1);
  return reshape(x, [size(x.shape.slice(0, axis)), size(x.shape.slice(axis))]);
}

function gatherIndex(call: OpCall, i: number): Tensor {
  const index = input(call, i);
  return index.dtype === "int32" ? index : fail(call, `indices must be integers, got ${index.dtype}`);
}

/** Gather (numpy's take): the rows of `data` along `axis` picked by `indices` of any shape. */
function take(call: OpCall): Tensor {
  const [x, index] = [input(call, 0), gatherIndex(call, 1)];
  const axis = normalise(call.attrs.int("axis", 0), x.shape.length);
  const dim = x.shape[axis]!;
  const flat = reshape(index, [-1]);
  const wrapped = where(flat.lt(0), flat.add(dim), flat); // negative indices count from the end
  const picked = indexSelect(x, axis, wrapped);
  return reshape(picked, [...x.shape.slice(0, axis), ...index.shape, ...x.shape.slice(axis + 1)]);
}

/** LayerNormalization over the axes from `axis` on, with its scale and optional bias. */
function layerNormalization(call: OpCall): Tensor {
  const [x, scale, bias] = [input(call, 0), input(call, 1), call.inputs[2]];
  const rank = x.shape.length;
  const axes = Array.from({ length: rank - normalise(call.attrs.int("axis", -1), rank) }, (_, i) => rank - 1 - i).reverse();
  const centred = x.sub(mean(x, axes, { keepDims: true }));
  const variance = mean(centred.mul(centred), axes, { keepDims: true });
  const normalised = centred.div(variance.add(call.attrs.float("epsilon", 1e-5)).sqrt()).mul(scale);
  return bias === undefined ? normalised : normalised.add(bias);
}

/** BatchNormalization in inference form: the given running mean and variance, per channel (axis 1). */
function batchNormalization(call: OpCall): Tensor {
  if (call.attrs.int("training_mode", 0) !== 0) fail(call, "training_mode 1 is not supported (inference form only)");
  const x = input(call, 0);
  const perChannel = (t: Tensor): Tensor => reshape(t, [t.shape[0]!, ...x.shape.slice(2).map(() => 1)]);
  const [scale, bias, runningMean, runningVar] = [1, 2, 3, 4].map((i) => perChannel(input(call, i))) as [Tensor, Tensor, Tensor, Tensor];
  return x.sub(runningMean).div(runningVar.add(call.attrs.float("epsilon", 1e-5)).sqrt()).mul(scale).add(bias);
}

/** Every ONNX operator importOnnx reads, by op type. */
export const interpreters: Readonly<Record<string, OpInterpreter>> = {
  Identity: unary((x) => x),
  // Inference: dropout passes its input through (a training_mode input of true is refused).
  Dropout: (call) => (call.inputs[2]?.item() ? fail(call, "Dropout in training mode is not supported") : input(call, 0)),
  Add: binary((x, y) => x.add(y)),
  Sub: binary(sub),
  Mul: binary((x, y) => x.mul(y)),
  Div: binary(div),
  Pow: binary((x, y) => x.pow(y)),
  Max: (call) => call.inputs.map((x, i) => x ?? fail(call, `input ${i} is required`)).reduce((a, b) => maximum(a, b)),
  Min: (call) => call.inputs.map((x, i) => x ?? fail(call, `input ${i} is required`)).reduce((a, b) => minimum(a, b)),
  Neg: unary((x) => x.neg()),
  Reciprocal: unary((x) => x.reciprocal()),
  Exp: unary((x) => x.exp()),
  Log: unary((x) => x.log()),
  Sqrt: unary((x) => x.sqrt()),
  Abs: unary((x) => x.abs()),
  Sin: unary((x) => x.sin()),
  Cos: unary((x) => x.cos()),
  Tanh: unary((x) => x.tanh()),
  Erf: unary((x) => x.erf()),
  Relu: unary((x) => x.relu()),
  Sigmoid: unary((x) => x.sigmoid()),
  Softmax: (call) => softmax(input(call, 0), call.attrs.int("axis", -1)),
  LogSoftmax: (call) => logSoftmax(input(call, 0), call.attrs.int("axis", -1)),
  Greater: comparison((x, y) => x.gt(y)),
  GreaterOrEqual: comparison((x, y) => x.ge(y)),
  Less: comparison((x, y) => x.lt(y)),
  LessOrEqual: comparison((x, y) => x.le(y)),
  Equal: comparison((x, y) => x.eq(y)),
  Not: unary((x) => x.eq(0).cast(x.dtype)),
  Where: (call) => where(input(call, 0), input(call, 1), input(call, 2)),
  Cast: castTo,
  ReduceSum: reduction((x, axes, keepDims) => sum(x, axes, { keepDims })),
  ReduceMax: reduction((x, axes, keepDims) => max(x, axes, { keepDims })),
  ReduceMean: reduction((x, axes, keepDims) => mean(x, axes, { keepDims })),
  Reshape: reshapeTo,
  Expand: expandTo,
  Transpose: (call) => {
    const x = input(call, 0);
    return transpose(x, call.attrs.ints("perm") ?? x.shape.map((_, i) => x.shape.length - 1 - i));
  },
  Slice: sliceOf,
  Pad: padOf,
  Concat: (call) => concat(call.inputs.map((x, i) => x ?? fail(call, `input ${i} is required`)), call.attrs.int("axis") ?? fail(call, "Concat needs axis")),
  MatMul: binary((x, y) => matmul(x, y)),
  Gemm: gemm,
  Conv: conv,
  MaxPool: pool("max"),
  AveragePool: pool("average"),
  ArgMax: argReduction(argmax),
  ArgMin: argReduction(argmin),
  GatherElements: (call) => gather(input(call, 0), call.attrs.int("axis", 0), gatherIndex(call, 1)),
  ScatterElements: (call) => {
    if (call.attrs.string("reduction", "none") !== "add") fail(call, `ScatterElements is supported with reduction add only`);
    return scatterAdd(input(call, 0), call.attrs.int("axis", 0), gatherIndex(call, 1), input(call, 2));
  },
  Gather: take,
  LayerNormalization: layerNormalization,
  BatchNormalization: batchNormalization,
  Constant: constant,
  Shape: shapeOf,
  Unsqueeze: unsqueeze,
  Squeeze: squeeze,
  Flatten: flatten,
};

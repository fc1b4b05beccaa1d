import { tensor, ValueError, type DType, type TraceNode } from "@tapegrad/core";
import type { GraphBuilder } from "./builder.js";
import { isDynamic, type Dim, type SymShape } from "./dims.js";
import type { ArgReduceParams, Conv2dParams, Im2colParams, MatmulParams, PadParams, ReduceParams, SliceParams, Window } from "./opParams.js";
import { TensorProto_DataType as DataType } from "onnx-buf";
import { onnxDataType, type Attribute } from "./proto.js";

/** What a mapping sees of one traced node: its ONNX input names, the output name to write, shapes and dtypes. */
export interface Emit {
  readonly b: GraphBuilder;
  readonly node: TraceNode;
  readonly inputs: readonly string[];
  readonly output: string;
  readonly inShapes: readonly SymShape[];
  readonly inDTypes: readonly DType[];
  readonly outShape: SymShape;
  readonly outDType: DType;
  /** Set on a max over the windows of an im2col that feeds nothing else: the pooling it is. */
  readonly pooled?: { readonly input: string; readonly inShape: SymShape; readonly window: Im2colParams } | undefined;
}

/** Writes ONNX nodes that compute one primitive. */
export type Emitter = (e: Emit) => void;

const INT64_MAX = Number.MAX_SAFE_INTEGER; // Slice clamps its ends to the dim, so any large end means "to the end"

const direct = (opType: string): Emitter => (e) => void e.b.add(opType, e.inputs, {}, e.output);

/** Comparisons give 1 and 0 in the inputs' dtype, as tapegrad's do; ONNX's give booleans. */
const comparison = (opType: string, negate = false): Emitter => (e) => {
  const test = e.b.add(opType, e.inputs);
  e.b.add("Cast", [negate ? e.b.add("Not", [test]) : test], { to: { i: onnxDataType(e.outDType) } }, e.output);
};

const normalise = (axis: number, rank: number): number => (axis < 0 ? axis + rank : axis);

function reduction(opType: "ReduceSum" | "ReduceMax"): Emitter {
  return (e) => {
    const p = e.node.params as ReduceParams;
    const rank = e.inShapes[0]!.length;
    if (rank === 0) return void e.b.add("Identity", e.inputs, {}, e.output);
    const axes = (p.axes ?? [...Array(rank).keys()]).map((a) => normalise(a, rank));
    const keepdims: Attribute = { i: p.keepDims ? 1 : 0 };
    // ReduceSum takes its axes as an input from opset 13, ReduceMax from opset 18.
    if (opType === "ReduceSum" || e.b.opset >= 18) e.b.add(opType, [e.inputs[0]!, e.b.int64s(axes)], { keepdims }, e.output);
    else e.b.add(opType, [e.inputs[0]!], { axes: { ints: axes }, keepdims }, e.output);
  };
}

/** ONNX's pads: the starts of both spatial axes, then their ends. */
const pads = (w: Window): number[] => [w.padding[0][0], w.padding[1][0], w.padding[0][1], w.padding[1][1]];

const windowAttributes = (w: Window): Record<string, Attribute> => ({
  kernel_shape: { ints: w.kernel },
  strides: { ints: w.stride },
  pads: { ints: pads(w) },
  dilations: { ints: w.dilation },
});

/**
 * Runs `op`, which wants [N, C, H, W], on an input `[..., H, W]` of any rank, each image on its own:
 * through a reshape to [-1, 1, H, W] and back to the output's shape. An op that keeps N and C and treats
 * channels alone (MaxPool) takes a 4-D input as it is (`channelwise`).
 */
function spatially(e: Emit, input: string, inShape: SymShape, op: (x4: string, out?: string) => string, channelwise = false): void {
  if (channelwise && inShape.length === 4) return void op(input, e.output);
  const [h, w] = inShape.slice(-2) as [Dim, Dim];
  if (isDynamic(h) || isDynamic(w)) throw new ValueError("exportOnnx", `${e.node.op}: the window's axes cannot follow the batch size`);
  const x4 = e.b.add("Reshape", [input, e.b.int64s([-1, 1, h, w])]);
  e.b.add("Reshape", [op(x4), e.b.shapeOf(e.outShape)], {}, e.output);
}

/**
 * im2col as a convolution with one one-hot filter per window tap: exact, since each output is one input
 * times 1 plus zeros. The window's padding reads zeros, as Conv's does; a max pooling's −∞ padding never
 * gets here (it becomes MaxPool).
 */
const im2col: Emitter = (e) => {
  const p = e.node.params as Im2colParams;
  if (p.padValue !== 0) throw new ValueError("exportOnnx", `im2col: only a padding of 0, or −∞ under a max over the windows (max pooling), maps to ONNX; got padValue ${p.padValue}`);
  const [kh, kw] = p.kernel;
  const taps = kh * kw;
  const filters = new Array<number>(taps * taps).fill(0);
  for (let t = 0; t < taps; t++) filters[t * taps + t] = 1;
  const weight = e.b.initializer(e.b.fresh("im2col_taps"), tensor(filters, { dtype: e.outDType }).reshape([taps, 1, kh, kw]));
  spatially(e, e.inputs[0]!, e.inShapes[0]!, (x4, out) => e.b.add("Conv", [x4, weight], { ...windowAttributes(p), group: { i: 1 } }, out));
};

/** max over the windows axis: MaxPool of the im2col's input when fused, else ReduceMax. */
const max: Emitter = (e) => {
  if (e.pooled === undefined) return reduction("ReduceMax")(e);
  const { input, inShape, window } = e.pooled;
  spatially(e, input, inShape, (x4, out) => e.b.add("MaxPool", [x4], windowAttributes(window), out), true);
};

const matmul: Emitter = (e) => {
  const p = e.node.params as MatmulParams;
  const [ra, rb] = [e.inShapes[0]!.length, e.inShapes[1]!.length];
  if (ra === 2 && rb === 2) {
    return void e.b.add("Gemm", e.inputs, { transA: { i: p.transposeA ? 1 : 0 }, transB: { i: p.transposeB ? 1 : 0 } }, e.output);
  }
  const swapLast = (x: string, rank: number): string => e.b.add("Transpose", [x], { perm: { ints: [...Array(rank - 2).keys(), rank - 1, rank - 2] } });
  const a = p.transposeA ? swapLast(e.inputs[0]!, ra) : e.inputs[0]!;
  const b = p.transposeB ? swapLast(e.inputs[1]!, rb) : e.inputs[1]!;
  e.b.add("MatMul", [a, b], {}, e.output);
};

const slice: Emitter = (e) => {
  const p = e.node.params as SliceParams;
  const shape = e.inShapes[0]!;
  const axes: number[] = [];
  const [starts, ends] = [[] as number[], [] as number[]];
  shape.forEach((d, axis) => {
    const [begin, size] = [p.begin[axis]!, p.size[axis]!];
    const out = e.outShape[axis]!;
    if (isDynamic(d) || isDynamic(out)) {
      if (begin !== 0 || !isDynamic(out) || !isDynamic(d) || out.batch !== d.batch) throw new ValueError("exportOnnx", `slice: a slice of part of axis ${axis}, which follows the batch size, cannot be exported with a dynamic batch`);
      return;
    }
    if (begin === 0 && size === d) return;
    axes.push(axis);
    starts.push(begin);
    ends.push(begin + size);
  });
  if (axes.length === 0) return void e.b.add("Identity", e.inputs, {}, e.output);
  e.b.add("Slice", [e.inputs[0]!, e.b.int64s(starts), e.b.int64s(ends), e.b.int64s(axes)], {}, e.output);
};

const softmaxCrossEntropy: Emitter = (e) => {
  const [logits, target] = e.inputs as [string, string];
  const logProbabilities = e.b.add("LogSoftmax", [logits], { axis: { i: -1 } });
  const picked =
    e.inShapes[1]!.length === 1
      ? e.b.add("GatherElements", [logProbabilities, e.b.add("Unsqueeze", [e.b.add("Cast", [target], { to: { i: onnxDataType("int32") } }), e.b.int64s([1])])], { axis: { i: 1 } })
      : e.b.add("ReduceSum", [e.b.add("Mul", [logProbabilities, target]), e.b.int64s([1])], { keepdims: { i: 0 } });
  e.b.add("Neg", [e.b.add("ReduceMean", [picked], { keepdims: { i: 0 } })], {}, e.output);
};

function argReduction(opType: "ArgMax" | "ArgMin"): Emitter {
  return (e) => {
    const p = e.node.params as ArgReduceParams;
    const rank = e.inShapes[0]!.length;
    const [x, axis] = p.axis === null ? [e.b.add("Reshape", [e.inputs[0]!, e.b.int64s([-1])]), 0] : [e.inputs[0]!, normalise(p.axis, rank)];
    const index = e.b.add(opType, [x], { axis: { i: axis }, keepdims: { i: p.keepDims && p.axis !== null ? 1 : 0 } });
    const cast = (out?: string): string => e.b.add("Cast", [index], { to: { i: onnxDataType("int32") } }, out);
    if (p.axis === null && p.keepDims) e.b.add("Reshape", [cast(), e.b.shapeOf(e.outShape)], {}, e.output);
    else cast(e.output);
  };
}

/** Each core primitive's ONNX form. A primitive missing here cannot be exported. */
export const emitters: Readonly<Record<string, Emitter>> = {
  add: direct("Add"),
  mul: direct("Mul"),
  neg: direct("Neg"),
  reciprocal: direct("Reciprocal"),
  exp: direct("Exp"),
  log: direct("Log"),
  log1p: (e) => void e.b.add("Log", [e.b.add("Add", [e.inputs[0]!, e.b.scalar(1, e.outDType)])], {}, e.output),
  sqrt: direct("Sqrt"),
  abs: direct("Abs"),
  sin: direct("Sin"),
  cos: direct("Cos"),
  tanh: direct("Tanh"),
  erf: direct("Erf"),
  erfc: (e) => void e.b.add("Sub", [e.b.scalar(1, e.outDType), e.b.add("Erf", e.inputs)], {}, e.output),
  pow: direct("Pow"),
  maximum: direct("Max"),
  relu: direct("Relu"),
  reluGrad: (e) => {
    const [g, x] = e.inputs as [string, string];
    e.b.add("Where", [e.b.add("Greater", [x, e.b.scalar(0, e.inDTypes[1]!)]), g, e.b.scalar(0, e.outDType)], {}, e.output);
  },
  gt: comparison("Greater"),
  ge: comparison("GreaterOrEqual"),
  lt: comparison("Less"),
  le: comparison("LessOrEqual"),
  eq: comparison("Equal"),
  ne: comparison("Equal", true),
  where: (e) => {
    const [c, x, y] = e.inputs as [string, string, string];
    e.b.add("Where", [e.b.add("Cast", [c], { to: { i: DataType.BOOL } }), x, y], {}, e.output);
  },
  sum: reduction("ReduceSum"),
  max,
  reshape: (e) => void e.b.add("Reshape", [e.inputs[0]!, e.b.shapeOf(e.outShape)], {}, e.output),
  broadcastTo: (e) => void e.b.add("Expand", [e.inputs[0]!, e.b.shapeOf(e.outShape)], {}, e.output),
  transpose: (e) => void e.b.add("Transpose", e.inputs, { perm: { ints: (e.node.params as { perm: readonly number[] }).perm } }, e.output),
  slice,
  pad: (e) => {
    const p = e.node.params as PadParams;
    e.b.add("Pad", [e.inputs[0]!, e.b.int64s([...p.before, ...p.after]), e.b.scalar(0, e.outDType)], { mode: { s: "constant" } }, e.output);
  },
  concat: (e) => void e.b.add("Concat", e.inputs, { axis: { i: (e.node.params as { axis: number }).axis } }, e.output),
  matmul,
  cast: (e) => void e.b.add("Cast", e.inputs, { to: { i: onnxDataType(e.outDType) } }, e.output),
  softmaxCrossEntropy,
  argmax: argReduction("ArgMax"),
  argmin: argReduction("ArgMin"),
  gather: (e) => void e.b.add("GatherElements", e.inputs, { axis: { i: (e.node.params as { axis: number }).axis } }, e.output),
  scatterAdd: (e) => void e.b.add("ScatterElements", e.inputs, { axis: { i: (e.node.params as { axis: number }).axis }, reduction: { s: "add" } }, e.output),
  conv2d: (e) => {
    const p = e.node.params as Conv2dParams;
    const [, , kh, kw] = e.inShapes[1]! as number[];
    e.b.add("Conv", e.inputs, { ...windowAttributes({ ...p, kernel: [kh!, kw!] }), group: { i: p.groups } }, e.output);
  },
  im2col,
};

import { create, toBinary } from "@bufbuild/protobuf";
import { gradcheck, Rng, randn, tensor, type DType, type Tensor } from "@tapegrad/core";
import { GraphProtoSchema, ModelProtoSchema, OperatorSetIdProtoSchema } from "onnx-buf";
import { describe, expect, it } from "vitest";
import { importOnnx } from "../src/index.js";
import { int64Proto, nodeProto, tensorProto, valueInfo, type Attribute } from "../src/proto.js";
import { expectClose, runOrt } from "./ort.js";

/**
 * A model written as another exporter writes one (PyTorch's, say): operators tapegrad's exporter never
 * emits (BatchNormalization, LayerNormalization, Dropout with its mask output, AveragePool over padding, Gather, Gemm with alpha, beta
 * and a bias, Conv with uneven padding, Sigmoid, Softmax, Flatten, Unsqueeze, Squeeze, Constant,
 * ReduceMean with axes as an attribute) built node by node here.
 */
function foreignModel(dtype: DType, rng: Rng): Uint8Array {
  const w = (name: string, shape: number[], positive = false): ReturnType<typeof tensorProto> => {
    const t = randn(shape, { rng, dtype });
    return tensorProto(name, positive ? t.abs().add(0.5) : t);
  };
  const nodes: ReturnType<typeof nodeProto>[] = [];
  const node = (op: string, inputs: string[], output: string, attrs: Record<string, Attribute> = {}): void => void nodes.push(nodeProto(op, `${op}_${nodes.length}`, inputs, [output], attrs));
  node("Conv", ["x", "conv.w", "conv.b"], "c", { kernel_shape: { ints: [3, 3] }, pads: { ints: [1, 0, 0, 1] } });
  node("BatchNormalization", ["c", "bn.scale", "bn.bias", "bn.mean", "bn.var"], "bn", { epsilon: { f: 1e-3 } });
  node("Sigmoid", ["bn"], "s");
  nodes.push(nodeProto("Dropout", "Dropout", ["s"], ["sd", "sd_mask"], {})); // its mask output unread
  node("AveragePool", ["sd"], "p", { kernel_shape: { ints: [2, 2] }, strides: { ints: [2, 2] }, pads: { ints: [1, 1, 1, 1] }, count_include_pad: { i: 1 } });
  node("Flatten", ["p"], "f", { axis: { i: 1 } });
  node("Gemm", ["f", "fc.w", "fc.b"], "g", { transB: { i: 1 }, alpha: { f: 0.5 }, beta: { f: 2 } });
  node("LayerNormalization", ["g", "ln.scale", "ln.bias"], "ln", { axis: { i: -1 } });
  node("Gather", ["embedding", "ids"], "e", { axis: { i: 0 } });
  node("ReduceMean", ["e"], "em", { axes: { ints: [1] }, keepdims: { i: 0 } });
  node("Sub", ["ln", "em"], "d");
  node("Constant", [], "two", { value: { t: tensorProto("", tensor(2, { dtype })) } });
  node("Div", ["d", "two"], "h");
  node("Unsqueeze", ["h", "axis1"], "u");
  node("Squeeze", ["u", "axis1"], "q");
  node("Softmax", ["q"], "y", { axis: { i: -1 } });
  const graph = create(GraphProtoSchema, {
    name: "foreign",
    node: nodes,
    initializer: [
      w("conv.w", [3, 2, 3, 3]), w("conv.b", [3]), w("bn.scale", [3]), w("bn.bias", [3]), w("bn.mean", [3]), w("bn.var", [3], true),
      w("fc.w", [4, 27]), w("fc.b", [4]), w("ln.scale", [4]), w("ln.bias", [4]), w("embedding", [7, 4]), int64Proto("axis1", [1]),
    ],
    input: [valueInfo("x", dtype, ["batch", 2, 5, 5]), valueInfo("ids", "int32", ["batch", 3])],
    output: [valueInfo("y", dtype, ["batch", 4])],
  });
  const model = create(ModelProtoSchema, { irVersion: 8n, producerName: "by hand", opsetImport: [create(OperatorSetIdProtoSchema, { domain: "", version: 17n })], graph });
  return toBinary(ModelProtoSchema, model);
}

const ids = (rng: Rng, batch: number): Tensor => tensor(Array.from({ length: batch * 3 }, () => rng.int(14) - 7), { dtype: "int32" }).reshape([batch, 3]);

describe("importOnnx of a model written elsewhere", () => {
  it("computes what ONNX Runtime computes", async () => {
    const rng = new Rng(3);
    const bytes = foreignModel("float32", rng);
    const { fn, params } = importOnnx(bytes);
    expect(Object.keys(params)).toEqual(["conv.w", "conv.b", "bn.scale", "bn.bias", "bn.mean", "bn.var", "fc.w", "fc.b", "ln.scale", "ln.bias", "embedding"]);
    for (const batch of [1, 3]) {
      const [x, i] = [randn([batch, 2, 5, 5], { rng }), ids(rng, batch)];
      const [expected] = await runOrt(bytes, [x, i]);
      expectClose(fn(params, x, i)[0]!, expected!, 16);
    }
  });

  it("is differentiable: gradcheck (float64) in the input and the weights", () => {
    const rng = new Rng(4);
    const { fn, params } = importOnnx(foreignModel("float64", rng));
    const names = Object.keys(params);
    const [x, i] = [randn([2, 2, 5, 5], { rng, dtype: "float64" }), ids(rng, 2)];
    const weights = (list: Tensor[]) => Object.fromEntries(names.map((n, k) => [n, list[k]!]));
    gradcheck((input: Tensor, ...list: Tensor[]) => fn(weights(list), input, i)[0]!.mul(tensor([1, -2, 3, 0.5], { dtype: "float64" })).sum(), [x, ...names.map((n) => params[n]!)]);
  });
});

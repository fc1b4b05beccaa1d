import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { apply, binary, col2im, ShapeError, tensor, unary, ValueError, zeros, type Tensor } from "@tapegrad/core";
import { mlp } from "@tapegrad/nn";
import { ModelProtoSchema, NodeProtoSchema, OperatorSetIdProtoSchema, type ModelProto } from "onnx-buf";
import { describeCatalogue, type CatalogueRow } from "../../../test-support/catalogue.js";
import { exportOnnx, importOnnx } from "../src/index.js";
import { valueInfo } from "../src/proto.js";

/**
 * @tapegrad/onnx's catalogue of bad inputs: models and options that export cannot write, and ONNX files
 * that import cannot read (truncated, unknown operator, wrong opset, initializers that do not fit their
 * shapes, a cycle). Each is a ValueError (a ShapeError for a wrong input shape) naming the function.
 */

const good = (): Uint8Array => exportOnnx(mlp([3, 4, 2]), [zeros([1, 3])]);
/** The good model, edited. */
const edited = (edit: (m: ModelProto) => void): Uint8Array => {
  const m = fromBinary(ModelProtoSchema, good());
  edit(m);
  return toBinary(ModelProtoSchema, m);
};
const softsignOp = unary({ name: "softsign", f: (v) => v / (1 + Math.abs(v)), df: ({ x }) => x.abs().add(1).square().reciprocal() });
const hypotOp = binary({ name: "hypot", f: Math.hypot, dfdx: ({ x, out }) => x.div(out), dfdy: ({ y, out }) => y.div(out) });
const window = { kernel: [2, 2], stride: [1, 1], padding: [[0, 0], [0, 0]], dilation: [1, 1] } as const;

const rows: readonly CatalogueRow[] = [
  // Export.
  { bad: "a primitive with no ONNX mapping (a user's unary op)", call: () => exportOnnx((x: Tensor) => apply(softsignOp, [x], undefined), [zeros([2])]), error: ValueError, op: "exportOnnx", says: `the primitive "softsign" (node 0) has no ONNX mapping` },
  { bad: "a user's binary op", call: () => exportOnnx((x: Tensor) => x.exp().add(apply(hypotOp, [x, x], undefined)), [zeros([2])]), error: ValueError, op: "exportOnnx", says: `the primitive "hypot" (node 1) has no ONNX mapping` },
  { bad: "col2im (a gradient's primitive)", call: () => exportOnnx((x: Tensor) => col2im(x, window, [3, 3]), [zeros([1, 4, 2, 2])]), error: ValueError, op: "exportOnnx", says: `"col2im"` },
  { bad: "an opset below 17", call: () => exportOnnx(mlp([2, 2]), [zeros([1, 2])], { opset: 13 }), error: ValueError, op: "exportOnnx", says: "opset must be one of 17, 18, 19, 20, 21, got number 13" },
  { bad: "a model that is neither a Module nor a function", call: () => exportOnnx({} as never, [zeros([1])]), error: ValueError, op: "exportOnnx", says: "model must be a Module (forward and stateDict) or a function of tensors" },
  { bad: "dynamicAxes naming an axis the input lacks", call: () => exportOnnx(mlp([2, 2]), [zeros([1, 2])], { dynamicAxes: { 0: [2] } }), error: ValueError, op: "exportOnnx", says: "dynamicAxes[0] names axis number 2 of a [1,2] input" },
  { bad: "dynamicAxes naming an input that is not there", call: () => exportOnnx(mlp([2, 2]), [zeros([1, 2])], { dynamicAxes: { 1: [0] } }), error: ValueError, op: "exportOnnx", says: "dynamicAxes names input 1, but there are 1 example inputs" },
  { bad: "a mean over the batch with a dynamic batch (1/batch is a constant)", call: () => exportOnnx((x: Tensor) => x.mean(0), [zeros([2, 3])], { dynamicAxes: { 0: [0] } }), error: ValueError, op: "exportOnnx", says: "has other values at another batch size" },
  { bad: "names of the wrong count", call: () => exportOnnx(mlp([2, 2]), [zeros([1, 2])], { names: { inputs: ["a", "b"] } }), error: ValueError, op: "exportOnnx", says: "names.inputs must be 1 non-empty strings" },
  { bad: "an output name taken by a parameter", call: () => exportOnnx(mlp([2, 2]), [zeros([1, 2])], { names: { outputs: ["0.weight"] } }), error: ValueError, op: "exportOnnx", says: `the name "0.weight" is given to two values` },
  // Import.
  { bad: "a truncated file", call: () => importOnnx(good().slice(0, 40)), error: ValueError, op: "importOnnx", says: "the bytes are not an ONNX model (40 bytes; truncated?)" },
  { bad: "not bytes", call: () => importOnnx("model.onnx" as never), error: ValueError, op: "importOnnx", says: "bytes must be a Uint8Array, got string model.onnx" },
  {
    bad: "an unknown operator",
    call: () => importOnnx(edited((m) => (m.graph!.node[2]!.opType = "Softsign"))),
    error: ValueError, op: "importOnnx", says: `node 2 ("Relu_node", Softsign): the operator Softsign is not supported`,
  },
  {
    bad: "an operator of another domain",
    call: () => importOnnx(edited((m) => (m.graph!.node[0]!.domain = "com.microsoft"))),
    error: ValueError, op: "importOnnx", says: `node 0 ("Gemm_node", Gemm): domain "com.microsoft" is not supported`,
  },
  {
    bad: "an opset too old (axes were attributes)",
    call: () => importOnnx(edited((m) => (m.opsetImport = [create(OperatorSetIdProtoSchema, { domain: "", version: 11n })]))),
    error: ValueError, op: "importOnnx", says: "opset 11 is not supported (13 to 21)",
  },
  {
    bad: "an initializer whose data does not fit its shape",
    call: () => importOnnx(edited((m) => (m.graph!.initializer[0]!.dims = [5n, 3n]))),
    error: ValueError, op: "importOnnx", says: `initializer "0.weight": raw data of 48 bytes does not fit shape [5,3]`,
  },
  {
    bad: "a graph cycle",
    call: () => importOnnx(edited((m) => {
      const [gemm, relu] = [m.graph!.node[0]!, m.graph!.node[2]!];
      gemm.input[0] = relu.output[0]!; // the first layer now reads the activation computed from it
    })),
    error: ValueError, op: "importOnnx", says: "the graph has a cycle through node 0",
  },
  {
    bad: "a node reading a value nothing computes",
    call: () => importOnnx(edited((m) => m.graph!.node.push(create(NodeProtoSchema, { opType: "Relu", name: "stray", input: ["nowhere"], output: ["y"] })))),
    error: ValueError, op: "importOnnx", says: `node 5 ("stray", Relu): input "nowhere" is not a graph input, an initializer or any node's output`,
  },
  {
    bad: "an initializer that disagrees with its declaration among the inputs",
    call: () => importOnnx(edited((m) => m.graph!.input.push(valueInfo("0.weight", "float32", [3, 4])))),
    error: ValueError, op: "importOnnx", says: `initializer "0.weight" is [4,3], but the graph declares it as [3,4]`,
  },
  {
    bad: "a graph reading a node's second output",
    call: () => importOnnx(edited((m) => {
      m.graph!.node[2]!.output.push("mask");
      m.graph!.node[3]!.input[0] = "mask";
    })),
    error: ValueError, op: "importOnnx", says: `node 2 ("Relu_node", Relu): its output 1 ("mask") is read, but only a node's first output is supported`,
  },
  { bad: "an input of the wrong shape", call: () => { const { fn, params } = importOnnx(good()); return fn(params, zeros([1, 4])); }, error: ShapeError, op: "importOnnx", shapes: [[1, 4]], says: "input 0 (input) must be [1,3]" },
  { bad: "a missing weight", call: () => { const { fn } = importOnnx(good()); return fn({}, zeros([1, 3])); }, error: ValueError, op: "importOnnx", says: "params.0.weight must be a Tensor, got undefined" },
  { bad: "too many inputs", call: () => { const { fn, params } = importOnnx(good()); return fn(params, zeros([1, 3]), tensor(1)); }, error: ValueError, op: "importOnnx", says: "the model takes 1 inputs (input), got 2" },
];

describeCatalogue("@tapegrad/onnx: bad models, options and files", rows);

import { DTypeError, Rng, ShapeError, tensor, ValueError, zeros } from "@tapegrad/core";
import { describeCatalogue, type CatalogueRow } from "../../../test-support/catalogue.js";
import { describe, expect, it } from "vitest";
import {
  BatchNorm1d, bceWithLogits, calculateGain, crossEntropy, decodeSafetensors, encodeSafetensors, kaimingNormal, LeakyReLU, Linear, mlp,
  mseLoss, normal, Sequential, functionalCall, StateDictError, uniform, xavierUniform,
} from "../src/index.js";

/**
 * nn's catalogue of bad inputs: each row states the error class, the op or option named, the shapes
 * carried (for a ShapeError) and the value the message names. Core's own rows are in core's catalogue.
 */


const linear = (): Linear => new Linear(2, 3, { rng: new Rng(0) });

/** Safetensors bytes with the given header (an object, or JSON text) and `data` zero bytes after it. */
function safetensors(header: unknown, data: number): Uint8Array {
  const json = new TextEncoder().encode(typeof header === "string" ? header : JSON.stringify(header));
  const bytes = new Uint8Array(8 + json.length + data);
  new DataView(bytes.buffer).setBigUint64(0, BigInt(json.length), true);
  bytes.set(json, 8);
  return bytes;
}

/** A safetensors file holding one I64 scalar `n`, as PyTorch writes `num_batches_tracked`. */
function i64Bytes(value: number): Uint8Array {
  const bytes = safetensors({ n: { dtype: "I64", shape: [], data_offsets: [0, 8] } }, 8);
  new DataView(bytes.buffer).setBigInt64(bytes.length - 8, BigInt(value), true);
  return bytes;
}

const rows: readonly CatalogueRow[] = [
  // Layers.
  { bad: "Linear with a negative size", call: () => new Linear(-1, 3), error: ShapeError, op: "Linear", shapes: [[-1, 3]], says: "inFeatures must be a positive integer, got -1" },
  { bad: "Linear with a fractional size", call: () => new Linear(2, 1.5), error: ShapeError, op: "Linear", shapes: [[2, 1.5]], says: "outFeatures must be a positive integer, got 1.5" },
  { bad: "Linear of an unknown dtype", call: () => new Linear(2, 3, { dtype: "int8" as never }), error: DTypeError, op: "Linear", says: 'unknown dtype "int8"' },
  { bad: "Linear input of the wrong width", call: () => linear().forward(zeros([4, 5])), error: ShapeError, op: "Linear", shapes: [[4, 5], [3, 2]], says: "last dimension must be inFeatures = 2" },
  { bad: "Linear input that is a scalar", call: () => linear().forward(tensor(1)), error: ShapeError, op: "Linear", shapes: [[], [3, 2]], says: "inFeatures = 2" },
  { bad: "Linear input that is not a tensor", call: () => linear().forward([1, 2] as never), error: ValueError, op: "Linear", says: "input must be a Tensor (got 1,2)" },
  { bad: "Sequential of a non-module", call: () => new Sequential(linear(), 3 as never), error: ValueError, op: "Sequential", says: "layer 1 must be a Module (got 3)" },
  { bad: "mlp with one size", call: () => mlp([3]), error: ValueError, op: "mlp", says: "needs at least an input and an output size, got [3]" },
  { bad: "mlp with a negative size", call: () => mlp([3, -1]), error: ShapeError, op: "Linear", shapes: [[3, -1]], says: "outFeatures must be a positive integer, got -1" },
  { bad: "mlp with an unknown activation", call: () => mlp([3, 2], { activation: "gelu" as never }), error: ValueError, op: "mlp", says: 'unknown activation "gelu"' },
  { bad: "LeakyReLU slope NaN", call: () => new LeakyReLU(Number.NaN).forward(zeros([2])), error: ValueError, op: "leakyRelu", says: "option alpha must be a finite number (got NaN)" },
  // Initialisers: bad hyperparameters.
  { bad: "uniform with low > high", call: () => uniform(1, 0), error: ValueError, op: "uniform", says: "needs finite low <= high, got 1, 0" },
  { bad: "normal with a negative std", call: () => normal(0, -1), error: ValueError, op: "normal", says: "std >= 0, got 0, -1" },
  { bad: "normal with a NaN mean", call: () => normal(Number.NaN, 1), error: ValueError, op: "normal", says: "got NaN, 1" },
  { bad: "xavierUniform with a NaN gain", call: () => xavierUniform(Number.NaN), error: ValueError, op: "xavierUniform", says: "option gain must be a finite number (got NaN)" },
  { bad: "kaimingNormal with an infinite slope", call: () => kaimingNormal({ a: Infinity }), error: ValueError, op: "calculateGain", says: "option a must be a finite number (got Infinity)" },
  { bad: "calculateGain of an unknown nonlinearity", call: () => calculateGain("gelu" as never), error: ValueError, op: "calculateGain", says: 'unknown nonlinearity "gelu"' },
  // A model and a state dict that disagree.
  { bad: "state dict missing a key", call: () => linear().loadStateDict({ weight: zeros([3, 2]) }), error: StateDictError, op: "loadStateDict", says: 'missing keys ["bias"]' },
  { bad: "state dict with an extra key", call: () => linear().loadStateDict({ weight: zeros([3, 2]), bias: zeros([3]), scale: zeros([1]) }), error: StateDictError, op: "loadStateDict", says: 'unexpected keys ["scale"]' },
  { bad: "state dict with a transposed weight", call: () => linear().loadStateDict({ weight: zeros([2, 3]), bias: zeros([3]) }), error: StateDictError, op: "loadStateDict", says: '"weight" has shape [2,3], the module expects [3,2]' },
  { bad: "state dict holding a nested array", call: () => linear().loadStateDict({ weight: [[1, 2]] as never, bias: zeros([3]) }), error: ValueError, op: "loadStateDict", says: '"weight" must be a Tensor (got 1,2)' },
  { bad: "state dict that is null", call: () => linear().loadStateDict(null as never), error: ValueError, op: "loadStateDict", says: "must be an object of tensors (got null)" },
  // functionalCall: names are the state dict's, parameters and buffers alike.
  { bad: "functionalCall of an unknown name", call: () => functionalCall(new BatchNorm1d(2), { running_std: zeros([2]) }, zeros([3, 2])), error: ValueError, op: "functionalCall", says: 'no parameter or buffer "running_std"' },
  { bad: "functionalCall buffer that is not a tensor", call: () => functionalCall(new BatchNorm1d(2), { running_mean: [0, 0] as never }, zeros([3, 2])), error: ValueError, op: "functionalCall", says: 'parameters["running_mean"] must be a Tensor (got 0,0)' },
  // Losses.
  { bad: "mseLoss of different shapes", call: () => mseLoss(zeros([2, 3]), zeros([3, 2])), error: ShapeError, op: "mseLoss", shapes: [[2, 3], [3, 2]], says: "same shape" },
  { bad: "bceWithLogits of different shapes", call: () => bceWithLogits(tensor([0.5, 1]), tensor([1])), error: ShapeError, op: "bceWithLogits", shapes: [[2], [1]], says: "same shape" },
  { bad: "crossEntropy class index past the classes", call: () => crossEntropy(zeros([2, 3]), tensor([0, 3])), error: ValueError, op: "crossEntropy", says: "target[1] = 3 is not a class index in [0, 3)" },
  { bad: "crossEntropy NaN class index", call: () => crossEntropy(zeros([2, 3]), tensor([Number.NaN, 0])), error: ValueError, op: "crossEntropy", says: "target[0] = NaN is not a class index" },
  // Safetensors header values.
  { bad: "safetensors file shorter than its length field", call: () => decodeSafetensors(new Uint8Array(3)), error: ValueError, op: "decodeSafetensors", says: "truncated file: 3 bytes" },
  { bad: "safetensors header length past the limit", call: () => decodeSafetensors(Uint8Array.of(0, 0, 0, 0, 0, 0, 0, 0x80, 0)), error: ValueError, op: "decodeSafetensors", says: "header length 9223372036854775808 exceeds the 100000000-byte limit" },
  { bad: "safetensors fractional shape entry", call: () => decodeSafetensors(safetensors({ a: { dtype: "F32", shape: [1.5], data_offsets: [0, 4] } }, 4)), error: ValueError, op: "decodeSafetensors", says: '"a".shape must be an array of non-negative integers, got [1.5]' },
  { bad: "safetensors negative shape entry", call: () => decodeSafetensors(safetensors({ a: { dtype: "F32", shape: [-1], data_offsets: [0, 4] } }, 4)), error: ValueError, op: "decodeSafetensors", says: "got [-1]" },
  { bad: "safetensors shape too large for any file", call: () => decodeSafetensors(safetensors({ a: { dtype: "F32", shape: [1e300], data_offsets: [0, 4] } }, 4)), error: ValueError, op: "decodeSafetensors", says: "got [1e+300]" },
  { bad: "safetensors offsets past the data", call: () => decodeSafetensors(safetensors({ a: { dtype: "F32", shape: [1], data_offsets: [0, 8] } }, 4)), error: ValueError, op: "decodeSafetensors", says: '"a".data_offsets [0,8] lie outside the 4 data bytes' },
  { bad: "safetensors unsigned integer dtype", call: () => decodeSafetensors(safetensors({ a: { dtype: "U64", shape: [1], data_offsets: [0, 8] } }, 8)), error: DTypeError, op: "decodeSafetensors", says: '"a" has dtype "U64", which is not supported by tapegrad' },
  { bad: "safetensors I64 value beyond int32", call: () => decodeSafetensors(i64Bytes(2 ** 31)), error: ValueError, op: "decodeSafetensors", says: '"n"[0] = 2147483648 (I64) does not fit in int32' },
  { bad: "safetensors tensor named __proto__", call: () => decodeSafetensors(safetensors(`{"__proto__":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}`, 4)), error: ValueError, op: "decodeSafetensors", says: 'tensor name "__proto__" is not allowed' },
  { bad: "safetensors metadata that is not strings", call: () => encodeSafetensors({ a: zeros([1]) }, { k: 1 as never }), error: ValueError, op: "encodeSafetensors", says: 'metadata values must be strings, "k" is number' },
];

describeCatalogue("nn's catalogue of bad inputs", rows);

describe("PyTorch's int64 buffers", () => {
  it("decode into int32, so a BatchNorm state dict saved by PyTorch loads", () => {
    const { n } = decodeSafetensors(i64Bytes(-3));
    expect([n!.dtype, n!.shape, n!.item()]).toEqual(["int32", [], -3]);
    const bn = new BatchNorm1d(1);
    bn.loadStateDict({ weight: tensor([1]), bias: tensor([0]), running_mean: tensor([0]), running_var: tensor([1]), num_batches_tracked: decodeSafetensors(i64Bytes(3)).n! });
    expect(bn.buffer("num_batches_tracked").data[0]).toBe(3);
  });
});

describe("a state dict of the other float dtype", () => {
  it("is cast to the model's dtype on load (as PyTorch's load_state_dict copies), rounding float64 to float32", () => {
    const model = linear();
    model.loadStateDict({ weight: tensor([[0.1, 0.2], [0.3, 0.4], [0.5, 0.6]], { dtype: "float64" }), bias: tensor([1e-50, 1, 2], { dtype: "float64" }) });
    expect(model.weight.dtype).toBe("float32");
    expect(Array.from(model.weight.data)).toEqual([0.1, 0.2, 0.3, 0.4, 0.5, 0.6].map(Math.fround));
    expect(Array.from(model.bias!.data)).toEqual([0, 1, 2]); // 1e-50 is below float32's smallest subnormal
  });

  it("is widened exactly into a float64 model", () => {
    const model = new Linear(2, 1, { dtype: "float64" });
    const weight = tensor([[0.1, 0.7]]);
    model.loadStateDict({ weight, bias: tensor([0.3]) });
    expect(model.weight.dtype).toBe("float64");
    expect(Array.from(model.weight.data)).toEqual(Array.from(weight.data));
  });
});

import { describe, expect, it } from "vitest";
import { describeCatalogue, type CatalogueRow } from "../../../test-support/catalogue.js";
import * as core from "@tapegrad/core";
import * as wasm from "@tapegrad/core/wasm";
import { DTypeError, GradError, ShapeError, tensor, ValueError, zeros, type Tensor } from "@tapegrad/core";

/**
 * The catalogue of bad inputs: each row calls core's public API with one kind of mistake and states the
 * error it must get: its class, the op or option it names, the shapes it carries (for a ShapeError) and
 * the value or shape its message names. nn's and optim's catalogues live in their own packages.
 */


const x23 = core.randn([2, 3], { rng: new core.Rng(0) });
const int32 = (values: core.NestedArray): Tensor => tensor(values, { dtype: "int32" });
const ce = (target: Tensor): Tensor => core.softmaxCrossEntropy(x23, target);
/** A customVjp over a pytree argument whose bwd returns two cotangents for its one argument. */
const customTree = core.customVjp((p: { w: Tensor }) => ({ y: p.w }), { fwd: (p) => [{ y: p.w }, null], bwd: (_, ct) => [{ w: ct.y }, ct.y] as never });
/** A user's op whose forward returns one element whatever the output's size. */
const shortForward: core.OpRule<[Tensor]> = {
  name: "short",
  arity: 1,
  shape: ({ inputs: [x] }) => x.shape,
  forward: () => new Float32Array(1),
  jvp: ({ tangents: [dx] }) => dx,
  vjp: ({ ct }) => [ct],
  cost: () => 0,
  test: {},
};

/** customVjp rules that break their promises, one mistake each. */
const customMul = core.customVjp((x: Tensor, y: Tensor) => x.mul(y), { fwd: (x, y) => [x.mul(y), [x, y]] as const, bwd: ([, y], ct) => [ct.mul(y)] as never });
const wrongShape = core.customVjp((p: { w: Tensor }) => p.w, { fwd: (p) => [p.w, null], bwd: () => [{ w: tensor([1, 2, 3]) }] });
const wrongStructure = core.customVjp((p: { w: Tensor }) => p.w, { fwd: (p) => [p.w, null], bwd: (_, ct) => [ct] as never });

const rows: readonly CatalogueRow[] = [
  // Nested arrays and shapes.
  { bad: "ragged nested array", call: () => tensor([[1, 2], [3]] as never), error: ValueError, op: "tensor", says: "ragged nested array: length 1 at [1], expected 2" },
  { bad: "string inside nested array", call: () => tensor([[1, "a"]] as never), error: ValueError, op: "tensor", says: 'expected a number at [0][1], got "a"' },
  { bad: "null inside nested array", call: () => tensor([1, null] as never), error: ValueError, op: "tensor", says: "expected a number at [1], got null" },
  { bad: "undefined inside nested array", call: () => tensor([1, undefined, 3] as never), error: ValueError, op: "tensor", says: "expected a number at [1], got undefined" },
  { bad: "byte typed array", call: () => tensor(new Uint8Array(3) as never), error: ValueError, op: "tensor", says: "got a Uint8Array of length 3 (convert it with Int32Array.from or Float32Array.from)" },
  { bad: "string as the data", call: () => tensor("1, 2" as never), error: ValueError, op: "tensor", says: 'a Float32Array, a Float64Array or an Int32Array, got "1, 2"' },
  { bad: "null as the data", call: () => tensor(null as never), error: ValueError, op: "tensor", says: "got null" },
  { bad: "requiresGrad that is not a boolean", call: () => tensor([1], { requiresGrad: "yes" as never }), error: ValueError, op: "tensor", says: 'option requiresGrad must be a boolean, got "yes"' },
  { bad: "options that are not an object", call: () => core.zeros([2], 5 as never), error: ValueError, op: "zeros", says: "options must be an object, got 5" },
  { bad: "unknown dtype in zeros", call: () => core.zeros([2], { dtype: "int8" as never }), error: DTypeError, op: "zeros", says: 'unknown dtype "int8"' },
  { bad: "fill value that is not a number", call: () => core.full([2], "7" as never), error: ValueError, op: "full", says: 'the fill value must be a number, got "7"' },
  { bad: "zerosLike of an array", call: () => core.zerosLike([1, 2] as never), error: ValueError, op: "zerosLike", says: "expected a Tensor to take the shape and dtype of, got an array [1, 2]" },
  { bad: "rng option that is not an Rng", call: () => core.randn([2], { rng: 5 as never }), error: ValueError, op: "randn", says: "option rng must be an Rng, got 5" },
  { bad: "arange of a string", call: () => core.arange("5" as never), error: ValueError, op: "arange", says: 'got 0, "5", 1' },
  { bad: "shape that is not an array", call: () => core.ones(3 as never), error: ValueError, op: "ones", says: "shape must be an array of integers, got 3" },
  { bad: "shape entry that is a string", call: () => core.rand([2, "3"] as never), error: ValueError, op: "rand", says: 'shape entry 1 must be a non-negative integer, got "3"' },
  // Arguments of the transforms.
  { bad: "grad of a Map", call: () => core.grad((x: Tensor) => x.sum())(new Map() as never), error: ValueError, op: "grad", says: "argument 0 must be a Tensor or a number, got a Map; a pytree's containers are arrays and plain objects" },
  { bad: "jvp tangent whose structure is not its primal's", call: () => core.jvp((x: Tensor) => x, [[tensor([1])]] as never, [tensor([1])]), error: ValueError, op: "jvp", says: "tangent 0: expected an array of 1, got a leaf" },
  { bad: "vjp cotangent that is a nested array", call: () => core.vjp((x: Tensor) => x.mul(2), tensor([1, 2]))[1]([1, 1] as never), error: ValueError, op: "vjp", says: "cotangent: expected a leaf, got an array of 2" },
  // Pytrees: a mismatch or a bad leaf is named by its path.
  { bad: "grad of a tree with a string deep inside", call: () => core.grad((p: { layers: { b: Tensor }[] }) => p.layers[0]!.b.sum())({ layers: [{ b: tensor(1) }, { b: tensor(2) }, { b: "x" as never }] }), error: ValueError, op: "grad", says: 'argument 0.layers[2].b must be a Tensor or a number, got "x"' },
  { bad: "treeMap over trees of different structures", call: () => core.treeMap((a: Tensor, b: Tensor) => a.add(b), { layers: [{ w: tensor(1), b: tensor(1) }] }, { layers: [{ w: tensor(1) }] }), error: ValueError, op: "treeMap", says: "trees[1].layers[0]: expected an object with keys b, w, got an object with keys w" },
  { bad: "jvp tangent tree missing a key", call: () => core.jvp((p: { w: Tensor; b: Tensor }) => p.w.add(p.b), [{ w: tensor([1]), b: tensor([2]) }], [{ w: tensor([1]) } as never]), error: ValueError, op: "jvp", says: "tangent 0: expected an object with keys b, w, got an object with keys w" },
  { bad: "jvp tangent leaf of another shape inside a tree", call: () => core.jvp((p: { w: Tensor }) => p.w, [{ w: tensor([1, 2]) }], [{ w: tensor([1]) }]), error: ShapeError, op: "jvp", shapes: [[2], [1]], says: "tangent 0.w must have its primal's shape" },
  { bad: "vjp cotangent tree of another structure than the output", call: () => core.vjp((x: Tensor) => ({ a: x, b: [x] }), tensor([1]))[1]({ a: tensor([1]), b: tensor([1]) } as never), error: ValueError, op: "vjp", says: "cotangent.b: expected an array of 1, got a leaf" },
  { bad: "hvp v of another structure than x", call: () => core.hvp((p: { w: Tensor }) => p.w.sum(), { w: tensor([1]) }, { v: tensor([1]) } as never), error: ValueError, op: "hvp", says: "v: expected an object with keys w, got an object with keys v" },
  { bad: "grad with hasAux whose function returns a bare tensor", call: () => core.grad(((x: Tensor) => x.sum()) as unknown as (x: Tensor) => readonly [Tensor, number], { hasAux: true })(tensor(1)), error: ValueError, op: "grad", says: "with hasAux the function must return [value, aux], got a float32[] tensor" },
  { bad: "vjp whose function returns a number leaf", call: () => core.vjp((x: Tensor) => ({ y: x, n: 1 }), tensor([1])), error: ValueError, op: "vjp", says: "every leaf the function returns must be a Tensor, got 1" },
  { bad: "jacrev of a Float32Array", call: () => core.jacrev((x: Tensor) => x)(new Float32Array(2) as never), error: ValueError, op: "jacrev", says: "argument 0 must be a Tensor or a number, got a Float32Array of length 2 (wrap it with tensor())" },
  { bad: "grad of what is not a function", call: () => core.grad(null as never)(tensor(1)), error: ValueError, op: "grad", says: "expected a function of Tensors, got null" },
  { bad: "grad whose function returns undefined", call: () => core.grad((() => undefined) as never)(tensor(1)), error: ValueError, op: "grad", says: "the function must return a Tensor, got undefined" },
  { bad: "grad with createGraph that is not a boolean", call: () => core.grad((x: Tensor) => x, { createGraph: 1 as never })(tensor(1)), error: ValueError, op: "grad", says: "option createGraph must be a boolean, got 1" },
  // Custom rules whose fwd, bwd or jvp breaks its promise.
  { bad: "customVjp bwd returning too few cotangents", call: () => core.grad((x: Tensor) => customMul(x, tensor(2)).sum())(tensor([1])), error: ValueError, op: "customVjp", says: "bwd must return an array with one cotangent per argument (2), got an array [a float32[1] tensor]" },
  { bad: "customVjp bwd returning a cotangent of the wrong shape", call: () => core.grad((p: { w: Tensor }) => wrongShape(p).sum())({ w: tensor([1, 2]) }), error: ShapeError, op: "customVjp", shapes: [[3], [2]], says: "bwd's cotangent 0.w has shape [3], but argument 0.w has shape [2]" },
  { bad: "customVjp bwd returning a cotangent of the wrong structure", call: () => core.grad((p: { w: Tensor }) => wrongStructure(p).sum())({ w: tensor([1, 2]) }), error: ValueError, op: "customVjp", says: "bwd's cotangent 0: expected an object with keys w, got a leaf" },
  { bad: "customVjp fwd not returning [output, residuals]", call: () => core.grad((x: Tensor) => core.customVjp((y: Tensor) => y, { fwd: ((y: Tensor) => y) as never, bwd: (_: null, ct: Tensor) => [ct] })(x).sum())(tensor([1])), error: ValueError, op: "customVjp", says: "fwd must return [output, residuals], got a float32[1] tensor" },
  { bad: "customJvp rule returning a tangent that does not fit the output", call: () => core.jvp(core.customJvp((x: Tensor) => x.mul(2), { jvp: () => tensor([1, 2, 3]) }), [tensor([1, 2])], [tensor([1, 1])]), error: ShapeError, op: "customJvp", shapes: [[3], [2]], says: "jvp's tangent has shape [3], but output has shape [2]" },
  { bad: "customJvp rule returning a tangent tree of the wrong shape at one leaf", call: () => core.jvp(core.customJvp((x: Tensor) => ({ a: [x, x.sum()] }), { jvp: ([x]) => ({ a: [x, x] }) }), [tensor([1, 2])], [tensor([1, 1])]), error: ShapeError, op: "customJvp", shapes: [[2], []], says: "jvp's tangent.a[1] has shape [2], but output.a[1] has shape []" },
  { bad: "customVjp bwd returning one cotangent too many for a pytree argument", call: () => core.grad((p: { w: Tensor }) => customTree(p).y.sum())({ w: tensor([1, 2]) }), error: ValueError, op: "customVjp", says: "bwd must return an array with one cotangent per argument (1)" },
  { bad: "checkpoint whose function returns a number", call: () => core.grad((x: Tensor) => core.checkpoint((() => 3) as unknown as (y: Tensor) => Tensor)(x))(tensor([1])), error: ValueError, op: "checkpoint", says: "every leaf the function returns must be a Tensor, got 3" },
  { bad: "checkpoint whose output leaves mix dtypes", call: () => core.grad((x: Tensor) => core.checkpoint((y: Tensor) => ({ a: y, b: [y.cast("float64")] }))(x).a.sum())(tensor([1])), error: DTypeError, op: "checkpoint", says: "output.a is float32 but output.b[0] is float64" },
  { bad: "jacrev of a pytree output whose leaves mix dtypes", call: () => core.jacrev((x: Tensor) => ({ a: x, b: x.cast("float64") }))(tensor([1])), error: DTypeError, op: "jacrev", says: "output.a is float32 but output.b is float64" },
  { bad: "hvp with v of another structure than x", call: () => core.hvp((p: { w: Tensor; b: Tensor }) => p.w.sum().add(p.b.sum()), { w: tensor([1]), b: tensor([1]) }, { w: tensor([1]) } as never), error: ValueError, op: "hvp", says: "v: expected an object with keys b, w, got an object with keys w" },
  // vmap's axes.
  { bad: "vmap inAxes naming a missing axis", call: () => core.vmap((p: { w: Tensor }) => p.w, { inAxes: [{ w: 2 }] })({ w: zeros([2, 3]) }), error: ValueError, op: "vmap", says: "inAxes maps axis 2 of argument 0.w, but it is a float32[2,3] tensor with 2 axes" },
  { bad: "vmap sizes differing along the mapped axes", call: () => core.vmap((x: Tensor, y: Tensor) => x.add(y))(zeros([3, 2]), zeros([4, 2])), error: ShapeError, op: "vmap", shapes: [[3, 2], [4, 2]], says: "sizes along the mapped axes differ: argument 0 has 3 along axis 0, argument 1 has 4 along axis 0" },
  { bad: "vmap inAxes tree not matching the argument", call: () => core.vmap((p: { w: Tensor }) => p.w, { inAxes: [{ v: 0 }] })({ w: zeros([2]) }), error: ValueError, op: "vmap", says: "inAxes[0] does not match the structure of argument 0" },
  { bad: "vmap sizes differing along the mapped axes deep in a pytree", call: () => core.vmap((p: { layers: { b: Tensor }[] }) => p.layers[1]!.b)({ layers: [{ b: zeros([3]) }, { b: zeros([2]) }] }), error: ShapeError, op: "vmap", shapes: [[3], [2]], says: "argument 0.layers[0].b has 3 along axis 0, argument 0.layers[1].b has 2 along axis 0" },
  { bad: "vmap inAxes naming a negative axis past the first", call: () => core.vmap((x: Tensor) => x, { inAxes: -3 })(zeros([2, 3])), error: ValueError, op: "vmap", says: "inAxes maps axis -3 of argument 0, but it is a float32[2,3] tensor with 2 axes" },
  { bad: "vmap outAxes null for an output that depends on the mapped axis", call: () => core.vmap((x: Tensor) => ({ m: x.mul(2) }), { outAxes: { m: null } })(zeros([2])), error: ValueError, op: "vmap", says: "outAxes is null for output.m, but it depends on the mapped axis" },
  { bad: "vmap outAxes tree not matching the output", call: () => core.vmap((x: Tensor) => ({ m: x }), { outAxes: { n: 0 } })(zeros([2])), error: ValueError, op: "vmap", says: "outAxes does not match the structure of output" },
  { bad: "vmap outAxes past the output's axes", call: () => core.vmap((x: Tensor) => ({ m: x }), { outAxes: 2 })(zeros([2])), error: ValueError, op: "vmap", says: "outAxes puts the batch axis of output.m at 2, but with the batch axis it has shape [2]" },
  { bad: "vmap inAxes with more entries than arguments", call: () => core.vmap((x: Tensor) => x, { inAxes: [0, 0] })(zeros([2])), error: ValueError, op: "vmap", says: "inAxes has 2 entries for 1 arguments" },
  { bad: "vmap of softmaxCrossEntropy with a fractional label in a later example", call: () => core.vmap((l: Tensor, t: Tensor) => core.softmaxCrossEntropy(l, t))(zeros([2, 1, 3]), tensor([[1], [1.5]])), error: ValueError, op: "softmaxCrossEntropy", says: "target[0] = 1.5 of example 1 is not a class index in [0, 3)" },
  { bad: "vmap mapping no argument", call: () => core.vmap((x: Tensor) => x, { inAxes: null })(zeros([2])), error: ValueError, op: "vmap", says: "inAxes maps no argument" },
  { bad: "reading a batched tensor's values inside vmap", call: () => core.vmap((x: Tensor) => tensor(x.item()))(zeros([2])), error: ValueError, op: "vmap", says: "the values of a float32[] tensor batched by vmap cannot be read inside the mapped function" },
  { bad: "an op given a string", call: () => x23.add("1" as never), error: ValueError, op: "add", says: 'each input must be a Tensor or a number, got "1"' },
  // A user's op whose forward breaks its promise.
  { bad: "custom op whose forward returns too few elements", call: () => core.apply(shortForward, [tensor([1, 2, 3])], undefined), error: ValueError, op: "short", says: "forward must return a Float32Array of 3 elements for its float32[3] output, got a Float32Array of length 1" },
  { bad: "custom op whose forward returns the other dtype", call: () => core.apply(shortForward, [tensor([1, 2], { dtype: "float64" })], undefined), error: ValueError, op: "short", says: "forward must return a Float64Array of 2 elements for its float64[2] output, got a Float32Array of length 1" },
  { bad: "custom op whose forward returns a plain array", call: () => core.apply({ ...shortForward, forward: () => [1, 2] as never }, [tensor([1, 2])], undefined), error: ValueError, op: "short", says: "got an array [1, 2]" },
  { bad: "typed array of the wrong size for its shape", call: () => tensor(new Float32Array(5), { shape: [2, 3] }), error: ValueError, op: "tensor", says: "shape [2,3] needs 6 elements, the array has 5" },
  { bad: "negative shape entry", call: () => zeros([2, -1]), error: ValueError, op: "zeros", says: "shape entry 1 must be a non-negative integer, got -1 in [2,-1]" },
  { bad: "fractional shape entry", call: () => core.randn([1.5]), error: ValueError, op: "randn", says: "shape entry 0 must be a non-negative integer, got 1.5" },
  { bad: "NaN shape entry", call: () => core.ones([Number.NaN]), error: ValueError, op: "ones", says: "got NaN in [NaN]" },
  { bad: "reshape to another size", call: () => x23.reshape([4, 2]), error: ShapeError, op: "reshape", shapes: [[2, 3], [4, 2]], says: "cannot reshape 6 elements" },
  { bad: "reshape with an inferred axis that cannot fit", call: () => x23.reshape([-1, 4]), error: ShapeError, op: "reshape", shapes: [[2, 3], [-1, 4]], says: "cannot reshape 6 elements" },
  { bad: "reshape with two inferred axes", call: () => x23.reshape([-1, -1]), error: ShapeError, op: "reshape", shapes: [[2, 3], [-1, -1]], says: "at most one -1" },
  // Axes.
  { bad: "axis past the rank", call: () => x23.sum(2), error: ShapeError, op: "sum", shapes: [[2, 3]], says: "axis 2 is out of range for rank 2" },
  { bad: "negative axis past the rank", call: () => core.max(x23, -3), error: ShapeError, op: "max", shapes: [[2, 3]], says: "axis -3 is out of range for rank 2" },
  { bad: "fractional axis", call: () => core.mean(x23, 0.5), error: ShapeError, op: "mean", shapes: [[2, 3]], says: "axis 0.5 is out of range" },
  { bad: "repeated axis", call: () => x23.sum([0, 0]), error: ShapeError, op: "sum", shapes: [[2, 3]], says: "repeated axis in [0,0]" },
  { bad: "softmax axis past the rank", call: () => core.softmax(x23, 5), error: ShapeError, op: "softmax", shapes: [[2, 3]], says: "axis 5 is out of range for rank 2" },
  { bad: "logSoftmax axis past the rank", call: () => core.logSoftmax(x23, 2), error: ShapeError, op: "logSoftmax", shapes: [[2, 3]], says: "axis 2 is out of range" },
  { bad: "logSumExp axis past the rank", call: () => core.logSumExp(x23, -4), error: ShapeError, op: "logSumExp", shapes: [[2, 3]], says: "axis -4 is out of range" },
  { bad: "transpose with a repeated axis", call: () => x23.transpose([0, 0]), error: ShapeError, op: "transpose", shapes: [[2, 3]], says: "[0,0] is not a permutation of the 2 axes" },
  { bad: "concat axis past the rank", call: () => core.concat([x23, x23], 3), error: ShapeError, op: "concat", shapes: [[2, 3]], says: "axis 3 is out of range" },
  { bad: "concat of shapes that differ off the axis", call: () => core.concat([x23, core.zeros([2, 4])], 0), error: ShapeError, op: "concat", shapes: [[2, 3], [2, 4]], says: "must agree on every axis but 0" },
  { bad: "slice box outside the input", call: () => core.slice(x23, [0, 0], [3, 1]), error: ShapeError, op: "slice", shapes: [[2, 3]], says: "box at [0,0] of size [3,1] is not inside the input" },
  { bad: "slice begin before the start of the axis", call: () => core.slice(x23, [-3, 0]), error: ShapeError, op: "slice", shapes: [[2, 3]], says: "begin -3 on axis 0 is before the start of an axis of length 2" },
  { bad: "stack of tensors of different shapes", call: () => core.stack([x23, core.zeros([3, 2])]), error: ShapeError, op: "stack", shapes: [[2, 3], [3, 2]], says: "all tensors must have one shape" },
  { bad: "stack of nothing", call: () => core.stack([]), error: ValueError, op: "stack", says: "needs at least one tensor" },
  { bad: "stack axis past the new rank", call: () => core.stack([x23, x23], 3), error: ShapeError, op: "stack", shapes: [[2, 3]], says: "axis 3 is out of range for rank 3" },
  { bad: "split sizes that do not add up to the axis", call: () => core.split(x23, [1, 1], 1), error: ShapeError, op: "split", shapes: [[2, 3]], says: "sizes [1,1] add up to 2, not the axis length 3" },
  { bad: "split into pieces of length 0", call: () => core.split(x23, 0), error: ValueError, op: "split", says: "a piece length must be a positive integer, got 0" },
  { bad: "split sizes with a fraction", call: () => core.split(x23, [0.5, 2.5], 1), error: ValueError, op: "split", says: "got an array [0.5, 2.5]" },
  { bad: "squeeze axis past the rank", call: () => x23.squeeze(2), error: ShapeError, op: "squeeze", shapes: [[2, 3]], says: "axis 2 is out of range for rank 2" },
  { bad: "unsqueeze axis past the new rank", call: () => x23.unsqueeze(-4), error: ShapeError, op: "unsqueeze", shapes: [[2, 3]], says: "axis -4 is out of range for rank 3" },
  { bad: "flatten with startDim after endDim", call: () => core.zeros([2, 3, 4]).flatten(2, 1), error: ShapeError, op: "flatten", shapes: [[2, 3, 4]], says: "startDim 2 comes after endDim 1" },
  { bad: "permute with a repeated axis", call: () => x23.permute([1, -1]), error: ShapeError, op: "permute", shapes: [[2, 3]], says: "[1,-1] is not a permutation of the 2 axes" },
  { bad: "permute with too few axes", call: () => x23.permute([0]), error: ShapeError, op: "permute", shapes: [[2, 3]], says: "[0] is not a permutation" },
  { bad: "matmul of a vector whose length differs", call: () => core.matmul(core.zeros([2]), x23.transpose()), error: ShapeError, op: "matmul", shapes: [[1, 2], [3, 2]], says: "inner dimensions differ (2 != 3)" },
  { bad: "negative padding", call: () => core.pad(x23, [-1, 0], [0, 0]), error: ShapeError, op: "pad", shapes: [[2, 3]], says: "before [-1,0]" },
  { bad: "fractional padding", call: () => core.pad(x23, [0.5, 0], [0, 0]), error: ValueError, op: "pad", says: "got an array [0.5, 0]" },
  // Indices.
  { bad: "gather with a float index", call: () => x23.gather(1, tensor([[0, 1], [2, 0]])), error: DTypeError, op: "gather", says: 'the index (input 1) must be an int32 tensor, got a float32[2,2] tensor (cast it with .cast("int32"))' },
  { bad: "gather with a fractional float index", call: () => core.gather(x23, 1, tensor([[0.5]])), error: DTypeError, op: "gather", says: "must be an int32 tensor, got a float32[1,1] tensor" },
  { bad: "gather with an index past the axis", call: () => x23.gather(1, int32([[0, 3]])), error: ValueError, op: "gather", says: "index 3 at [0,1] is out of range for axis 1 of length 3 (valid: 0 to 2)" },
  { bad: "gather with a negative index", call: () => x23.gather(-2, int32([[0], [-1]])), error: ValueError, op: "gather", says: "index -1 at [1,0] is out of range for axis 0 of length 2" },
  { bad: "gather with an index of another rank", call: () => x23.gather(1, int32([0, 1])), error: ShapeError, op: "gather", shapes: [[2, 3], [2]], says: "the index must have the input's rank" },
  { bad: "gather with an index larger off the axis", call: () => x23.gather(1, int32([[0], [0], [0]])), error: ShapeError, op: "gather", shapes: [[2, 3], [3, 1]], says: "no dim larger than the input's, but along axis 1" },
  { bad: "gather with a nested array as the index", call: () => core.gather(x23, 0, [[0]] as never), error: DTypeError, op: "gather", says: "must be an int32 tensor, got an array [[…]]" },
  { bad: "indexSelect with a float index", call: () => x23.indexSelect(0, tensor([1])), error: DTypeError, op: "indexSelect", says: "the index must be an int32 tensor, got a float32[1] tensor" },
  { bad: "indexSelect with a 2-D index", call: () => x23.indexSelect(0, int32([[1]])), error: ShapeError, op: "indexSelect", shapes: [[2, 3], [1, 1]], says: "the index must be 1-D" },
  { bad: "indexSelect with an index past the axis", call: () => x23.indexSelect(-1, int32([0, 5])), error: ValueError, op: "indexSelect", says: "index 5 at [1] is out of range for axis 1 of length 3" },
  { bad: "scatterAdd with an index past the axis", call: () => core.scatterAdd(x23, 0, int32([[2, 0, 0]]), core.ones([1, 3])), error: ValueError, op: "scatterAdd", says: "index 2 at [0,0] is out of range for axis 0 of length 2" },
  { bad: "scatterAdd with src smaller than the index", call: () => core.scatterAdd(x23, 1, int32([[0, 1]]), core.ones([1, 1])), error: ShapeError, op: "scatterAdd", shapes: [[2, 3], [1, 2], [1, 1]], says: "the index no dim larger than src's" },
  { bad: "scatterAdd with a float index", call: () => core.scatterAdd(x23, 1, tensor([[0]]), core.ones([1, 1])), error: DTypeError, op: "scatterAdd", says: "must be an int32 tensor" },
  { bad: "argmax of an empty tensor", call: () => core.argmax(zeros([0, 3])), error: ShapeError, op: "argmax", shapes: [[0, 3]], says: "cannot take the argmax of an empty tensor" },
  { bad: "argmin axis past the rank", call: () => x23.argmin(2), error: ShapeError, op: "argmin", shapes: [[2, 3]], says: "axis 2 is out of range for rank 2" },
  { bad: "clamp with neither bound", call: () => x23.clamp(), error: ValueError, op: "clamp", says: "needs a min or a max bound, got neither" },
  { bad: "clamp with a string bound", call: () => x23.clamp("0" as never, 1), error: ValueError, op: "clamp", says: 'min must be a number, a Tensor or undefined, got "0"' },
  // Convolution and pooling.
  { bad: "conv2d with the wrong channel count", call: () => core.conv2d(zeros([1, 3, 5, 5]), zeros([2, 2, 3, 3])), error: ShapeError, op: "conv2d", shapes: [[1, 3, 5, 5], [2, 2, 3, 3]], says: "the weight expects 2 input channels (2 per group × 1 groups), the input has 3" },
  { bad: "conv2d kernel larger than the padded input", call: () => core.conv2d(zeros([1, 1, 2, 4]), zeros([1, 1, 3, 3])), error: ShapeError, op: "conv2d", shapes: [[1, 1, 2, 4], [1, 1, 3, 3]], says: "the kernel (3x3, spanning 3 with dilation 1) is larger than the padded input (2 along height)" },
  { bad: "conv2d dilated kernel larger than the padded input", call: () => core.conv2d(zeros([1, 1, 5, 4]), zeros([1, 1, 2, 2]), undefined, { dilation: [1, 4], padding: [0, 0] }), error: ShapeError, op: "conv2d", shapes: [[1, 1, 5, 4], [1, 1, 2, 2]], says: "spanning 5 with dilation 4) is larger than the padded input (4 along width)" },
  { bad: "conv2d output channels that do not split into the groups", call: () => core.conv2d(zeros([1, 4, 5, 5]), zeros([3, 2, 3, 3]), undefined, { groups: 2 }), error: ShapeError, op: "conv2d", shapes: [[1, 4, 5, 5], [3, 2, 3, 3]], says: "the weight's 3 output channels do not split into 2 groups" },
  { bad: "conv2d of a 3-D input", call: () => core.conv2d(zeros([3, 5, 5]), zeros([2, 3, 3, 3])), error: ShapeError, op: "conv2d", shapes: [[3, 5, 5], [2, 3, 3, 3]], says: "input must be [N, C, H, W]" },
  { bad: "conv2d bias of the wrong length", call: () => core.conv2d(zeros([1, 3, 5, 5]), zeros([2, 3, 3, 3]), zeros([3])), error: ShapeError, op: "conv2d", shapes: [[1, 3, 5, 5], [2, 3, 3, 3], [3]], says: "bias must be [2], one per output channel" },
  { bad: "conv2d stride 0", call: () => core.conv2d(zeros([1, 1, 5, 5]), zeros([1, 1, 3, 3]), undefined, { stride: 0 }), error: ValueError, op: "conv2d", says: "option stride must be an integer of at least 1 or a pair [h, w] of them, got 0" },
  { bad: "conv2d negative padding", call: () => core.conv2d(zeros([1, 1, 5, 5]), zeros([1, 1, 3, 3]), undefined, { padding: [-1, 0] }), error: ValueError, op: "conv2d", says: "option padding must be an integer of at least 0 or a pair [h, w] of them, got an array [-1, 0]" },
  { bad: "conv2d padding \"same\" with a stride", call: () => core.conv2d(zeros([1, 1, 5, 5]), zeros([1, 1, 3, 3]), undefined, { padding: "same", stride: 2 }), error: ValueError, op: "conv2d", says: 'padding "same" needs stride 1, got stride [2, 2]' },
  { bad: "conv2d padding of an unknown name", call: () => core.conv2d(zeros([1, 1, 5, 5]), zeros([1, 1, 3, 3]), undefined, { padding: "full" as never }), error: ValueError, op: "conv2d", says: 'option padding must be a number, [h, w], "same" or "valid", got "full"' },
  { bad: "conv2d groups 0", call: () => core.conv2d(zeros([1, 1, 5, 5]), zeros([1, 1, 3, 3]), undefined, { groups: 0 }), error: ValueError, op: "conv2d", says: "option groups must be a positive integer, got 0" },
  { bad: "conv2d of an int32 input", call: () => core.conv2d(tensor([[[[1]]]], { dtype: "int32" }), tensor([[[[1]]]], { dtype: "int32" })), error: DTypeError, op: "conv2d", says: "takes floating-point tensors" },
  { bad: "maxPool2d padding more than half the kernel", call: () => core.maxPool2d(zeros([1, 1, 5, 5]), { kernelSize: 2, padding: 2 }), error: ValueError, op: "maxPool2d", says: "padding [2, 2] must be at most half the kernel [2, 2]" },
  { bad: "maxPool2d without a kernel size", call: () => core.maxPool2d(zeros([1, 1, 5, 5]), {} as never), error: ValueError, op: "maxPool2d", says: "option kernelSize must be an integer of at least 1 or a pair [h, w] of them, got undefined" },
  { bad: "avgPool2d kernel larger than the input", call: () => core.avgPool2d(zeros([1, 1, 2, 5]), { kernelSize: 3 }), error: ShapeError, op: "avgPool2d", shapes: [[1, 1, 2, 5]], says: "is larger than the padded input (2 along height)" },
  { bad: "maxPool2d of an int32 input", call: () => core.maxPool2d(core.zeros([1, 1, 2, 2], { dtype: "int32" }), { kernelSize: 2 }), error: DTypeError, op: "maxPool2d", says: "takes floating-point tensors, got an int32[1,1,2,2] input" },
  { bad: "avgPool2d of a 2-D input", call: () => core.avgPool2d(zeros([4, 4]), { kernelSize: 2 }), error: ShapeError, op: "avgPool2d", shapes: [[4, 4]], says: "input must be [N, C, H, W] or [C, H, W]" },
  // Broadcasting and matmul.
  { bad: "shapes that do not broadcast", call: () => x23.add(core.zeros([4])), error: ShapeError, op: "add", shapes: [[2, 3], [4]], says: "dim -1: 3 vs 4" },
  { bad: "where condition that does not broadcast", call: () => core.where(core.zeros([2]).gt(0), x23, 0), error: ShapeError, op: "where", shapes: [[2], [2, 3]], says: "dim -1: 2 vs 3" },
  { bad: "broadcastTo a smaller shape", call: () => core.broadcastTo(x23, [3, 3]), error: ShapeError, op: "broadcastTo", shapes: [[2, 3], [3, 3]], says: "cannot broadcast" },
  { bad: "matmul inner dimensions differ", call: () => x23.matmul(core.zeros([4, 5])), error: ShapeError, op: "matmul", shapes: [[2, 3], [4, 5]], says: "inner dimensions differ (3 != 4)" },
  { bad: "matmul of a scalar", call: () => tensor(2).matmul(x23), error: ShapeError, op: "matmul", shapes: [[], [2, 3]], says: "rank >= 1 (use mul to scale by a scalar)" },
  { bad: "matmul with a transpose flag that is not a boolean", call: () => core.matmul(x23, x23, { transposeA: 1 as unknown as boolean }), error: ValueError, op: "matmul", says: "transposeA must be a boolean, got 1" },
  { bad: "matmul with a transposed operand whose inner dimensions differ", call: () => core.matmul(x23, core.zeros([3, 4]), { transposeA: true }), error: ShapeError, op: "matmul", shapes: [[2, 3], [3, 4]], says: "inner dimensions differ (2 != 3)" },
  { bad: "setKernels with an unknown backend", call: () => core.setKernels("gpu" as "fast"), error: ValueError, op: "setKernels", says: 'expected "fast" or "reference", got "gpu"' },
  { bad: "a WebAssembly kernel defined without a build function", call: () => wasm.defineWasmKernel({ name: "k" } as never), error: ValueError, op: "defineWasmKernel", says: "expected { name: string, build: function }" },
  { bad: "a WebAssembly kernel whose module does not validate", call: () => wasm.defineWasmKernel({ name: "broken", build: () => Uint8Array.of(0, 97, 115, 109, 1, 0, 0, 0, 99) }).acquire(), error: ValueError, op: "defineWasmKernel", says: 'kernel "broken": its module does not validate' },
  { bad: "runInBlocks over operands of different lengths", call: () => wasm.runInBlocks({ exports: {}, scratch: (n) => new Float32Array(n) }, { operands: [new Float32Array(3), new Float32Array(2)], updated: [0] }, () => {}), error: ValueError, op: "runInBlocks", says: "must have one length, got 3, 2" },
  { bad: "matmul batch dims that do not broadcast", call: () => core.zeros([2, 2, 3]).matmul(core.zeros([3, 3, 4])), error: ShapeError, op: "matmul", shapes: [[2], [3]], says: "dim -1: 2 vs 3" },
  // Dtypes.
  { bad: "unknown dtype at creation", call: () => tensor([1], { dtype: "int64" as never }), error: DTypeError, op: "tensor", says: 'unknown dtype "int64"; use "float32", "float64" or "int32"' },
  { bad: "an int32 tensor that requires grad", call: () => tensor([1], { dtype: "int32", requiresGrad: true }), error: GradError, op: "requiresGrad", says: "only floating-point tensors can require grad, got int32[1]" },
  { bad: "requiresGrad switched on for an int32 tensor", call: () => { core.arange(3, undefined, 1, { dtype: "int32" }).requiresGrad = true; }, error: GradError, op: "requiresGrad", says: "got int32[3]" },
  { bad: "random samples as int32", call: () => core.randn([2], { dtype: "int32" }), error: DTypeError, op: "randn", says: "draws floating-point samples; dtype int32 cannot hold them" },
  { bad: "exp of int32", call: () => core.exp(tensor([1, 2], { dtype: "int32" })), error: DTypeError, op: "exp", says: "takes floating-point tensors, got an int32[2] input (cast it to float32 or float64 first)" },
  { bad: "mean of int32", call: () => tensor([1, 2], { dtype: "int32" }).mean(), error: DTypeError, op: "mean", says: "takes floating-point tensors, got an int32[2] input" },
  { bad: "mean of one int32", call: () => core.mean(tensor([1], { dtype: "int32" })), error: DTypeError, op: "mean", says: "got an int32[1] input" },
  { bad: "erf of int32", call: () => tensor([1], { dtype: "int32" }).erf(), error: DTypeError, op: "erf", says: "takes floating-point tensors" },
  { bad: "reciprocal of int32", call: () => core.reciprocal(tensor([2], { dtype: "int32" })), error: DTypeError, op: "reciprocal", says: "got an int32[1] input" },
  { bad: "int32 logits", call: () => core.softmaxCrossEntropy(tensor([[1, 2]], { dtype: "int32" }), tensor([0], { dtype: "int32" })), error: DTypeError, op: "softmaxCrossEntropy", says: "takes floating-point tensors" },
  { bad: "unknown dtype in cast", call: () => core.cast(x23, "int8" as never), error: DTypeError, op: "cast", says: 'unknown dtype "int8"' },
  { bad: "jvp tangent of the other dtype", call: () => core.jvp((x: Tensor) => x.mul(2), [tensor([1, 2])], [tensor([1, 2], { dtype: "float64" })]), error: DTypeError, op: "jvp", says: "tangent 0 is float64 but its primal is float32" },
  { bad: "jvp tangent of another shape", call: () => core.jvp((x: Tensor) => x.mul(2), [tensor([1, 2])], [tensor([1, 2, 3])]), error: ShapeError, op: "jvp", shapes: [[2], [3]], says: "tangent 0 must have its primal's shape" },
  // Class-index targets.
  { bad: "class index past the classes", call: () => ce(tensor([0, 3])), error: ValueError, op: "softmaxCrossEntropy", says: "target[1] = 3 is not a class index in [0, 3)" },
  { bad: "negative class index", call: () => ce(tensor([-1, 0])), error: ValueError, op: "softmaxCrossEntropy", says: "target[0] = -1 is not a class index" },
  { bad: "fractional class index", call: () => ce(tensor([0, 0.5])), error: ValueError, op: "softmaxCrossEntropy", says: "target[1] = 0.5 is not a class index" },
  { bad: "NaN class index", call: () => ce(tensor([0, Number.NaN])), error: ValueError, op: "softmaxCrossEntropy", says: "target[1] = NaN is not a class index" },
  { bad: "Infinity class index", call: () => ce(tensor([Infinity, 0])), error: ValueError, op: "softmaxCrossEntropy", says: "target[0] = Infinity is not a class index" },
  { bad: "one target per row too many", call: () => ce(tensor([0, 1, 2])), error: ShapeError, op: "softmaxCrossEntropy", shapes: [[2, 3], [3]], says: "[batch] class indices or [batch, classes] probabilities" },
  // Empty tensors where the op needs data.
  { bad: "max of an empty axis", call: () => core.max(zeros([2, 0]), 1), error: ShapeError, op: "max", shapes: [[2, 0]], says: "cannot take the max over an empty axis" },
  { bad: "mean of nothing", call: () => core.mean(zeros([0])), error: ValueError, op: "mean", says: "cannot average over an empty axis (shape [0])" },
  { bad: "softmax over an empty axis", call: () => core.softmax(zeros([2, 0])), error: ShapeError, op: "softmax", shapes: [[2, 0]], says: "cannot reduce over an empty axis" },
  { bad: "logSumExp of nothing", call: () => core.logSumExp(zeros([0])), error: ShapeError, op: "logSumExp", shapes: [[0]], says: "cannot reduce over an empty axis" },
  { bad: "cross-entropy with no classes", call: () => core.softmaxCrossEntropy(zeros([2, 0]), tensor([0, 0])), error: ShapeError, op: "softmaxCrossEntropy", shapes: [[2, 0], [2]], says: "non-empty [batch, classes]" },
  { bad: "item() of an empty tensor", call: () => zeros([0]).item(), error: ValueError, op: "item", says: "one element, got float32[0]" },
  { bad: "item() of several elements", call: () => zeros([2]).item(), error: ValueError, op: "item", says: "one element, got float32[2]" },
  // Too large to allocate.
  { bad: "creation too large to allocate", call: () => zeros([1e6, 1e6]), error: ValueError, op: "zeros", says: "shape [1000000,1000000] has 1000000000000 elements, more than can be allocated" },
  { bad: "matmul output too large to allocate", call: () => core.zeros([50000, 1]).matmul(core.zeros([1, 50000])), error: ShapeError, op: "matmul", shapes: [[50000, 1], [1, 50000]], says: "the output [50000,50000] would have 2500000000 elements" },
  { bad: "broadcast too large to allocate", call: () => core.broadcastTo(core.zeros([1]), [1e5, 1e5]), error: ValueError, op: "broadcastTo", says: "shape [100000,100000] has 10000000000 elements" },
  { bad: "arange too long to allocate", call: () => core.arange(0, 1e12), error: ValueError, op: "arange", says: "shape [1000000000000]" },
  // Bad options and hyperparameters.
  { bad: "arange step 0", call: () => core.arange(0, 1, 0), error: ValueError, op: "arange", says: "non-zero step, got 0, 1, 0" },
  { bad: "arange to NaN", call: () => core.arange(Number.NaN), error: ValueError, op: "arange", says: "got 0, NaN, 1" },
  { bad: "gelu approximation that PyTorch does not have", call: () => core.gelu(x23, { approximate: "erf" as never }), error: ValueError, op: "gelu", says: 'option approximate must be "none" or "tanh", got "erf"' },
  { bad: "gelu options that are not an object", call: () => x23.gelu("tanh" as never), error: ValueError, op: "gelu", says: 'options must be an object, got "tanh"' },
  { bad: "leakyRelu slope NaN", call: () => core.leakyRelu(x23, Number.NaN), error: ValueError, op: "leakyRelu", says: "option alpha must be a finite number (got NaN)" },
  { bad: "fractional seed", call: () => core.manualSeed(1.5), error: ValueError, op: "Rng", says: "seed must be an integer, got 1.5" },
  { bad: "NaN seed", call: () => new core.Rng(Number.NaN), error: ValueError, op: "Rng", says: "seed must be an integer, got NaN" },
  { bad: "generator state of the wrong length", call: () => new core.Rng(0).setState([1, 2]), error: ValueError, op: "Rng", says: "a state has 5 entries, got 2" },
  { bad: "format precision negative", call: () => x23.format({ precision: -1 }), error: ValueError, op: "format", says: "option precision must be a non-negative integer (got -1)" },
  { bad: "format threshold fractional", call: () => x23.format({ threshold: 2.5 }), error: ValueError, op: "format", says: "option threshold must be a non-negative integer (got 2.5)" },
  // Differentiation asked of what cannot give it.
  { bad: "backward from a non-scalar without a seed", call: () => core.randn([2], { requiresGrad: true }).mul(2).backward(), error: GradError, op: "backward", says: "float32[2] is not a scalar" },
  { bad: "backward from a tensor that needs no grad", call: () => core.zeros([]).backward(), error: GradError, op: "backward", says: "does not require grad" },
  { bad: "grad of a function with a vector output", call: () => core.grad((x: Tensor) => x.mul(2))(tensor([1, 2])), error: GradError, op: "grad", says: "must return a scalar, got float32[2]" },
];

describeCatalogue("core's catalogue of bad inputs", rows);

describe("dtype mixes", () => {
  it("promote float32 with float64 to float64, and gradients come back in each input's own dtype", () => {
    const a = tensor([1, 2], { requiresGrad: true });
    const b = tensor([3, 4], { dtype: "float64", requiresGrad: true });
    const out = a.mul(b);
    expect(out.dtype).toBe("float64");
    out.sum().backward();
    expect([a.grad!.dtype, b.grad!.dtype]).toEqual(["float32", "float64"]);
    expect(a.grad!.toArray()).toEqual([3, 4]);
  });
});

describe("NaN and Infinity in ordinary arithmetic follow IEEE 754", () => {
  it("pass through without an error (detectAnomaly is the tool that stops at them)", () => {
    expect(tensor([Number.NaN, Infinity, -1]).mul(0).toArray()).toEqual([Number.NaN, Number.NaN, -0]);
    expect(tensor([1, 0]).div(tensor([0, 0])).toArray()).toEqual([Infinity, Number.NaN]);
    expect(() => core.detectAnomaly(() => tensor([1, 0]).div(tensor([0, 0])))).toThrow(core.AnomalyError);
  });
});

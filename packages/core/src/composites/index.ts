export { sub, div, square, minimum } from "./arithmetic.js";
export { sigmoid, leakyRelu, softplus, logSigmoid, silu, gelu } from "./activations.js";
export type { GeluOptions } from "./activations.js";
export { mean, min, logSumExp } from "./reductions.js";
export { softmax, logSoftmax } from "./softmax.js";
export { squeeze, unsqueeze, flatten, permute } from "./shape.js";
export { stack, split } from "./joins.js";
export { indexSelect, clamp } from "./indexing.js";

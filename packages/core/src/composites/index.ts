export { sub, div, square, minimum } from "./arithmetic.js";
export { sigmoid, leakyRelu, softplus } from "./activations.js";
export { mean, min, logSumExp } from "./reductions.js";
export { softmax, logSoftmax } from "./softmax.js";

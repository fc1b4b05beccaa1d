/**
 * @tapegrad/nn: modules (`Module`, `Linear`, `Sequential`, activations, `mlp`), initialisers, losses
 * written as composites of core ops, and safetensors files that move weights to and from PyTorch.
 *
 * @example
 * ```ts
 * import { mlp, softmaxCrossEntropy } from "@tapegrad/nn";
 * const model = mlp([64, 32, 32, 10]);
 * const loss = softmaxCrossEntropy(model.forward(x), y);
 * loss.backward();
 * ```
 * @packageDocumentation
 */
export { Module, type AnyModule, type LoadStateDictOptions } from "./module.js";
export { StateDictError, type StateDict, type LoadResult } from "./stateDict.js";
export { Linear, type LinearOptions } from "./linear.js";
export { Sequential } from "./sequential.js";
export { ModuleList } from "./moduleList.js";
export { ModuleDict } from "./moduleDict.js";
export { ReLU, Sigmoid, Tanh, LeakyReLU, Softmax, Identity } from "./activations.js";
export { Conv2d, type Conv2dLayerOptions } from "./conv2d.js";
export { MaxPool2d, AvgPool2d, type PoolLayerOptions } from "./pooling.js";
export { Flatten } from "./flatten.js";
export { GELU, SiLU, Softplus, type SoftplusOptions } from "./smoothActivations.js";
export { LayerNorm, type LayerNormOptions } from "./layerNorm.js";
export { Embedding, type EmbeddingOptions } from "./embedding.js";
export { BatchNorm1d } from "./batchNorm1d.js";
export { BatchNorm2d } from "./batchNorm2d.js";
export type { BatchNorm, BatchNormOptions } from "./batchNorm.js";
export { Dropout, type DropoutOptions } from "./dropout.js";
export { RNN, type RNNOptions } from "./rnn.js";
export { LSTM } from "./lstm.js";
export { GRU } from "./gru.js";
export type { Recurrent, RecurrentOptions } from "./recurrent.js";
export { MultiheadAttention, type MultiheadAttentionOptions, type AttentionCallOptions } from "./multiheadAttention.js";
export type { LayerOptions } from "./layerSupport.js";
export { mlp, type MlpOptions, type ActivationName } from "./mlp.js";
export {
  uniform, normal, xavierUniform, xavierNormal, kaimingUniform, kaimingNormal, pytorchDefault, calculateGain, fans,
  type Init, type InitOptions, type KaimingOptions, type Nonlinearity,
} from "./init.js";
export { squaredError, mseLoss, crossEntropy, binaryCrossEntropy, bceWithLogits } from "./losses.js";
export { softmaxCrossEntropy } from "@tapegrad/core";
export { encodeSafetensors } from "./safetensors/encode.js";
export { decodeSafetensors } from "./safetensors/decode.js";
export { save, load, type SaveOptions } from "./safetensors/io.js";
export { functionalCall } from "./functional.js";
export { clipGradNorm, type ClipGradNormOptions } from "./clipGradNorm.js";

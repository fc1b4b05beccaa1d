import { DTypeError, ShapeError, tensor, ValueError, zeros, type Tensor } from "@tapegrad/core";
import { describeCatalogue, type CatalogueRow } from "../../../test-support/catalogue.js";
import { AvgPool2d, clipGradNorm, MultiheadAttention, BatchNorm1d, BatchNorm2d, Conv2d, Dropout, GRU, LSTM, RNN, Embedding, Flatten, GELU, LayerNorm, Linear, MaxPool2d, Softplus, StateDictError } from "../src/index.js";

/**
 * The layers' bad inputs: a wrong rank, a wrong channel or feature count, ids out of range, masks of the
 * wrong shape, state dicts that do not fit. Each row names the layer and the argument, and carries the shapes.
 */
/** A leaf whose gradient holds an infinity, as an overflowing backward leaves it. */
const infiniteGrad = (): Tensor => {
  const p = zeros([2], { requiresGrad: true });
  p.mul(tensor([Infinity, 1])).sum().backward();
  return p;
};
const mha = (): MultiheadAttention => new MultiheadAttention(4, 2);

const rows: CatalogueRow[] = [
  // Conv2d and the poolings.
  { bad: "Conv2d input of rank 2", call: () => new Conv2d(3, 4, 3).forward(zeros([5, 3])), error: ShapeError, op: "Conv2d", shapes: [[5, 3]], says: "input must be [N, C, H, W] or [C, H, W], got rank 2" },
  { bad: "Conv2d input with the wrong channel count", call: () => new Conv2d(3, 4, 3).forward(zeros([2, 1, 8, 8])), error: ShapeError, op: "Conv2d", shapes: [[2, 1, 8, 8]], says: "inChannels = 3 in dimension 1, got 1" },
  { bad: "Conv2d with a zero kernel", call: () => new Conv2d(3, 4, 0), error: ShapeError, op: "Conv2d", shapes: [[3, 4, 0, 0, 1]], says: "kernelHeight must be a positive integer, got 0" },
  { bad: "Conv2d channels that do not split into groups", call: () => new Conv2d(3, 4, 3, { groups: 2 }), error: ShapeError, op: "Conv2d", shapes: [[3, 4, 2]], says: "must both divide by groups (2)" },
  { bad: "MaxPool2d input of rank 2", call: () => new MaxPool2d(2).forward(zeros([4, 4])), error: ShapeError, op: "MaxPool2d", shapes: [[4, 4]], says: "input must be [N, C, H, W] or [C, H, W], got rank 2" },
  { bad: "AvgPool2d input of rank 5", call: () => new AvgPool2d(2).forward(zeros([1, 1, 1, 4, 4])), error: ShapeError, op: "AvgPool2d", shapes: [[1, 1, 1, 4, 4]], says: "got rank 5" },
  { bad: "Flatten past the input's rank", call: () => new Flatten(2).forward(zeros([3, 4])), error: ShapeError, op: "Flatten", shapes: [[3, 4]], says: "startDim 2 and endDim -1 must be dimensions of the rank-2 input" },
  // Normalisation, activations, embeddings.
  { bad: "LayerNorm input whose last dimension differs", call: () => new LayerNorm(4).forward(zeros([2, 5])), error: ShapeError, op: "LayerNorm", shapes: [[2, 5]], says: "last dimensions must be normalizedShape [4]" },
  { bad: "LayerNorm of a negative size", call: () => new LayerNorm([3, -2]), error: ShapeError, op: "LayerNorm", shapes: [[3, -2]], says: "normalizedShape[1] must be a positive integer, got -2" },
  { bad: "GELU of a non-tensor", call: () => new GELU().forward(3 as never), error: ValueError, op: "GELU", says: "input must be a Tensor (got 3)" },
  { bad: "Softplus with beta 0", call: () => new Softplus({ beta: 0 }), error: ValueError, op: "Softplus", says: "option beta must be a number in" },
  { bad: "Embedding id past the table", call: () => new Embedding(5, 2).forward(tensor([1, 5, 0], { dtype: "int32" })), error: ValueError, op: "Embedding", says: "ids[1] = 5 is out of range [0, 5)" },
  { bad: "Embedding negative id", call: () => new Embedding(5, 2).forward(tensor([-1], { dtype: "int32" })), error: ValueError, op: "Embedding", says: "ids[0] = -1 is out of range [0, 5)" },
  { bad: "Embedding float ids", call: () => new Embedding(5, 2).forward(tensor([1, 2])), error: DTypeError, op: "Embedding", says: "ids must be int32, got float32" },
  { bad: "Embedding paddingIdx past the table", call: () => new Embedding(5, 2, { paddingIdx: 5 }), error: ValueError, op: "Embedding", says: "option paddingIdx must be an integer in [-5, 5) (got 5)" },
  { bad: "BatchNorm1d input with the wrong feature count", call: () => new BatchNorm1d(3).forward(zeros([4, 2])), error: ShapeError, op: "BatchNorm1d", shapes: [[4, 2]], says: "numFeatures = 3 in dimension 1, got 2" },
  { bad: "BatchNorm1d input of rank 4", call: () => new BatchNorm1d(3).forward(zeros([4, 3, 2, 2])), error: ShapeError, op: "BatchNorm1d", shapes: [[4, 3, 2, 2]], says: "input must be [N, C] or [N, C, L], got rank 4" },
  { bad: "BatchNorm2d input of rank 3", call: () => new BatchNorm2d(3).forward(zeros([3, 4, 4])), error: ShapeError, op: "BatchNorm2d", shapes: [[3, 4, 4]], says: "input must be [N, C, H, W], got rank 3" },
  { bad: "BatchNorm1d of one value per channel in eval() without running statistics", call: () => new BatchNorm1d(3, { trackRunningStats: false }).eval().forward(zeros([1, 3])), error: ShapeError, op: "BatchNorm1d", shapes: [[1, 3]], says: "normalising by the batch (eval() with trackRunningStats: false) needs more than one value per channel" },
  { bad: "BatchNorm2d of one value per channel in train()", call: () => new BatchNorm2d(2).forward(zeros([1, 2, 1, 1])), error: ShapeError, op: "BatchNorm2d", shapes: [[1, 2, 1, 1]], says: "more than one value per channel" },
  { bad: "BatchNorm1d momentum above 1", call: () => new BatchNorm1d(2, { momentum: 1.5 }), error: ValueError, op: "BatchNorm1d", says: "option momentum must be a number in [0, 1] (got 1.5)" },
  { bad: "Dropout probability above 1", call: () => new Dropout(1.2), error: ValueError, op: "Dropout", says: "option p must be a number in [0, 1] (got 1.2)" },
  { bad: "strict load of a BatchNorm state dict without its buffers", call: () => new BatchNorm1d(2).loadStateDict({ weight: zeros([2]), bias: zeros([2]) }), error: StateDictError, op: "loadStateDict", says: 'missing keys ["running_mean","running_var","num_batches_tracked"]' },
  { bad: "LSTM input of rank 4", call: () => new LSTM(3, 4).forward(zeros([5, 2, 1, 3])), error: ShapeError, op: "LSTM", shapes: [[5, 2, 1, 3]], says: "input must be [time, batch, inputSize] or unbatched [time, inputSize], got rank 4" },
  { bad: "GRU unbatched input of the wrong width", call: () => new GRU(3, 4).forward(zeros([5, 2])), error: ShapeError, op: "GRU", shapes: [[5, 2]], says: "inputSize = 3 in dimension 1, got 2" },
  { bad: "RNN unbatched input with a batched h0", call: () => new RNN(3, 4).forward(zeros([5, 3]), zeros([1, 1, 4])), error: ShapeError, op: "RNN", shapes: [[1, 1, 4]], says: "h0 must be [numLayers, hiddenSize] = [1, 4] for an unbatched (rank-2) input, got [1, 1, 4]" },
  { bad: "LSTM batched input with an unbatched c0", call: () => new LSTM(3, 4).forward(zeros([5, 2, 3]), [zeros([1, 2, 4]), zeros([1, 4])]), error: ShapeError, op: "LSTM", shapes: [[1, 4]], says: "c0 must be [numLayers, batch, hiddenSize], got rank 2" },
  { bad: "GRU unbatched h0 for the wrong number of layers", call: () => new GRU(3, 4, { numLayers: 2 }).forward(zeros([5, 3]), zeros([1, 4])), error: ShapeError, op: "GRU", shapes: [[1, 4]], says: "h0 must be [numLayers, hiddenSize] = [2, 4] for an unbatched (rank-2) input, got [1, 4]" },
  { bad: "GRU input with the wrong feature count", call: () => new GRU(3, 4, { batchFirst: true }).forward(zeros([2, 5, 6])), error: ShapeError, op: "GRU", shapes: [[2, 5, 6]], says: "inputSize = 3 in dimension 2, got 6" },
  { bad: "LSTM initial cell state for the wrong batch", call: () => new LSTM(3, 4, { numLayers: 2 }).forward(zeros([5, 2, 3]), [zeros([2, 2, 4]), zeros([2, 3, 4])]), error: ShapeError, op: "LSTM", shapes: [[2, 3, 4]], says: "c0 must be [numLayers, batch, hiddenSize] = [2, 2, 4]" },
  { bad: "RNN initial state with one layer too few", call: () => new RNN(3, 4, { numLayers: 2 }).forward(zeros([5, 2, 3]), zeros([1, 2, 4])), error: ShapeError, op: "RNN", shapes: [[1, 2, 4]], says: "h0 must be [numLayers, batch, hiddenSize] = [2, 2, 4]" },
  { bad: "RNN of an unknown nonlinearity", call: () => new RNN(3, 4, { nonlinearity: "gelu" as never }), error: ValueError, op: "RNN", says: 'option nonlinearity must be "tanh" or "relu" (got "gelu")' },
  { bad: "GRU with zero layers", call: () => new GRU(3, 4, { numLayers: 0 }), error: ShapeError, op: "GRU", shapes: [[3, 4, 0]], says: "numLayers must be a positive integer, got 0" },
  { bad: "MultiheadAttention query of the wrong width", call: () => mha().forward(zeros([3, 2, 5]), zeros([3, 2, 4]), zeros([3, 2, 4])), error: ShapeError, op: "MultiheadAttention", shapes: [[3, 2, 5]], says: "query must have embedDim = 4 in dimension 2, got 5" },
  { bad: "MultiheadAttention key and value of different lengths", call: () => mha().forward(zeros([3, 2, 4]), zeros([5, 2, 4]), zeros([4, 2, 4])), error: ShapeError, op: "MultiheadAttention", shapes: [[3, 2, 4], [5, 2, 4], [4, 2, 4]], says: "key and value the sequence length" },
  { bad: "MultiheadAttention key padding mask of the wrong shape", call: () => mha().forward(zeros([3, 2, 4]), zeros([5, 2, 4]), zeros([5, 2, 4]), { keyPaddingMask: zeros([2, 3], { dtype: "int32" }) }), error: ShapeError, op: "MultiheadAttention", shapes: [[2, 3]], says: "keyPaddingMask must be [batch, S] = [2, 5]" },
  { bad: "MultiheadAttention attention mask of the wrong shape", call: () => mha().forward(zeros([3, 2, 4]), zeros([5, 2, 4]), zeros([5, 2, 4]), { attnMask: zeros([5, 3]) }), error: ShapeError, op: "MultiheadAttention", shapes: [[5, 3]], says: "attnMask must be [L, S] = [3, 5] or [batch·numHeads, L, S] = [4, 3, 5]" },
  { bad: "MultiheadAttention int32 mask holding a 2", call: () => mha().forward(zeros([3, 2, 4]), zeros([3, 2, 4]), zeros([3, 2, 4]), { attnMask: tensor([[0, 2, 0], [0, 0, 0], [0, 0, 0]], { dtype: "int32" }) }), error: ValueError, op: "MultiheadAttention", says: "attnMask of int32 must hold only 0 and 1" },
  { bad: "MultiheadAttention key of embedDim's width when kdim differs", call: () => new MultiheadAttention(4, 2, { kdim: 3 }).forward(zeros([3, 2, 4]), zeros([5, 2, 4]), zeros([5, 2, 4])), error: ShapeError, op: "MultiheadAttention", shapes: [[5, 2, 4]], says: "key must have kdim = 3 in dimension 2, got 4" },
  { bad: "MultiheadAttention value of the wrong vdim", call: () => new MultiheadAttention(4, 2, { vdim: 6 }).forward(zeros([3, 2, 4]), zeros([5, 2, 4]), zeros([5, 2, 5])), error: ShapeError, op: "MultiheadAttention", shapes: [[5, 2, 5]], says: "value must have vdim = 6 in dimension 2, got 5" },
  { bad: "MultiheadAttention with a zero kdim", call: () => new MultiheadAttention(4, 2, { kdim: 0 }), error: ShapeError, op: "MultiheadAttention", shapes: [[4, 2, 0, 4]], says: "kdim must be a positive integer, got 0" },
  { bad: "MultiheadAttention dropout above 1", call: () => new MultiheadAttention(4, 2, { dropout: 1.5 }), error: ValueError, op: "MultiheadAttention", says: "option dropout must be a number in [0, 1] (got 1.5)" },
  { bad: "MultiheadAttention with bias_k: masks still name the keys given", call: () => new MultiheadAttention(4, 2, { addBiasKv: true, addZeroAttn: true }).forward(zeros([3, 2, 4]), zeros([5, 2, 4]), zeros([5, 2, 4]), { keyPaddingMask: zeros([2, 7], { dtype: "int32" }) }), error: ShapeError, op: "MultiheadAttention", shapes: [[2, 7]], says: "keyPaddingMask must be [batch, S] = [2, 5]" },
  { bad: "MultiheadAttention heads that do not divide the width", call: () => new MultiheadAttention(6, 4), error: ShapeError, op: "MultiheadAttention", shapes: [[6, 4]], says: "embedDim 6 must divide into numHeads 4 heads" },
  { bad: "clipGradNorm with a negative maxNorm", call: () => clipGradNorm([], -1), error: ValueError, op: "clipGradNorm", says: "maxNorm must be a number >= 0 (got -1)" },
  { bad: "clipGradNorm with a NaN normType", call: () => clipGradNorm([], 1, { normType: Number.NaN }), error: ValueError, op: "clipGradNorm", says: "option normType must be a number or ±Infinity (got NaN)" },
  { bad: "clipGradNorm of one tensor, not an array", call: () => clipGradNorm(zeros([2]) as never, 1), error: ValueError, op: "clipGradNorm", says: "parameters must be an array of Tensors" },
  { bad: "clipGradNorm of a non-finite norm with errorIfNonfinite", call: () => clipGradNorm([infiniteGrad()], 1, { errorIfNonfinite: true }), error: ValueError, op: "clipGradNorm", says: "the total norm of order 2 of the gradients of parameters is Infinity" },
  // State dicts in strict mode.
  { bad: "strict load of a Conv2d state dict missing the bias", call: () => new Conv2d(1, 2, 3).loadStateDict({ weight: zeros([2, 1, 3, 3]) }), error: StateDictError, op: "loadStateDict", says: 'missing keys ["bias"]' },
  { bad: "strict load of a LayerNorm state dict with an extra key", call: () => new LayerNorm(2).loadStateDict({ weight: zeros([2]), bias: zeros([2]), running_mean: zeros([2]) }), error: StateDictError, op: "loadStateDict", says: 'unexpected keys ["running_mean"]' },
  { bad: "non-strict load of a weight of the wrong shape", call: () => new Linear(2, 3).loadStateDict({ weight: zeros([2, 3]) }, { strict: false }), error: StateDictError, op: "loadStateDict", says: '"weight" has shape [2,3], the module expects [3,2]' },
];

describeCatalogue("the layers' catalogue of bad inputs", rows);

import { describe, it } from "vitest";
import { builders } from "./pytorchBuilders.js";
import { replay, type Builder } from "./pytorchCases.js";

// Every case file in fixtures/layers was written by fixtures/make_layers.py with PyTorch 1.13 in float64;
// each is replayed here on the tapegrad layer built from the same constructor arguments.

/** Declares one test per case: the layer must match PyTorch's outputs, gradients and final state. */
function cases(layer: string, names: readonly string[], builder: Builder = builders[layer]!): void {
  describe(`${layer} against PyTorch`, () => {
    it.each(names)("%s", (name) => replay(name, builder));
  });
}

cases("Conv2d", ["conv2d_basic", "conv2d_strided"]);
cases("MaxPool2d", ["maxpool2d_basic", "maxpool2d_padded"]);
cases("AvgPool2d", ["avgpool2d_basic", "avgpool2d_padded"]);
cases("Flatten", ["flatten_default", "flatten_range"]);
cases("GELU", ["gelu_exact", "gelu_tanh"]);
cases("SiLU", ["silu_basic", "silu_wide"]);
cases("Softplus", ["softplus_basic", "softplus_beta"]);
cases("LayerNorm", ["layernorm_affine", "layernorm_2d_plain"]);
cases("Embedding", ["embedding_basic", "embedding_padding"]);
// Three steps in train() (the running statistics checked after them) and one in eval().
cases("BatchNorm1d", ["batchnorm1d_2d", "batchnorm1d_3d"]);
cases("BatchNorm2d", ["batchnorm2d_affine", "batchnorm2d_plain"]);
// trackRunningStats: false (with and without the affine part): the batch's statistics in train() and eval().
cases("BatchNorm1d", ["batchnorm1d_untracked"]);
cases("BatchNorm2d", ["batchnorm2d_untracked_plain"]);
// Two layers, batchFirst both ways, with and without initial states.
cases("RNN", ["rnn_two_layers", "rnn_batch_first_h0"]);
cases("LSTM", ["lstm_two_layers", "lstm_batch_first_states"]);
cases("GRU", ["gru_two_layers", "gru_batch_first_h0"]);
// Unbatched [time, inputSize] sequences with [numLayers, hiddenSize] states (batchFirst has no effect on them).
cases("RNN", ["rnn_unbatched_h0"]);
cases("LSTM", ["lstm_unbatched_states"]);
cases("GRU", ["gru_unbatched"]);
// Self-attention with a boolean key padding mask and causal mask; cross-attention with an additive float
// mask; no weights asked for; weights per head.
cases("MultiheadAttention", ["mha_self_masks", "mha_cross_float_mask", "mha_no_weights", "mha_per_head_weights"]);
// kdim/vdim (separate q_proj_weight, k_proj_weight, v_proj_weight); bias_k/bias_v and the zero position with
// both masks; everything at once with dropout 0.5 in eval(), where it is the identity.
cases("MultiheadAttention", ["mha_kdim_vdim", "mha_bias_kv_zero_attn", "mha_kdim_bias_kv_dropout_eval"]);

import { describe, it } from "vitest";
import type { Tensor } from "@tapegrad/core";
import { AvgPool2d, BatchNorm1d, BatchNorm2d, MultiheadAttention, GRU, LSTM, RNN, type RecurrentOptions, Conv2d, Embedding, Flatten, GELU, LayerNorm, MaxPool2d, SiLU, Softplus, type AnyModule } from "../src/index.js";
import { replay, type Builder, type CaseConfig } from "./pytorchCases.js";

// Every case file in fixtures/layers was written by fixtures/make_layers.py with PyTorch 1.13 in float64;
// each is replayed here on the tapegrad layer built from the same constructor arguments.

type Kw = Record<string, unknown>;
const f64 = { dtype: "float64" } as const;
const num = (v: unknown): number => v as number;
const pair = (v: unknown): number | [number, number] => v as number | [number, number];
/** A PyTorch keyword argument, when it was given. */
const opt = <K extends string>(kw: Kw, from: string, to: K): Partial<Record<K, never>> =>
  (from in kw ? { [to]: kw[from] } : {}) as Partial<Record<K, never>>;

/** A layer called on one tensor that returns one tensor. */
const single = (build: (c: CaseConfig) => AnyModule): Builder => ({
  build,
  call: (m, [x]) => [(m as unknown as { forward(x: Tensor): Tensor }).forward(x!)],
});

const builders: Record<string, Builder> = {
  Conv2d: single(({ args, kwargs: kw }) =>
    new Conv2d(num(args[0]), num(args[1]), pair(args[2]), { ...f64, ...opt(kw, "stride", "stride"), ...opt(kw, "padding", "padding"), ...opt(kw, "dilation", "dilation"), ...opt(kw, "groups", "groups"), ...opt(kw, "bias", "bias") })),
  MaxPool2d: single(({ args, kwargs: kw }) => new MaxPool2d(pair(args[0]), { ...opt(kw, "stride", "stride"), ...opt(kw, "padding", "padding") })),
  AvgPool2d: single(({ args, kwargs: kw }) => new AvgPool2d(pair(args[0]), { ...opt(kw, "stride", "stride"), ...opt(kw, "padding", "padding") })),
  Flatten: single(({ args }) => new Flatten(...(args as number[]))),
  GELU: single(({ kwargs: kw }) => new GELU(opt(kw, "approximate", "approximate"))),
  SiLU: single(() => new SiLU()),
  Softplus: single(({ kwargs: kw }) => new Softplus({ ...opt(kw, "beta", "beta"), ...opt(kw, "threshold", "threshold") })),
  LayerNorm: single(({ args, kwargs: kw }) => new LayerNorm(args[0] as number | number[], { ...f64, ...opt(kw, "eps", "eps"), ...opt(kw, "elementwise_affine", "elementwiseAffine") })),
  BatchNorm1d: single(({ args, kwargs: kw }) => new BatchNorm1d(num(args[0]), { ...f64, ...opt(kw, "eps", "eps"), ...opt(kw, "momentum", "momentum"), ...opt(kw, "affine", "affine") })),
  BatchNorm2d: single(({ args, kwargs: kw }) => new BatchNorm2d(num(args[0]), { ...f64, ...opt(kw, "eps", "eps"), ...opt(kw, "momentum", "momentum"), ...opt(kw, "affine", "affine") })),
  Embedding: single(({ args, kwargs: kw }) => new Embedding(num(args[0]), num(args[1]), { ...f64, ...opt(kw, "padding_idx", "paddingIdx") })),
};

const recurrentOptions = (kw: Kw): RecurrentOptions => ({ ...f64, ...opt(kw, "num_layers", "numLayers"), ...opt(kw, "bias", "bias"), ...opt(kw, "batch_first", "batchFirst") });

/** RNN and GRU: called as forward(x, h0?), returning [output, hN]. */
const withHidden = (build: (c: CaseConfig) => RNN | GRU): Builder => ({
  build,
  call: (m, [x, h0]) => (m as RNN | GRU).forward(x!, h0),
});
builders.RNN = withHidden(({ args, kwargs: kw }) => new RNN(num(args[0]), num(args[1]), recurrentOptions(kw)));
builders.GRU = withHidden(({ args, kwargs: kw }) => new GRU(num(args[0]), num(args[1]), recurrentOptions(kw)));
builders.LSTM = {
  build: ({ args, kwargs: kw }) => new LSTM(num(args[0]), num(args[1]), recurrentOptions(kw)),
  call: (m, [x, h0, c0]) => {
    const [out, [hN, cN]] = (m as LSTM).forward(x!, h0 && c0 ? [h0, c0] : undefined);
    return [out, hN, cN];
  },
};

/** PyTorch's keyword masks name inputs by index; self-attention passes the one input thrice. */
builders.MultiheadAttention = {
  build: ({ args, kwargs: kw }) => new MultiheadAttention(num(args[0]), num(args[1]), { ...f64, ...opt(kw, "bias", "bias"), ...opt(kw, "batch_first", "batchFirst") }),
  call: (m, inputs, call) => {
    const kw = (call.kwargs ?? {}) as Record<string, { input: number } | boolean>;
    const input = (name: string): Tensor | undefined => {
      const v = kw[name];
      return typeof v === "object" ? inputs[v.input] : undefined;
    };
    const [q, k, v] = call.positional_repeat === 3 ? [inputs[0]!, inputs[0]!, inputs[0]!] : [inputs[0]!, inputs[1]!, inputs[2]!];
    const masks = { ...(input("key_padding_mask") && { keyPaddingMask: input("key_padding_mask")! }), ...(input("attn_mask") && { attnMask: input("attn_mask")! }) };
    const [out, weights] = (m as MultiheadAttention).forward(q, k, v, { ...masks, needWeights: kw.need_weights !== false, averageAttnWeights: kw.average_attn_weights !== false });
    return weights === null ? [out] : [out, weights];
  },
};

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
// Two layers, batchFirst both ways, with and without initial states.
cases("RNN", ["rnn_two_layers", "rnn_batch_first_h0"]);
cases("LSTM", ["lstm_two_layers", "lstm_batch_first_states"]);
cases("GRU", ["gru_two_layers", "gru_batch_first_h0"]);
// Self-attention with a boolean key padding mask and causal mask; cross-attention with an additive float
// mask; no weights asked for; weights per head.
cases("MultiheadAttention", ["mha_self_masks", "mha_cross_float_mask", "mha_no_weights", "mha_per_head_weights"]);

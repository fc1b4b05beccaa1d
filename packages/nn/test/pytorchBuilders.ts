import type { Tensor } from "@tapegrad/core";
import {
  AvgPool2d, BatchNorm1d, BatchNorm2d, Conv2d, Embedding, Flatten, GELU, GRU, LayerNorm, LSTM, MaxPool2d, MultiheadAttention, RNN, SiLU, Softplus,
  type AnyModule, type BatchNormOptions, type RecurrentOptions,
} from "../src/index.js";
import type { Builder, CaseConfig } from "./pytorchCases.js";

/**
 * For each PyTorch layer of fixtures/make_layers.py: how to build the tapegrad layer from PyTorch's
 * constructor arguments (in float64) and how to call it as PyTorch was called, outputs flattened in
 * PyTorch's order. Shared by the replay tests and by exportLayers.ts (the round trip into PyTorch).
 */
type Kw = Record<string, unknown>;
const f64 = { dtype: "float64" } as const;
const num = (v: unknown): number => v as number;
const pair = (v: unknown): number | [number, number] => v as number | [number, number];
/** A PyTorch keyword argument, when it was given. */
const opt = <K extends string>(kw: Kw, from: string, to: K): Partial<Record<K, never>> =>
  (from in kw ? { [to]: kw[from] } : {}) as Partial<Record<K, never>>;

const batchNormOptions = (kw: Kw): BatchNormOptions =>
  ({ ...f64, ...opt(kw, "eps", "eps"), ...opt(kw, "momentum", "momentum"), ...opt(kw, "affine", "affine"), ...opt(kw, "track_running_stats", "trackRunningStats") });

/** A layer called on one tensor that returns one tensor. */
const single = (build: (c: CaseConfig) => AnyModule): Builder => ({
  build,
  call: (m, [x]) => [(m as unknown as { forward(x: Tensor): Tensor }).forward(x!)],
});

export const builders: Record<string, Builder> = {
  Conv2d: single(({ args, kwargs: kw }) =>
    new Conv2d(num(args[0]), num(args[1]), pair(args[2]), { ...f64, ...opt(kw, "stride", "stride"), ...opt(kw, "padding", "padding"), ...opt(kw, "dilation", "dilation"), ...opt(kw, "groups", "groups"), ...opt(kw, "bias", "bias") })),
  MaxPool2d: single(({ args, kwargs: kw }) => new MaxPool2d(pair(args[0]), { ...opt(kw, "stride", "stride"), ...opt(kw, "padding", "padding") })),
  AvgPool2d: single(({ args, kwargs: kw }) => new AvgPool2d(pair(args[0]), { ...opt(kw, "stride", "stride"), ...opt(kw, "padding", "padding") })),
  Flatten: single(({ args }) => new Flatten(...(args as number[]))),
  GELU: single(({ kwargs: kw }) => new GELU(opt(kw, "approximate", "approximate"))),
  SiLU: single(() => new SiLU()),
  Softplus: single(({ kwargs: kw }) => new Softplus({ ...opt(kw, "beta", "beta"), ...opt(kw, "threshold", "threshold") })),
  LayerNorm: single(({ args, kwargs: kw }) => new LayerNorm(args[0] as number | number[], { ...f64, ...opt(kw, "eps", "eps"), ...opt(kw, "elementwise_affine", "elementwiseAffine") })),
  BatchNorm1d: single(({ args, kwargs: kw }) => new BatchNorm1d(num(args[0]), batchNormOptions(kw))),
  BatchNorm2d: single(({ args, kwargs: kw }) => new BatchNorm2d(num(args[0]), batchNormOptions(kw))),
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
  build: ({ args, kwargs: kw }) => new MultiheadAttention(num(args[0]), num(args[1]), {
    ...f64, ...opt(kw, "bias", "bias"), ...opt(kw, "batch_first", "batchFirst"), ...opt(kw, "kdim", "kdim"), ...opt(kw, "vdim", "vdim"),
    ...opt(kw, "dropout", "dropout"), ...opt(kw, "add_bias_kv", "addBiasKv"), ...opt(kw, "add_zero_attn", "addZeroAttn"),
  }),
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


import { describe, expect, it } from "vitest";
import { Rng } from "@tapegrad/core";
import { Conv2d, Embedding, GRU, LayerNorm, LSTM, MultiheadAttention, RNN } from "../src/index.js";

// PyTorch's initialisations, checked by their bounds and moments on draws large enough to tell them apart.
const moments = (data: ArrayLike<number>): { mean: number; std: number; max: number } => {
  const xs = Array.from(data);
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const std = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / xs.length);
  return { mean, std, max: Math.max(...xs.map(Math.abs)) };
};

describe("initialisation follows PyTorch's", () => {
  it("Conv2d: weight and bias U(±1/√fanIn) with fanIn = in/groups·kh·kw (kaiming_uniform_ with a = √5)", () => {
    const conv = new Conv2d(8, 16, [3, 2], { groups: 2, rng: new Rng(1) });
    const bound = 1 / Math.sqrt((8 / 2) * 3 * 2);
    expect(conv.weight.shape).toEqual([16, 4, 3, 2]);
    const w = moments(conv.weight.data);
    expect(w.max).toBeLessThanOrEqual(bound);
    expect(w.std).toBeCloseTo(bound / Math.sqrt(3), 2); // the std of U(−b, b) is b/√3
    expect(moments(conv.bias!.data).max).toBeLessThanOrEqual(bound);
  });

  it("Embedding: N(0, 1) with the padding row at zero", () => {
    const emb = new Embedding(400, 10, { paddingIdx: -1, rng: new Rng(2) });
    expect(emb.paddingIdx).toBe(399);
    const w = moments(emb.weight.data.subarray(0, 399 * 10));
    expect(Math.abs(w.mean)).toBeLessThan(0.05);
    expect(w.std).toBeCloseTo(1, 1);
    expect(Array.from(emb.weight.data.subarray(3990))).toEqual(Array(10).fill(0));
  });

  it("LSTM, GRU, RNN: every weight and bias U(±1/√hidden), under PyTorch's names and shapes", () => {
    const lstm = new LSTM(5, 16, { numLayers: 2, rng: new Rng(3) });
    expect(lstm.namedParameters().map(([n, p]) => [n, p.shape])).toEqual([
      ["weight_ih_l0", [64, 5]], ["weight_hh_l0", [64, 16]], ["bias_ih_l0", [64]], ["bias_hh_l0", [64]],
      ["weight_ih_l1", [64, 16]], ["weight_hh_l1", [64, 16]], ["bias_ih_l1", [64]], ["bias_hh_l1", [64]],
    ]);
    const all = lstm.parameters().flatMap((p) => Array.from(p.data));
    expect(moments(all).max).toBeLessThanOrEqual(0.25);
    expect(moments(all).std).toBeCloseTo(0.25 / Math.sqrt(3), 2);
    expect(new GRU(2, 3).stateDict().weight_ih_l0!.shape).toEqual([9, 2]);
    expect(new RNN(2, 3, { bias: false }).namedParameters().map(([n]) => n)).toEqual(["weight_ih_l0", "weight_hh_l0"]);
  });

  it("MultiheadAttention: in_proj_weight Xavier-uniform, in_proj_bias and out_proj.bias zero", () => {
    const mha = new MultiheadAttention(32, 4, { rng: new Rng(4) });
    expect(Object.keys(mha.stateDict())).toEqual(["in_proj_weight", "in_proj_bias", "out_proj.weight", "out_proj.bias"]);
    const bound = Math.sqrt(6 / (32 + 96));
    expect(moments(mha.in_proj_weight!.data).max).toBeLessThanOrEqual(bound);
    expect(moments(mha.in_proj_weight!.data).std).toBeCloseTo(bound / Math.sqrt(3), 2);
    expect(moments(mha.in_proj_bias!.data).max).toBe(0);
    expect(moments(mha.out_proj.bias!.data).max).toBe(0);
    expect(moments(mha.out_proj.weight.data).max).toBeLessThanOrEqual(1 / Math.sqrt(32));
  });

  it("LayerNorm: weight ones, bias zeros", () => {
    const ln = new LayerNorm([2, 3]);
    expect(Array.from(ln.weight!.data)).toEqual(Array(6).fill(1));
    expect(Array.from(ln.bias!.data)).toEqual(Array(6).fill(0));
  });
});

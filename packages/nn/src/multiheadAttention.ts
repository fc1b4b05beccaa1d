import { broadcastTo, concat, matmul, ShapeError, split, zeros, type Rng, type Tensor } from "@tapegrad/core";
import { attnMaskAddend, keyPaddingAddend, type MaskShape } from "./attentionMasks.js";
import { dropout } from "./dropout.js";
import { xavierNormal, xavierUniform } from "./init.js";
import { checkDim, checkInput, checkRange, checkSizes, layerDType, parameter, type LayerOptions } from "./layerSupport.js";
import { Linear } from "./linear.js";
import { Module } from "./module.js";

const LAYER = "MultiheadAttention";

/** Options of `MultiheadAttention`'s constructor, as PyTorch's keyword arguments. */
export interface MultiheadAttentionOptions extends LayerOptions {
  /** Biases in the input and output projections; true by default. */
  bias?: boolean;
  /** Inputs and outputs `[batch, seq, embed]` instead of `[seq, batch, embed]`; false by default. */
  batchFirst?: boolean;
  /** Dropout probability on the attention weights in train() (masks from `rng` or core's default generator); 0 by default. */
  dropout?: number;
  /** Width of the key; embedDim by default. Another width gives separate `q_proj_weight`, `k_proj_weight`, `v_proj_weight`. */
  kdim?: number;
  /** Width of the value; embedDim by default. */
  vdim?: number;
  /** Learn `bias_k` and `bias_v` `[1, 1, embedDim]`, appended to the projected keys and values as one more position; false by default. */
  addBiasKv?: boolean;
  /** Append one more all-zero key and value position after the projections; false by default. */
  addZeroAttn?: boolean;
}

/** Options of `MultiheadAttention.forward`. */
export interface AttentionCallOptions {
  /** `[batch, S]`: 1 where a key is padding (never attended to), as PyTorch's boolean `True`; a float mask that is not 0/1 is added. */
  keyPaddingMask?: Tensor;
  /** `[L, S]` or `[batch·numHeads, L, S]`: 1 (masked) / 0 as int32 or float, or any other float values, added to the scores. */
  attnMask?: Tensor;
  /** Return the attention weights; true by default. */
  needWeights?: boolean;
  /** Average the returned weights over the heads (`[batch, L, S]`) rather than per head (`[batch, heads, L, S]`); true by default. */
  averageAttnWeights?: boolean;
}

/**
 * Multi-head scaled dot-product attention, as `torch.nn.MultiheadAttention`: the query, key and value are
 * projected (by the rows of `in_proj_weight` `[3E, E]` when key and value are E wide, else by
 * `q_proj_weight` `[E, E]`, `k_proj_weight` `[E, kdim]`, `v_proj_weight` `[E, vdim]`; Xavier-uniform) plus
 * `in_proj_bias` `[3E]` (zeros); `bias_k`/`bias_v` (`addBiasKv`) and a zero position (`addZeroAttn`) are
 * appended to the keys and values, unmasked; then per head softmax(QKᵀ/√d + masks), dropout in train(),
 * times V, and `out_proj` (a Linear, its bias zeroed as PyTorch does). `forward(query, key, value, options)`
 * returns `[output, weights | null]`; the weights are those V was multiplied by (after dropout, as PyTorch).
 * @example
 * ```ts
 * const mha = new MultiheadAttention(16, 4, { batchFirst: true });
 * const x = randn([2, 5, 16]);
 * const [out, weights] = mha.forward(x, x, x, { keyPaddingMask: tensor([[0, 0, 0, 1, 1], [0, 0, 0, 0, 0]], { dtype: "int32" }) });
 * out.shape; weights!.shape; // [2, 5, 16], [2, 5, 5]
 * const cross = new MultiheadAttention(8, 2, { kdim: 3, vdim: 5, addBiasKv: true, dropout: 0.1 });
 * cross.forward(randn([4, 2, 8]), randn([6, 2, 3]), randn([6, 2, 5]))[1]!.shape; // [2, 4, 7]: 6 keys and bias_k
 * ```
 */
export class MultiheadAttention extends Module<[query: Tensor, key: Tensor, value: Tensor, options?: AttentionCallOptions], [output: Tensor, weights: Tensor | null]> {
  /** `[3·embedDim, embedDim]`: the query, key and value projections stacked, as PyTorch's; null when kdim or vdim differ from embedDim. */
  in_proj_weight: Tensor | null;
  /** `[embedDim, embedDim]`, only when kdim or vdim differ from embedDim (else null). */
  q_proj_weight: Tensor | null;
  /** `[embedDim, kdim]`, only when kdim or vdim differ from embedDim (else null). */
  k_proj_weight: Tensor | null;
  /** `[embedDim, vdim]`, only when kdim or vdim differ from embedDim (else null). */
  v_proj_weight: Tensor | null;
  /** `[3·embedDim]`, or null without biases. */
  in_proj_bias: Tensor | null;
  /** `[1, 1, embedDim]` with `addBiasKv`, else null. */
  bias_k: Tensor | null;
  /** `[1, 1, embedDim]` with `addBiasKv`, else null. */
  bias_v: Tensor | null;
  /** The output projection, `out_proj.weight` and `out_proj.bias` in the state dict. */
  readonly out_proj: Linear;
  readonly headDim: number;
  readonly batchFirst: boolean;
  readonly dropout: number;
  readonly kdim: number;
  readonly vdim: number;
  readonly addZeroAttn: boolean;
  readonly #rng: Rng | undefined;

  constructor(readonly embedDim: number, readonly numHeads: number, options: MultiheadAttentionOptions = {}) {
    super();
    this.kdim = options.kdim ?? embedDim;
    this.vdim = options.vdim ?? embedDim;
    checkSizes(LAYER, { embedDim, numHeads, kdim: this.kdim, vdim: this.vdim });
    if (embedDim % numHeads !== 0) throw new ShapeError(LAYER, `embedDim ${embedDim} must divide into numHeads ${numHeads} heads`, [[embedDim, numHeads]]);
    this.dropout = options.dropout ?? 0;
    checkRange(LAYER, "dropout", this.dropout, 0, 1);
    this.headDim = embedDim / numHeads;
    this.batchFirst = options.batchFirst ?? false;
    this.addZeroAttn = options.addZeroAttn ?? false;
    this.#rng = options.rng;
    const dtype = layerDType(LAYER, options);
    const bias = options.bias ?? true;
    const separate = this.kdim !== embedDim || this.vdim !== embedDim;
    const proj = (width: number): Tensor => parameter(xavierUniform(), [embedDim, width], options, dtype);
    this.in_proj_weight = separate ? null : parameter(xavierUniform(), [3 * embedDim, embedDim], options, dtype);
    this.q_proj_weight = separate ? proj(embedDim) : null;
    this.k_proj_weight = separate ? proj(this.kdim) : null;
    this.v_proj_weight = separate ? proj(this.vdim) : null;
    this.in_proj_bias = bias ? zeros([3 * embedDim], { dtype, requiresGrad: true }) : null;
    const { rng } = options;
    this.out_proj = new Linear(embedDim, embedDim, { bias, dtype, ...(rng !== undefined && { rng }) });
    if (this.out_proj.bias !== null) this.out_proj.bias.data.fill(0);
    const kv = options.addBiasKv ?? false;
    this.bias_k = kv ? parameter(xavierNormal(), [1, 1, embedDim], options, dtype) : null;
    this.bias_v = kv ? parameter(xavierNormal(), [1, 1, embedDim], options, dtype) : null;
  }

  forward(query: Tensor, key: Tensor, value: Tensor, options: AttentionCallOptions = {}): [output: Tensor, weights: Tensor | null] {
    const [q, k, v] = this.#checkInputs(query, key, value);
    const [B, L, S, E, h, d] = [q.shape[0]!, q.shape[1]!, k.shape[1]!, this.embedDim, this.numHeads, this.headDim];
    const [wq, wk, wv] = this.#projectionWeights();
    const biases = this.in_proj_bias === null ? [null, null, null] : split(this.in_proj_bias, [E, E, E], 0);
    const project = (x: Tensor, w: Tensor, b: Tensor | null | undefined): Tensor => {
      const p = matmul(x, w, { transposeB: true });
      return b ? p.add(b) : p;
    };
    const keys = this.#extend(project(k, wk, biases[1]), this.bias_k);
    const values = this.#extend(project(v, wv, biases[2]), this.bias_v);
    const T = keys.shape[1]!; // S plus the appended positions
    // [B, T, E] -> [B, h, T, d]: each head reads its own d columns of the projection.
    const heads = (x: Tensor, n: number): Tensor => x.reshape([B, n, h, d]).permute([0, 2, 1, 3]);
    const Q = heads(project(q, wq, biases[0]), L).mul(1 / Math.sqrt(d));
    let scores = matmul(Q, heads(keys, T), { transposeB: true }); // [B, h, L, T]
    const shape: MaskShape = { layer: LAYER, batch: B, heads: h, L, S, extra: T - S, dtype: this.out_proj.weight.dtype };
    if (options.attnMask !== undefined) scores = scores.add(attnMaskAddend(options.attnMask, shape));
    if (options.keyPaddingMask !== undefined) scores = scores.add(keyPaddingAddend(options.keyPaddingMask, shape));
    const softmax = scores.softmax(-1);
    const weights = this.training ? dropout(softmax, this.dropout, this.#rng) : softmax;
    const out = matmul(weights, heads(values, T)).permute([0, 2, 1, 3]).reshape([B, L, E]);
    const projected = this.out_proj.forward(out);
    const returned = options.needWeights === false ? null : options.averageAttnWeights === false ? weights : weights.mean(1);
    return [this.batchFirst ? projected : projected.permute([1, 0, 2]), returned];
  }

  /** The query, key and value projection weights, split from `in_proj_weight` or separate. */
  #projectionWeights(): [Tensor, Tensor, Tensor] {
    if (this.in_proj_weight !== null) return split(this.in_proj_weight, [this.embedDim, this.embedDim, this.embedDim], 0) as [Tensor, Tensor, Tensor];
    return [this.q_proj_weight!, this.k_proj_weight!, this.v_proj_weight!];
  }

  /** Appends `bias` (`[1, 1, E]`, one position for every batch) and then a zero position, as the options ask, to `[B, S, E]`. */
  #extend(x: Tensor, bias: Tensor | null): Tensor {
    const [B, , E] = x.shape as [number, number, number];
    const parts = [x];
    if (bias !== null) parts.push(broadcastTo(bias, [B, 1, E]));
    if (this.addZeroAttn) parts.push(zeros([B, 1, E], { dtype: x.dtype }));
    return parts.length === 1 ? x : concat(parts, 1);
  }

  /** Checks query `[L, B, E]`, key `[S, B, kdim]` and value `[S, B, vdim]` (batch first if so built) and returns them batch-first. */
  #checkInputs(query: Tensor, key: Tensor, value: Tensor): [Tensor, Tensor, Tensor] {
    const layout = this.batchFirst ? "[batch, seq, features]" : "[seq, batch, features]";
    const xs = [["query", query, this.embedDim, "embedDim"], ["key", key, this.kdim, "kdim"], ["value", value, this.vdim, "vdim"]] as const;
    for (const [name, x, width, what] of xs) {
      checkInput(LAYER, name, x, [3], layout);
      checkDim(LAYER, name, x, 2, width, what);
    }
    const b = this.batchFirst ? 0 : 1;
    if (key.shape[b] !== query.shape[b] || value.shape[b] !== query.shape[b] || key.shape[1 - b] !== value.shape[1 - b]) {
      throw new ShapeError(LAYER, `query, key and value must share the batch size, and key and value the sequence length`, [query.shape, key.shape, value.shape]);
    }
    return this.batchFirst ? [query, key, value] : [query.permute([1, 0, 2]), key.permute([1, 0, 2]), value.permute([1, 0, 2])];
  }
}

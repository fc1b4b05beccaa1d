import { DTypeError, matmul, ShapeError, split, ValueError, where, zeros, type Tensor } from "@tapegrad/core";
import { xavierUniform } from "./init.js";
import { checkDim, checkInput, checkSizes, layerDType, parameter, type LayerOptions } from "./layerSupport.js";
import { Linear } from "./linear.js";
import { Module } from "./module.js";

const LAYER = "MultiheadAttention";

/** Options of `MultiheadAttention`'s constructor. */
export interface MultiheadAttentionOptions extends LayerOptions {
  /** Biases in the input and output projections; true by default. */
  bias?: boolean;
  /** Inputs and outputs `[batch, seq, embed]` instead of `[seq, batch, embed]`; false by default. */
  batchFirst?: boolean;
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
 * Multi-head scaled dot-product attention, as `torch.nn.MultiheadAttention` (key and value of the query's
 * width, no dropout): the query, key and value are projected by the rows of `in_proj_weight` `[3E, E]`
 * (Xavier-uniform) and `in_proj_bias` `[3E]` (zeros), split into heads, softmax(QKᵀ/√d + masks)·V per
 * head, then `out_proj` (a Linear, its bias zeroed as PyTorch does). `forward(query, key, value, options)`
 * returns `[output, weights | null]`.
 * @example
 * ```ts
 * const mha = new MultiheadAttention(16, 4, { batchFirst: true });
 * const x = randn([2, 5, 16]);
 * const [out, weights] = mha.forward(x, x, x, { keyPaddingMask: tensor([[0, 0, 0, 1, 1], [0, 0, 0, 0, 0]], { dtype: "int32" }) });
 * out.shape; weights!.shape; // [2, 5, 16], [2, 5, 5]
 * ```
 */
export class MultiheadAttention extends Module<[query: Tensor, key: Tensor, value: Tensor, options?: AttentionCallOptions], [output: Tensor, weights: Tensor | null]> {
  /** `[3·embedDim, embedDim]`: the query, key and value projections stacked, as PyTorch's. */
  in_proj_weight: Tensor;
  /** `[3·embedDim]`, or null without biases. */
  in_proj_bias: Tensor | null;
  /** The output projection, `out_proj.weight` and `out_proj.bias` in the state dict. */
  readonly out_proj: Linear;
  readonly headDim: number;
  readonly batchFirst: boolean;

  constructor(readonly embedDim: number, readonly numHeads: number, options: MultiheadAttentionOptions = {}) {
    super();
    checkSizes(LAYER, { embedDim, numHeads });
    if (embedDim % numHeads !== 0) throw new ShapeError(LAYER, `embedDim ${embedDim} must divide into numHeads ${numHeads} heads`, [[embedDim, numHeads]]);
    this.headDim = embedDim / numHeads;
    this.batchFirst = options.batchFirst ?? false;
    const dtype = layerDType(LAYER, options);
    const bias = options.bias ?? true;
    this.in_proj_weight = parameter(xavierUniform(), [3 * embedDim, embedDim], options, dtype);
    this.in_proj_bias = bias ? zeros([3 * embedDim], { dtype, requiresGrad: true }) : null;
    const { rng } = options;
    this.out_proj = new Linear(embedDim, embedDim, { bias, dtype, ...(rng !== undefined && { rng }) });
    if (this.out_proj.bias !== null) this.out_proj.bias.data.fill(0);
  }

  forward(query: Tensor, key: Tensor, value: Tensor, options: AttentionCallOptions = {}): [output: Tensor, weights: Tensor | null] {
    const [q, k, v] = this.#checkInputs(query, key, value);
    const [B, L, S, E, h, d] = [q.shape[0]!, q.shape[1]!, k.shape[1]!, this.embedDim, this.numHeads, this.headDim];
    const [wq, wk, wv] = split(this.in_proj_weight, [E, E, E], 0) as [Tensor, Tensor, Tensor];
    const biases = this.in_proj_bias === null ? [null, null, null] : split(this.in_proj_bias, [E, E, E], 0);
    // [B, T, E] -> [B, h, T, d]: each head reads its own d columns of the projection.
    const heads = (x: Tensor, w: Tensor, b: Tensor | null | undefined, T: number): Tensor => {
      const p = matmul(x, w, { transposeB: true });
      return (b ? p.add(b) : p).reshape([B, T, h, d]).permute([0, 2, 1, 3]);
    };
    const Q = heads(q, wq, biases[0], L).mul(1 / Math.sqrt(d));
    let scores = matmul(Q, heads(k, wk, biases[1], S), { transposeB: true }); // [B, h, L, S]
    if (options.attnMask !== undefined) scores = scores.add(this.#attnMask(options.attnMask, B, L, S));
    if (options.keyPaddingMask !== undefined) scores = scores.add(this.#keyPaddingMask(options.keyPaddingMask, B, S));
    const weights = scores.softmax(-1);
    const out = matmul(weights, heads(v, wv, biases[2], S)).permute([0, 2, 1, 3]).reshape([B, L, E]);
    const projected = this.out_proj.forward(out);
    const returned = options.needWeights === false ? null : options.averageAttnWeights === false ? weights : weights.mean(1);
    return [this.batchFirst ? projected : projected.permute([1, 0, 2]), returned];
  }

  /** Checks query `[L, B, E]`, key and value `[S, B, E]` (batch first if so built) and returns them batch-first. */
  #checkInputs(query: Tensor, key: Tensor, value: Tensor): [Tensor, Tensor, Tensor] {
    const layout = this.batchFirst ? "[batch, seq, embedDim]" : "[seq, batch, embedDim]";
    const xs = [["query", query], ["key", key], ["value", value]] as const;
    for (const [name, x] of xs) {
      checkInput(LAYER, name, x, [3], layout);
      checkDim(LAYER, name, x, 2, this.embedDim, "embedDim");
    }
    const b = this.batchFirst ? 0 : 1;
    if (key.shape[b] !== query.shape[b] || value.shape[b] !== query.shape[b] || key.shape[1 - b] !== value.shape[1 - b]) {
      throw new ShapeError(LAYER, `query, key and value must share the batch size, and key and value the sequence length`, [query.shape, key.shape, value.shape]);
    }
    return this.batchFirst ? [query, key, value] : [query.permute([1, 0, 2]), key.permute([1, 0, 2]), value.permute([1, 0, 2])];
  }

  /** The attention mask as a float addend `[B, h, L, S]` or `[L, S]`. */
  #attnMask(mask: Tensor, B: number, L: number, S: number): Tensor {
    const two = [L, S];
    const three = [B * this.numHeads, L, S];
    const ok = (want: number[]): boolean => mask.shape.length === want.length && mask.shape.every((s, i) => s === want[i]);
    if (!ok(two) && !ok(three)) throw new ShapeError(LAYER, `attnMask must be [L, S] = [${two.join(", ")}] or [batch·numHeads, L, S] = [${three.join(", ")}]`, [mask.shape]);
    const addend = this.#addend("attnMask", mask);
    return mask.shape.length === 2 ? addend : addend.reshape([B, this.numHeads, L, S]);
  }

  /** The key padding mask as a float addend `[B, 1, 1, S]`. */
  #keyPaddingMask(mask: Tensor, B: number, S: number): Tensor {
    if (mask.shape.length !== 2 || mask.shape[0] !== B || mask.shape[1] !== S) throw new ShapeError(LAYER, `keyPaddingMask must be [batch, S] = [${B}, ${S}]`, [mask.shape]);
    return this.#addend("keyPaddingMask", mask).reshape([B, 1, 1, S]);
  }

  /** A 0/1 mask (int32, or float holding only 0 and 1) becomes −∞ where 1; other float masks are added as they are. */
  #addend(name: string, mask: Tensor): Tensor {
    if (!(mask.dtype === "int32" || mask.dtype === "float32" || mask.dtype === "float64")) throw new DTypeError(LAYER, `${name} must be int32 or float, got ${String(mask.dtype)}`);
    const boolean = mask.dtype === "int32" || mask.data.every((x) => x === 0 || x === 1);
    if (!boolean) return mask;
    if (mask.dtype === "int32" && !mask.data.every((x) => x === 0 || x === 1)) throw new ValueError(LAYER, `${name} of int32 must hold only 0 and 1`);
    const dtype = this.in_proj_weight.dtype;
    return where(mask.ne(0), zeros([], { dtype }).add(-Infinity), zeros([], { dtype }));
  }
}

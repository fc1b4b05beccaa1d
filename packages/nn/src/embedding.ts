import { DTypeError, stopGradient, valueCheck, ValueError, where, type Tensor } from "@tapegrad/core";
import { normal } from "./init.js";
import { checkSizes, checkTensor, layerDType, parameter, type LayerOptions } from "./layerSupport.js";
import { Module } from "./module.js";

/** Options of `Embedding`. */
export interface EmbeddingOptions extends LayerOptions {
  /** An id whose row starts at zero and never receives a gradient (padding), as PyTorch's `padding_idx`. */
  paddingIdx?: number;
}

/**
 * A lookup table: row `id` of `weight` `[numEmbeddings, embeddingDim]` for each int32 id, as
 * `torch.nn.Embedding`; ids of any shape give `[...ids.shape, embeddingDim]`. The weight starts N(0, 1)
 * (the padding row at zero); the gradient reaches only the rows looked up (and never the padding row).
 * @example
 * ```ts
 * const emb = new Embedding(10, 3, { paddingIdx: 0, rng: new Rng(0) });
 * emb.forward(tensor([[1, 0, 4]], { dtype: "int32" })).shape; // [1, 3, 3]
 * ```
 */
export class Embedding extends Module {
  /** `[numEmbeddings, embeddingDim]`. */
  readonly weight: Tensor;
  readonly paddingIdx: number | null;

  constructor(readonly numEmbeddings: number, readonly embeddingDim: number, options: EmbeddingOptions = {}) {
    super();
    checkSizes("Embedding", { numEmbeddings, embeddingDim });
    const pad = options.paddingIdx;
    if (pad !== undefined && !(Number.isInteger(pad) && pad >= -numEmbeddings && pad < numEmbeddings)) {
      throw new ValueError("Embedding", `option paddingIdx must be an integer in [${-numEmbeddings}, ${numEmbeddings}) (got ${String(pad)})`);
    }
    this.paddingIdx = pad === undefined ? null : pad < 0 ? pad + numEmbeddings : pad;
    this.weight = parameter(normal(0, 1), [numEmbeddings, embeddingDim], options, layerDType("Embedding", options));
    if (this.paddingIdx !== null) this.weight.data.fill(0, this.paddingIdx * embeddingDim, (this.paddingIdx + 1) * embeddingDim);
  }

  forward(ids: Tensor): Tensor {
    if (checkTensor("Embedding", "ids", ids).dtype !== "int32") throw new DTypeError("Embedding", `ids must be int32, got ${ids.dtype}`);
    // A check of the ids, not a computation from them: under jit it runs on the traced call.
    const bad = valueCheck(() => ids.data.findIndex((id) => !(id >= 0 && id < this.numEmbeddings)));
    if (bad >= 0) throw new ValueError("Embedding", `ids[${bad}] = ${valueCheck(() => ids.data[bad])} is out of range [0, ${this.numEmbeddings})`);
    const flat = ids.reshape([ids.size]);
    let rows = this.weight.indexSelect(0, flat);
    if (this.paddingIdx !== null) {
      // The padding row's value is used but its gradient is dropped, as in PyTorch.
      rows = where(flat.eq(this.paddingIdx).reshape([flat.shape[0]!, 1]), stopGradient(rows), rows);
    }
    return rows.reshape([...ids.shape, this.embeddingDim]);
  }
}

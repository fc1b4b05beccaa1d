import { Rng, type DType, type Tensor } from "@tapegrad/core";
import { Conv2d, Flatten, LayerNorm, Linear, LSTM, MaxPool2d, Module, MultiheadAttention, ReLU, Sequential } from "@tapegrad/nn";

/**
 * The demo's three models of the 8×8 digits beyond the MLP. Each takes the flattened images `[batch, 64]`
 * (pixels scaled to [0, 1]) as the data loader hands them out and returns logits `[batch, 10]`.
 */

/**
 * A small CNN: two 3×3 convolutions (16 and 32 channels, "same" padding) with ReLU and 2×2 max pooling,
 * then a linear layer from the 32×2×2 features to the 10 classes.
 * @example
 * ```ts
 * new DigitsCnn(new Rng(0)).forward(zeros([5, 64])).shape; // [5, 10]
 * ```
 */
export class DigitsCnn extends Module {
  readonly features: Sequential;
  readonly head: Linear;
  /** @param dtype of the parameters: float32 for the demo, float64 where it is checked against PyTorch. */
  constructor(rng: Rng, dtype: DType = "float32") {
    super();
    this.features = new Sequential(
      new Conv2d(1, 16, 3, { padding: 1, rng, dtype }), new ReLU(), new MaxPool2d(2),
      new Conv2d(16, 32, 3, { padding: 1, rng, dtype }), new ReLU(), new MaxPool2d(2),
      new Flatten(),
    );
    this.head = new Linear(32 * 2 * 2, 10, { rng, dtype });
  }
  forward(x: Tensor): Tensor {
    return this.head.forward(this.features.forward(x.reshape([x.shape[0]!, 1, 8, 8])));
  }
  /** The first convolution, whose filters the demo draws. */
  get firstConv(): Conv2d {
    return this.features.layers[0] as Conv2d;
  }
}

/**
 * Each image's 8 rows as 8 time steps of 8 pixels into an LSTM; the last hidden state goes to a linear
 * layer.
 * @example
 * ```ts
 * new DigitsLstm(new Rng(0)).forward(zeros([5, 64])).shape; // [5, 10]
 * ```
 */
export class DigitsLstm extends Module {
  readonly lstm: LSTM;
  readonly head: Linear;
  constructor(rng: Rng, hidden = 64) {
    super();
    this.lstm = new LSTM(8, hidden, { batchFirst: true, rng });
    this.head = new Linear(hidden, 10, { rng });
  }
  forward(x: Tensor): Tensor {
    const [, [hN]] = this.lstm.forward(x.reshape([x.shape[0]!, 8, 8]));
    return this.head.forward(hN.reshape([x.shape[0]!, this.lstm.hiddenSize]));
  }
}

/**
 * Each image's 8 rows as 8 tokens: a linear embedding plus a learned position per row, one pre-norm
 * attention block (LayerNorm, MultiheadAttention, residual), a final LayerNorm, the mean over tokens and a
 * linear layer to the classes.
 * @example
 * ```ts
 * new DigitsAttention(new Rng(0)).forward(zeros([5, 64])).shape; // [5, 10]
 * ```
 */
export class DigitsAttention extends Module {
  readonly embed: Linear;
  readonly positions: Tensor;
  readonly norm1: LayerNorm;
  readonly attention: MultiheadAttention;
  readonly norm2: LayerNorm;
  readonly head: Linear;
  constructor(rng: Rng, width = 64, heads = 4) {
    super();
    this.embed = new Linear(8, width, { rng });
    this.positions = new Linear(width, 8, { rng }).weight; // [8, width], small uniform values, trained
    this.norm1 = new LayerNorm(width);
    this.attention = new MultiheadAttention(width, heads, { batchFirst: true, rng });
    this.norm2 = new LayerNorm(width);
    this.head = new Linear(width, 10, { rng });
  }
  /** The tokens after the attention block, `[batch, 8, width]`, and the attention weights `[batch, 8, 8]`. */
  encode(x: Tensor): [Tensor, Tensor] {
    const tokens = this.embed.forward(x.reshape([x.shape[0]!, 8, 8])).add(this.positions);
    const h = this.norm1.forward(tokens);
    const [attended, weights] = this.attention.forward(h, h, h);
    return [this.norm2.forward(tokens.add(attended)), weights!];
  }
  forward(x: Tensor): Tensor {
    return this.head.forward(this.encode(x)[0].mean(1));
  }
}

import { matmul, ShapeError, split, stack, zeros, type DType, type Tensor } from "@tapegrad/core";
import { uniform } from "./init.js";
import { checkDim, checkInput, checkSizes, layerDType, parameter, type LayerOptions } from "./layerSupport.js";
import { Module } from "./module.js";

/** Options of `RNN`, `LSTM` and `GRU`, as PyTorch's. */
export interface RecurrentOptions extends LayerOptions {
  /** Layers stacked, each reading the sequence of hidden states of the one below; 1 by default. */
  numLayers?: number;
  /** Add the biases `bias_ih_l{k}` and `bias_hh_l{k}`; true by default. */
  bias?: boolean;
  /** Inputs and outputs `[batch, time, features]` instead of `[time, batch, features]`; false by default. */
  batchFirst?: boolean;
}

/**
 * What RNN, LSTM and GRU share: PyTorch's parameters `weight_ih_l{k}` `[gates·hidden, in]`,
 * `weight_hh_l{k}` `[gates·hidden, hidden]`, `bias_ih_l{k}` and `bias_hh_l{k}` `[gates·hidden]` (gates
 * stacked in PyTorch's order), all drawn U(±1/√hidden) as PyTorch does, and the loop over layers and time
 * steps. A subclass supplies one step of its cell. States are `[numLayers, batch, hidden]`, or
 * `[numLayers, hidden]` for an unbatched `[time, in]` input.
 * @internal
 */
export abstract class Recurrent<In extends unknown[], Out> extends Module<In, Out> {
  readonly numLayers: number;
  readonly batchFirst: boolean;
  readonly hasBias: boolean;
  protected readonly dtype: DType;

  constructor(
    protected readonly layer: string,
    readonly inputSize: number,
    readonly hiddenSize: number,
    gates: number,
    options: RecurrentOptions,
  ) {
    super();
    this.numLayers = options.numLayers ?? 1;
    checkSizes(layer, { inputSize, hiddenSize, numLayers: this.numLayers });
    this.batchFirst = options.batchFirst ?? false;
    this.hasBias = options.bias ?? true;
    this.dtype = layerDType(layer, options);
    const init = uniform(-1 / Math.sqrt(hiddenSize), 1 / Math.sqrt(hiddenSize));
    for (let l = 0; l < this.numLayers; l++) {
      const shapes: [string, number[]][] = [[`weight_ih_l${l}`, [gates * hiddenSize, l === 0 ? inputSize : hiddenSize]], [`weight_hh_l${l}`, [gates * hiddenSize, hiddenSize]]];
      if (this.hasBias) shapes.push([`bias_ih_l${l}`, [gates * hiddenSize]], [`bias_hh_l${l}`, [gates * hiddenSize]]);
      // Own enumerable fields under PyTorch's names: they are the parameters, and functionalCall can swap them.
      for (const [name, shape] of shapes) Object.defineProperty(this, name, { value: parameter(init, shape, options, this.dtype), enumerable: true, writable: true, configurable: true });
    }
  }

  /** The parameter `weight_ih`, `weight_hh`, `bias_ih` or `bias_hh` of layer `l` (null for an absent bias). */
  protected param(kind: "weight_ih" | "weight_hh" | "bias_ih" | "bias_hh", l: number): Tensor | null {
    return (Reflect.get(this, `${kind}_l${l}`) as Tensor | undefined) ?? null;
  }

  /** h·W_hhᵀ for layer `l`: the hidden state's contribution to the gates, without bias. */
  protected hiddenProduct(h: Tensor, l: number): Tensor {
    return matmul(h, this.param("weight_hh", l)!, { transposeB: true });
  }

  /** b_ih + b_hh of layer `l` (null without biases), added once to each step's gates where the cell allows. */
  protected summedBias(l: number): Tensor | null {
    const [bi, bh] = [this.param("bias_ih", l), this.param("bias_hh", l)];
    return bi === null || bh === null ? null : bi.add(bh);
  }

  /**
   * One time step of layer `l`: `inputProduct` is x_t·W_ihᵀ `[batch, gates·hidden]` (no bias: each cell adds
   * the biases where its equations put them), `state` starts with h, and `layer` is what `prepareLayer`
   * returned for this layer.
   */
  protected abstract step(inputProduct: Tensor, state: readonly Tensor[], l: number, layer: Tensor | null): Tensor[];

  /** What a cell computes once per layer and call rather than once per step (LSTM and RNN: b_ih + b_hh). */
  protected abstract prepareLayer(l: number): Tensor | null;

  /**
   * The whole forward pass: checks the input — `[T, B, in]` (`[B, T, in]` with batchFirst), or unbatched
   * `[T, in]` as PyTorch allows, whose states are then `[numLayers, hidden]` — and the initial states (one per
   * kind, named by `names`; zeros when absent), runs every layer, and returns the output and the final
   * states in the input's layout.
   */
  protected sequence(x: Tensor, states: readonly (Tensor | undefined)[], names: readonly string[]): [Tensor, Tensor[]] {
    const layout = this.batchFirst ? "[batch, time, inputSize] or unbatched [time, inputSize]" : "[time, batch, inputSize] or unbatched [time, inputSize]";
    checkInput(this.layer, "input", x, [2, 3], layout);
    checkDim(this.layer, "input", x, -1, this.inputSize, "inputSize");
    const batched = x.shape.length === 3;
    const b = this.batchFirst ? 0 : 1;
    const input = batched ? x : x.unsqueeze(b);
    const seq = this.batchFirst ? input.permute([1, 0, 2]) : input;
    const initial = states.map((s, k) => this.initial(batched ? s : this.unbatchedState(s, names[k]!), seq.shape[1]!, names[k]!));
    const [output, finals] = this.run(seq, initial);
    return batched ? [output, finals] : [output.squeeze(b), finals.map((f) => f.squeeze(1))];
  }

  /** Checks an unbatched state `[numLayers, hidden]` and gives it a batch of one. */
  private unbatchedState(state: Tensor | undefined, argument: string): Tensor | undefined {
    if (state === undefined) return undefined;
    const got = checkInput(this.layer, argument, state, [2, 3], "[numLayers, hiddenSize]").shape;
    if (got.length !== 2 || got[0] !== this.numLayers || got[1] !== this.hiddenSize) {
      throw new ShapeError(this.layer, `${argument} must be [numLayers, hiddenSize] = [${this.numLayers}, ${this.hiddenSize}] for an unbatched (rank-2) input, got [${got.join(", ")}]`, [got]);
    }
    return state.unsqueeze(1);
  }

  /** Splits an initial state `[numLayers, batch, hidden]` (named `argument`) into one `[batch, hidden]` per layer; zeros when absent. */
  private initial(state: Tensor | undefined, batch: number, argument: string): Tensor[] {
    const shape = [this.numLayers, batch, this.hiddenSize];
    if (state === undefined) return Array.from({ length: this.numLayers }, () => zeros([batch, this.hiddenSize], { dtype: this.dtype }));
    const got = checkInput(this.layer, argument, state, [3], `[numLayers, batch, hiddenSize]`).shape;
    if (got.some((d, i) => d !== shape[i])) throw new ShapeError(this.layer, `${argument} must be [numLayers, batch, hiddenSize] = [${shape.join(", ")}]`, [got]);
    return split(state, Array(this.numLayers).fill(1), 0).map((s) => s.reshape([batch, this.hiddenSize]));
  }

  /**
   * Runs every layer over the whole sequence `x` (time-major) from the initial states (one list of
   * `[batch, hidden]` per kind of state, per layer). Returns the top layer's hidden states (back in the
   * input's layout) and each kind of final state stacked over layers.
   */
  private run(x: Tensor, initial: readonly (readonly Tensor[])[]): [Tensor, Tensor[]] {
    const [time, batch] = [x.shape[0]!, x.shape[1]!];
    // The sequence stays a list of steps between layers: slicing one stacked tensor per step would cost,
    // in the backward pass, a full-size padded gradient for every step.
    let sequence = split(x, Array(time).fill(1), 0).map((s) => s.reshape([batch, s.shape[2]!]));
    const finals: Tensor[][] = initial.map(() => []);
    for (let l = 0; l < this.numLayers; l++) {
      const wih = this.param("weight_ih", l)!;
      const layer = this.prepareLayer(l);
      let state = initial.map((s) => s[l]!);
      sequence = sequence.map((xt) => {
        state = this.step(matmul(xt, wih, { transposeB: true }), state, l, layer);
        return state[0]!;
      });
      state.forEach((s, k) => finals[k]!.push(s));
    }
    const output = stack(sequence, this.batchFirst ? 1 : 0);
    return [output, finals.map((f) => stack(f, 0))];
  }
}

/**
 * σ(x) = (1 + tanh(x/2)) / 2: the logistic function in four recorded ops (core's sigmoid takes about a
 * dozen, to keep tiny values' relative precision), which is what a recurrent cell, calling it on every step,
 * spends most of its time on. The absolute error stays at rounding level.
 * @internal
 */
export const gateSigmoid = (x: Tensor): Tensor => x.mul(0.5).tanh().mul(0.5).add(0.5);

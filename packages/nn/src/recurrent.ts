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
 * steps. A subclass supplies one step of its cell. States are `[numLayers, batch, hidden]`.
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

  /** h·W_hhᵀ + b_hh for layer `l`: the hidden state's contribution to the gates. */
  protected hiddenGates(h: Tensor, l: number): Tensor {
    const g = matmul(h, this.param("weight_hh", l)!, { transposeB: true });
    const b = this.param("bias_hh", l);
    return b === null ? g : g.add(b);
  }

  /** One time step of layer `l`: `inputGates` is x_t·W_ihᵀ + b_ih `[batch, gates·hidden]`; `state` starts with h. */
  protected abstract step(inputGates: Tensor, state: readonly Tensor[], l: number): Tensor[];

  /** Checks the input `[T, B, in]` (or `[B, T, in]`) and returns it time-major. */
  protected timeMajor(x: Tensor): Tensor {
    checkInput(this.layer, "input", x, [3], this.batchFirst ? "[batch, time, inputSize]" : "[time, batch, inputSize]");
    checkDim(this.layer, "input", x, 2, this.inputSize, "inputSize");
    return this.batchFirst ? x.permute([1, 0, 2]) : x;
  }

  /** Splits an initial state `[numLayers, batch, hidden]` (named `argument`) into one `[batch, hidden]` per layer; zeros when absent. */
  protected initial(state: Tensor | undefined, batch: number, argument: string): Tensor[] {
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
  protected run(x: Tensor, initial: readonly (readonly Tensor[])[]): [Tensor, Tensor[]] {
    const [time, batch] = [x.shape[0]!, x.shape[1]!];
    let sequence = x;
    const finals: Tensor[][] = initial.map(() => []);
    for (let l = 0; l < this.numLayers; l++) {
      // The input's contribution to every step at once: one matmul instead of one per step.
      const width = sequence.shape[2]!;
      let inputGates = matmul(sequence.reshape([time * batch, width]), this.param("weight_ih", l)!, { transposeB: true });
      const b = this.param("bias_ih", l);
      if (b !== null) inputGates = inputGates.add(b);
      const steps = split(inputGates.reshape([time, batch, inputGates.shape[1]!]), Array(time).fill(1), 0);
      let state = initial.map((s) => s[l]!);
      const hidden: Tensor[] = [];
      for (const g of steps) {
        state = this.step(g.reshape([batch, g.shape[2]!]), state, l);
        hidden.push(state[0]!);
      }
      state.forEach((s, k) => finals[k]!.push(s));
      sequence = stack(hidden, 0);
    }
    return [this.batchFirst ? sequence.permute([1, 0, 2]) : sequence, finals.map((f) => stack(f, 0))];
  }
}

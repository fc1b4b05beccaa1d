import { Rng, type Tensor } from "@tapegrad/core";
import { mlp, type Module } from "@tapegrad/nn";
import { DigitsAttention, DigitsCnn, DigitsLstm } from "../../demo/src/nnModels.js";

/** A model the tests export, with the width of the flat input it takes. */
export interface TestModel {
  readonly name: string;
  readonly make: (rng: Rng) => Module<[Tensor], Tensor>;
  readonly features: number;
}

/** The lecture's MLP and the demo's CNN, LSTM and attention models (digits: 64 features). */
export const testModels: readonly TestModel[] = [
  { name: "the lecture's MLP 784-256-128-10", make: (rng) => mlp([784, 256, 128, 10], { rng }), features: 784 },
  { name: "the demo CNN", make: (rng) => new DigitsCnn(rng), features: 64 },
  { name: "the demo LSTM", make: (rng) => new DigitsLstm(rng), features: 64 },
  { name: "the demo attention model", make: (rng) => new DigitsAttention(rng), features: 64 },
];

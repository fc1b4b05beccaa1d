import { describe, it } from "vitest";
import fc from "fast-check";
import { gradcheck, Rng, tensor, type Tensor } from "@tapegrad/core";
import {
  bceWithLogits, binaryCrossEntropy, crossEntropy, functionalCall, Identity, LeakyReLU, Linear, mlp, mseLoss, ReLU,
  Sequential, Sigmoid, Softmax, softmaxCrossEntropy, squaredError, Tanh, type Module,
} from "../src/index.js";
import { runs } from "../../../test-support/fuzz.js";

/**
 * The generic property suite (DESIGN §7) for nn: every loss and every layer, as a function of its input
 * and of its parameters, goes through core's `gradcheck` in float64 on shapes drawn by fast-check: JVP
 * against central differences, VJP against JVP, gradient shapes, and second order.
 */

type Draw = { batch: number; width: number; out: number; lead: number[]; shape: number[]; seed: number };
const draws = fc.record({
  batch: fc.integer({ min: 1, max: 4 }),
  width: fc.integer({ min: 1, max: 4 }),
  out: fc.integer({ min: 1, max: 3 }),
  lead: fc.array(fc.integer({ min: 1, max: 3 }), { maxLength: 2 }), // extra batch axes of a layer's input: [], [2], [2, 3], …
  shape: fc.array(fc.integer({ min: 1, max: 3 }), { maxLength: 3 }), // any rank for element-wise losses, scalars included
  seed: fc.integer(),
});
const RUNS = runs(15);

/** A float64 tensor of `shape` with entries drawn by `value`. */
const array = (shape: readonly number[], value: () => number): Tensor =>
  tensor(Float64Array.from({ length: shape.reduce((a, b) => a * b, 1) }, value), { shape });
const matrix = (rows: number, cols: number, value: () => number): Tensor => array([rows, cols], value);

describe("every loss passes gradcheck (first and second order)", () => {
  const losses: [string, (d: Draw, rng: Rng) => [(...xs: Tensor[]) => Tensor, Tensor[]]][] = [
    ["squaredError", ({ shape }, rng) => [squaredError, [array(shape, () => rng.normal()), array(shape, () => rng.normal())]]],
    ["mseLoss", ({ shape }, rng) => [mseLoss, [array(shape, () => rng.normal()), array(shape, () => rng.normal())]]],
    ["crossEntropy (probability rows)", ({ batch, width }, rng) => [crossEntropy, [matrix(batch, width, () => 0.1 + rng.uniform()), matrix(batch, width, () => rng.uniform())]]],
    ["crossEntropy (class indices)", ({ batch, width }, rng) => {
      const labels = tensor(Float64Array.from({ length: batch }, () => rng.int(width)));
      return [(p) => crossEntropy(p, labels), [matrix(batch, width, () => 0.1 + rng.uniform())]];
    }],
    ["softmaxCrossEntropy (class indices)", ({ batch, width }, rng) => {
      const labels = tensor(Float64Array.from({ length: batch }, () => rng.int(width)));
      return [(z) => softmaxCrossEntropy(z, labels), [matrix(batch, width, () => 3 * rng.normal())]];
    }],
    ["binaryCrossEntropy", ({ shape }, rng) => [binaryCrossEntropy, [array(shape, () => 0.05 + 0.9 * rng.uniform()), array(shape, () => rng.uniform())]]],
    ["bceWithLogits", ({ shape }, rng) => [bceWithLogits, [array(shape, () => 4 * rng.normal()), array(shape, () => rng.uniform())]]],
  ];
  it.each(losses)("%s", (name, make) => {
    fc.assert(
      fc.property(draws, (d) => {
        const [f, inputs] = make(d, new Rng(d.seed));
        gradcheck(f, inputs, { secondOrder: true, name });
      }),
      RUNS,
    );
  });
});

/** Checks a module as a function of its input and of all its parameters at once (through functionalCall). */
function checkModule(name: string, module: Module, x: Tensor): void {
  const named = module.namedParameters();
  const f = (input: Tensor, ...params: Tensor[]): Tensor =>
    functionalCall(module, Object.fromEntries(named.map(([n], i) => [n, params[i]!])), input);
  gradcheck(f, [x, ...named.map(([, p]) => p.detach())], { secondOrder: true, name });
}

describe("every layer passes gradcheck in its input and its parameters (first and second order)", () => {
  const layers: [string, (d: Draw, rng: Rng) => Module][] = [
    ["Linear", ({ width, out }, rng) => new Linear(width, out, { dtype: "float64", rng })],
    ["Linear without bias", ({ width, out }, rng) => new Linear(width, out, { dtype: "float64", rng, bias: false })],
    ["ReLU", () => new ReLU()],
    ["Sigmoid", () => new Sigmoid()],
    ["Tanh", () => new Tanh()],
    ["LeakyReLU", () => new LeakyReLU(0.2)],
    ["Softmax", () => new Softmax()],
    ["Identity", () => new Identity()],
    ["Sequential", ({ width, out }, rng) => new Sequential(new Linear(width, 3, { dtype: "float64", rng }), new Tanh(), new Linear(3, out, { dtype: "float64", rng }))],
    ["mlp with softmax output", ({ width, out }, rng) => mlp([width, 3, 3, out], { activation: "sigmoid", output: "softmax", dtype: "float64", rng })],
    ["mlp with ReLU", ({ width, out }, rng) => mlp([width, 4, out], { dtype: "float64", rng })],
  ];
  it.each(layers)("%s", (name, make) => {
    fc.assert(
      fc.property(draws, (d) => {
        const rng = new Rng(d.seed);
        checkModule(name, make(d, rng), array([...d.lead, d.width], () => rng.normal()));
      }),
      RUNS,
    );
  });
});

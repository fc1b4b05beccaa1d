import { Rng, softmaxCrossEntropy, Tensor, tensor } from "@tapegrad/core";
import { loadDigits } from "@tapegrad/datasets";
import { mlp, type Module } from "@tapegrad/nn";
import { Adam, SGD } from "@tapegrad/optim";
import { torchCheckpoint } from "@tapegrad/train";
import { DigitsCnn } from "../../src/nnModels.js";

/**
 * The runs that move between tapegrad and PyTorch (see docs/interop.md): the lecture's 784-256-128-10
 * network on seeded random "images" and the demo's digits CNN on the first digits, both with Adam, and
 * the CNN again with SGD and momentum. Each starts from tapegrad's seeded initial weights, which PyTorch
 * receives in `<name>-init.pt`; everything is float64 so the runs can be compared to 1e-10. Shared by the
 * committed-vector test (torchCheckpoints.test.ts) and the live run (scripts/torchInterop.ts).
 */
export interface TorchCase {
  /** File-name stem. */
  readonly name: string;
  /** The architecture the Python side builds. */
  readonly architecture: "mlp" | "cnn";
  /** The model with its seeded initial weights. */
  model(): Module;
  /** One fixed batch: float64 inputs and int32 class labels. */
  data(): { x: Tensor; y: Tensor };
  /** The optimizer, by its torch.optim name, and its options (the others are torch's defaults). */
  readonly optimizer: { readonly name: "Adam" | "SGD"; readonly lr: number; readonly momentum?: number };
}

function digitsCnn(): Module {
  return new DigitsCnn(new Rng(21), "float64");
}

/** The first 64 training digits, pixels scaled to [0, 1]. */
function firstDigits(): { x: Tensor; y: Tensor } {
  const { x, y } = loadDigits().train;
  const rows = 64;
  return {
    x: tensor(Float64Array.from(x.data.subarray(0, rows * 64), (v) => v / 16), { shape: [rows, 64] }),
    y: tensor(Int32Array.from(y.data.subarray(0, rows)), { shape: [rows] }),
  };
}

/** Steps on each side of the checkpoint; the reference runs twice as many in PyTorch alone. */
export const HALF = 30;

/** The tolerance of the 30 + 30 = 60 comparison, relative to each tensor's largest magnitude. */
export const RTOL = 1e-10;

export const cases: readonly TorchCase[] = [
  {
    name: "mlp",
    architecture: "mlp",
    model: () => mlp([784, 256, 128, 10], { rng: new Rng(19), dtype: "float64" }),
    data: () => {
      const rng = new Rng(20);
      // 16 rows keep the 60 float64 steps of this 235,146-weight network quick in the test suite.
      const x = tensor(Float64Array.from({ length: 16 * 784 }, () => rng.uniform()), { shape: [16, 784] });
      return { x, y: tensor(Int32Array.from({ length: 16 }, () => rng.int(10)), { shape: [16] }) };
    },
    optimizer: { name: "Adam", lr: 1e-3 },
  },
  { name: "cnn", architecture: "cnn", model: digitsCnn, data: firstDigits, optimizer: { name: "Adam", lr: 1e-3 } },
  { name: "cnn-sgd", architecture: "cnn", model: digitsCnn, data: firstDigits, optimizer: { name: "SGD", lr: 0.05, momentum: 0.9 } },
];

/** A fresh model and optimizer for `c`, with tapegrad's seeded initial weights. */
export function start(c: TorchCase): { model: Module; optimizer: Adam | SGD } {
  const model = c.model();
  const { name, ...options } = c.optimizer;
  return { model, optimizer: name === "Adam" ? new Adam(model.parameters(), options) : new SGD(model.parameters(), options) };
}

/** `steps` full-batch steps on softmax cross-entropy; returns the losses before each step. */
export function train(model: Module, optimizer: Adam | SGD, data: { x: Tensor; y: Tensor }, steps: number): number[] {
  const losses: number[] = [];
  for (let k = 0; k < steps; k++) {
    optimizer.zeroGrad();
    const loss = softmaxCrossEntropy(model.forward(data.x), data.y);
    loss.backward();
    optimizer.step();
    losses.push(loss.item());
  }
  return losses;
}

/** What PyTorch starts from: the initial weights, the batch, the learning rate and the parameter order. */
export function initFile(c: TorchCase): Record<string, unknown> {
  const model = c.model();
  return {
    architecture: c.architecture,
    model: model.stateDict(),
    ...c.data(),
    optimizer: { ...c.optimizer },
    steps: HALF,
    param_names: model.namedParameters().map(([n]) => n),
  };
}

/** tapegrad's checkpoint after the first half, as `torchCheckpoint` writes it. */
export function tapegradHalfway(c: TorchCase): ReturnType<typeof torchCheckpoint> {
  const { model, optimizer } = start(c);
  train(model, optimizer, c.data(), HALF);
  return torchCheckpoint({ model, optimizer });
}

/**
 * A compact stand-in for a tensor, for the committed vectors: its shape, sum, sum and maximum of
 * magnitudes, and its values at up to 512 fixed positions (all of them in a smaller tensor). The
 * lecture's network has 235,146 weights: full float64 copies of every result would be megabytes each.
 */
export interface Fingerprint {
  readonly shape: readonly number[];
  readonly sum: number;
  readonly sumAbs: number;
  readonly maxAbs: number;
  readonly values: readonly number[];
}

const SAMPLES = 512;

/** The positions a fingerprint samples: seeded by the tensor's size, so both sides pick the same. */
export function samplePositions(size: number): number[] {
  if (size <= SAMPLES) return Array.from({ length: size }, (_, i) => i);
  const rng = new Rng(size);
  return Array.from({ length: SAMPLES }, () => rng.int(size));
}

export function fingerprint(t: Tensor): Fingerprint {
  const d = t.data;
  let sum = 0;
  let sumAbs = 0;
  let maxAbs = 0;
  for (let i = 0; i < d.length; i++) {
    sum += d[i]!;
    sumAbs += Math.abs(d[i]!);
    maxAbs = Math.max(maxAbs, Math.abs(d[i]!));
  }
  return { shape: [...t.shape], sum, sumAbs, maxAbs, values: samplePositions(d.length).map((i) => d[i]!) };
}

/**
 * The error of `got` against `want` relative to `want`'s scale: the sampled values over its largest
 * magnitude, and the sums over its sum of magnitudes. Different shapes or samples are an infinite error.
 */
export function relativeError(got: Tensor | Fingerprint, want: Fingerprint): number {
  const g = got instanceof Tensor ? fingerprint(got) : got;
  if (g.shape.length !== want.shape.length || g.shape.some((d, i) => d !== want.shape[i]) || g.values.length !== want.values.length) return Infinity;
  const scale = want.maxAbs || 1;
  let worst = Math.abs(g.sum - want.sum) / (want.sumAbs || 1);
  want.values.forEach((v, i) => (worst = Math.max(worst, Math.abs(g.values[i]! - v) / scale)));
  return worst;
}

/** The whole-tensor form of {@link relativeError}: max |got − want| over max |want|. */
export function tensorError(got: Tensor, want: Tensor): number {
  if (got.shape.length !== want.shape.length || got.shape.some((d, i) => d !== want.shape[i])) return Infinity;
  let diff = 0;
  let scale = 0;
  want.data.forEach((w, i) => {
    diff = Math.max(diff, Math.abs(got.data[i]! - w));
    scale = Math.max(scale, Math.abs(w));
  });
  return diff / (scale || 1);
}

/** The largest error over the names of either side (a name on one side only, or NaN, is infinite), and where. */
export function worstError<G, W>(got: Readonly<Record<string, G>>, want: Readonly<Record<string, W>>, error: (g: G, w: W) => number): { error: number; name: string } {
  let worst = { error: 0, name: "" };
  for (const name of new Set([...Object.keys(got), ...Object.keys(want)])) {
    const e = Object.hasOwn(got, name) && Object.hasOwn(want, name) ? error(got[name]!, want[name]!) : Infinity;
    const value = Number.isNaN(e) ? Infinity : e;
    if (value > worst.error || worst.name === "") worst = { error: value, name };
  }
  return worst;
}

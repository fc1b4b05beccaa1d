import { rand, randn, ValueError, type DType, type Rng, type Tensor } from "@tapegrad/core";

/** Where an initialiser draws from and what it makes. */
export interface InitOptions {
  /** The generator to draw from; core's default generator (see `manualSeed`) otherwise. */
  rng?: Rng | undefined;
  /** Element type of the new tensor. */
  dtype?: DType;
}

/**
 * Makes a fresh parameter value of `shape`. Weights follow PyTorch's layout `[out, in, ...]`, so the
 * fan-in is `shape[1]` (times the receptive field) and the fan-out `shape[0]`.
 */
export type Init = (shape: readonly number[], options?: InitOptions) => Tensor;

/** The nonlinearity that follows a layer, which sets Kaiming's gain. */
export type Nonlinearity = "relu" | "leakyRelu" | "linear" | "sigmoid" | "tanh";

/**
 * Fan-in and fan-out of a weight of PyTorch layout `[out, in, ...receptive]` (a vector counts as
 * `[out]` with fan-in and fan-out both its length, as a bias is initialised from its layer's fan-in).
 * @example
 * ```ts
 * fans([32, 64]); // { fanIn: 64, fanOut: 32 }
 * ```
 */
export function fans(shape: readonly number[]): { fanIn: number; fanOut: number } {
  if (shape.length < 2) {
    throw new ValueError("fans", `fan-in and fan-out need a weight of rank >= 2, got shape [${shape.join(",")}]`);
  }
  const receptive = shape.slice(2).reduce((a, b) => a * b, 1);
  return { fanIn: shape[1]! * receptive, fanOut: shape[0]! * receptive };
}

function randomOptions(options: InitOptions | undefined): { dtype: DType; rng?: Rng } {
  const dtype = options?.dtype ?? "float32";
  return options?.rng === undefined ? { dtype } : { dtype, rng: options.rng };
}

/**
 * Uniform draws from [low, high).
 * @example
 * ```ts
 * uniform(-0.1, 0.1)([3, 2], { rng: new Rng(0) }).shape; // [3, 2]
 * ```
 */
export function uniform(low: number, high: number): Init {
  if (!(low <= high) || !Number.isFinite(low) || !Number.isFinite(high)) {
    throw new ValueError("uniform", `needs finite low <= high, got ${low}, ${high}`);
  }
  return (shape, options) => {
    const t = rand(shape, randomOptions(options));
    for (let i = 0; i < t.data.length; i++) t.data[i] = low + (high - low) * t.data[i]!;
    return t;
  };
}

/**
 * Normal draws with the given mean and standard deviation.
 * @example
 * ```ts
 * normal(0, 0.01)([4]).shape; // [4]
 * ```
 */
export function normal(mean: number, std: number): Init {
  if (!(std >= 0) || !Number.isFinite(std) || !Number.isFinite(mean)) {
    throw new ValueError("normal", `needs a finite mean and std >= 0, got ${mean}, ${std}`);
  }
  return (shape, options) => {
    const t = randn(shape, randomOptions(options));
    for (let i = 0; i < t.data.length; i++) t.data[i] = mean + std * t.data[i]!;
    return t;
  };
}

/**
 * Xavier/Glorot uniform (Glorot & Bengio, 2010): U(−b, b) with b = gain·√(6 / (fanIn + fanOut)), which
 * keeps activations' and gradients' variances equal across layers with tanh/sigmoid-like units.
 * @example
 * ```ts
 * new Linear(64, 32, { init: xavierUniform() });
 * ```
 */
export function xavierUniform(gain = 1): Init {
  finiteOption("xavierUniform", "gain", gain);
  return (shape, options) => {
    const { fanIn, fanOut } = fans(shape);
    const bound = gain * Math.sqrt(6 / (fanIn + fanOut));
    return uniform(-bound, bound)(shape, options);
  };
}

/** Xavier/Glorot normal: N(0, σ²) with σ = gain·√(2 / (fanIn + fanOut)). @example `new Linear(4, 4, { init: xavierNormal() });` */
export function xavierNormal(gain = 1): Init {
  finiteOption("xavierNormal", "gain", gain);
  return (shape, options) => {
    const { fanIn, fanOut } = fans(shape);
    return normal(0, gain * Math.sqrt(2 / (fanIn + fanOut)))(shape, options);
  };
}

/** Options of the He/Kaiming initialisers (PyTorch's `kaiming_*_` arguments). */
export interface KaimingOptions {
  /** Negative slope of the leaky ReLU that follows (0 for ReLU); 0 by default. */
  a?: number;
  /** Preserve the variance of activations (`"fanIn"`, the default) or of gradients (`"fanOut"`). */
  mode?: "fanIn" | "fanOut";
  /** The nonlinearity that follows; `"leakyRelu"` (with `a`) by default, as in PyTorch. */
  nonlinearity?: Nonlinearity;
}

/**
 * The recommended gain for a nonlinearity (PyTorch's `calculate_gain`): √2 for ReLU, √(2 / (1 + a²)) for
 * leaky ReLU, 5/3 for tanh, 1 for linear and sigmoid.
 * @example
 * ```ts
 * calculateGain("relu"); // 1.4142…
 * ```
 */
export function calculateGain(nonlinearity: Nonlinearity, a = 0): number {
  finiteOption("calculateGain", "a", a);
  switch (nonlinearity) {
    case "relu": return Math.SQRT2;
    case "leakyRelu": return Math.sqrt(2 / (1 + a * a));
    case "tanh": return 5 / 3;
    case "linear": case "sigmoid": return 1;
  }
  throw new ValueError("calculateGain", `unknown nonlinearity ${JSON.stringify(nonlinearity)}; use relu, leakyRelu, tanh, linear or sigmoid`);
}

/** Refuses a NaN or infinite option when the initialiser is made, not when its NaN weights are first used. */
function finiteOption(op: string, option: string, value: number): void {
  if (typeof value !== "number" || !Number.isFinite(value)) throw new ValueError(op, `option ${option} must be a finite number (got ${String(value)})`);
}

function kaimingStd(shape: readonly number[], options: KaimingOptions): number {
  const { a = 0, mode = "fanIn", nonlinearity = "leakyRelu" } = options;
  const f = fans(shape);
  return calculateGain(nonlinearity, a) / Math.sqrt(mode === "fanIn" ? f.fanIn : f.fanOut);
}

/**
 * He/Kaiming uniform (He et al., 2015): U(−b, b) with b = gain·√(3 / fan), for ReLU-like units.
 * @example
 * ```ts
 * new Linear(64, 32, { init: kaimingUniform({ nonlinearity: "relu" }) });
 * ```
 */
export function kaimingUniform(options: KaimingOptions = {}): Init {
  calculateGain(options.nonlinearity ?? "leakyRelu", options.a ?? 0); // checks the options now
  return (shape, o) => {
    const bound = Math.sqrt(3) * kaimingStd(shape, options);
    return uniform(-bound, bound)(shape, o);
  };
}

/** He/Kaiming normal: N(0, σ²) with σ = gain / √fan. @example `new Linear(8, 8, { init: kaimingNormal({ nonlinearity: "relu" }) });` */
export function kaimingNormal(options: KaimingOptions = {}): Init {
  calculateGain(options.nonlinearity ?? "leakyRelu", options.a ?? 0); // checks the options now
  return (shape, o) => normal(0, kaimingStd(shape, options))(shape, o);
}

/**
 * PyTorch's default for `nn.Linear.weight`: `kaiming_uniform_(a=√5)`, which works out to
 * U(−1/√fanIn, 1/√fanIn).
 * @example
 * ```ts
 * pytorchDefault()([3, 4]); // every entry within ±1/√4 = ±0.5
 * ```
 */
export function pytorchDefault(): Init {
  return kaimingUniform({ a: Math.sqrt(5) });
}

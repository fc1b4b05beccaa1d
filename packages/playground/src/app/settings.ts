/** Everything a view of the playground is made of; all of it round-trips through the page's query string. */

/** The synthetic two-class sets of `@tapegrad/datasets`. */
export const dataSetNames = ["moons", "circles", "spirals", "xor", "blobs"] as const;
/** Hidden activations offered (the names `mlp` takes). */
export const activationNames = ["relu", "tanh", "sigmoid", "leakyRelu"] as const;
/** The optimizers offered, and raced against each other. */
export const optimizerNames = ["sgd", "rmsprop", "adadelta", "adam", "adabelief"] as const;
/** How each optimizer is named on the page. */
export const optimizerLabels: Readonly<Record<(typeof optimizerNames)[number], string>> = {
  sgd: "SGD", rmsprop: "RMSprop", adadelta: "AdaDelta", adam: "Adam", adabelief: "AdaBelief",
};
/** Learning-rate schedules offered (the lecture's three, constant and cosine). */
export const scheduleNames = ["constant", "linear", "inverse", "inverseSqrt", "cosine"] as const;
/** What the main panel shows: one network training, or the optimizer race. */
export const viewNames = ["train", "race"] as const;

export type DataSetName = (typeof dataSetNames)[number];
export type ActivationChoice = (typeof activationNames)[number];
export type OptimizerName = (typeof optimizerNames)[number];
export type ScheduleName = (typeof scheduleNames)[number];
export type ViewName = (typeof viewNames)[number];

/** One playground view. */
export interface Settings {
  /** Which data set. */
  readonly data: DataSetName;
  /** Training points (the test set has as many, drawn with another seed). */
  readonly points: number;
  /** Standard deviation of the noise added to each coordinate. */
  readonly noise: number;
  /** Seed of the data and of the initial weights. */
  readonly seed: number;
  /** Widths of the hidden layers; its length is the depth (0 gives logistic regression). */
  readonly hidden: readonly number[];
  readonly activation: ActivationChoice;
  readonly optimizer: OptimizerName;
  /** Base learning rate, which the schedule scales from. */
  readonly lr: number;
  readonly schedule: ScheduleName;
  /** K of the schedules that decay over a horizon (linear, cosine). */
  readonly decay: number;
  /** Mini-batch size. */
  readonly batch: number;
  /** Optimizer steps per animation frame. */
  readonly speed: number;
  readonly view: ViewName;
}

/** Noise of each set when nothing else is asked for (the data sets' own defaults). */
export const defaultNoise: Readonly<Record<DataSetName, number>> = { moons: 0.1, circles: 0.05, spirals: 0.02, xor: 0.05, blobs: 0.5 };

/**
 * A learning rate that trains the default network well with each optimizer: SGD needs a large step,
 * AdaDelta's rate multiplies an already scaled update (torch's default is 1), the adaptive ones want ~0.01.
 */
export const defaultLr: Readonly<Record<OptimizerName, number>> = { sgd: 0.1, rmsprop: 0.01, adadelta: 1, adam: 0.01, adabelief: 0.01 };

export const defaultSettings: Settings = {
  data: "moons",
  points: 200,
  noise: defaultNoise.moons,
  seed: 0,
  hidden: [8, 8],
  activation: "tanh",
  optimizer: "adam",
  lr: defaultLr.adam,
  schedule: "constant",
  decay: 1000,
  batch: 16,
  speed: 5,
  view: "train",
};

/** Bounds that keep a shared link from asking the browser for something absurd. */
const limits = {
  points: [10, 2000],
  seed: [0, 1_000_000],
  width: [1, 64],
  depth: [0, 6],
  decay: [1, 1_000_000],
  batch: [1, 2000],
  speed: [1, 100],
} as const;

function pick<T extends string>(names: readonly T[], value: string | null, fallback: T): T {
  return names.find((n) => n === value) ?? fallback;
}

function integer(value: string | null, [lo, hi]: readonly [number, number], fallback: number): number {
  const n = value === null || value === "" ? Number.NaN : Number(value);
  return Number.isInteger(n) ? Math.min(hi, Math.max(lo, n)) : fallback;
}

function positive(value: string | null, max: number, fallback: number): number {
  const n = value === null || value === "" ? Number.NaN : Number(value);
  return n > 0 && n <= max ? n : fallback;
}

function widths(value: string | null, fallback: readonly number[]): readonly number[] {
  if (value === null) return fallback;
  if (value === "") return [];
  const parts = value.split("-").map((w) => integer(w, limits.width, Number.NaN));
  if (parts.some(Number.isNaN) || parts.length > limits.depth[1]) return fallback;
  return parts;
}

/**
 * Reads settings from a query string (`?data=spirals&hidden=8-8&…`). A missing or malformed value
 * falls back to the default and numbers are clamped to sane bounds, so any link opens some view.
 * @example `parseSettings("?data=xor&hidden=4").hidden; // [4]`
 */
export function parseSettings(query: string): Settings {
  const q = new URLSearchParams(query);
  const d = defaultSettings;
  const data = pick(dataSetNames, q.get("data"), d.data);
  const optimizer = pick(optimizerNames, q.get("opt"), d.optimizer);
  const noise = q.get("noise") === null ? defaultNoise[data] : Number(q.get("noise"));
  return {
    data,
    points: integer(q.get("points"), limits.points, d.points),
    noise: noise >= 0 && noise <= 2 ? noise : defaultNoise[data],
    seed: integer(q.get("seed"), limits.seed, d.seed),
    hidden: widths(q.get("hidden"), d.hidden),
    activation: pick(activationNames, q.get("act"), d.activation),
    optimizer,
    lr: positive(q.get("lr"), 10, defaultLr[optimizer]),
    schedule: pick(scheduleNames, q.get("sched"), d.schedule),
    decay: integer(q.get("decay"), limits.decay, d.decay),
    batch: integer(q.get("batch"), limits.batch, d.batch),
    speed: integer(q.get("speed"), limits.speed, d.speed),
    view: pick(viewNames, q.get("view"), d.view),
  };
}

/**
 * Writes every setting into a query string (with the leading `?`), the inverse of {@link parseSettings}.
 * @example `parseSettings(settingsToQuery(s))` equals `s` for any valid `s`.
 */
export function settingsToQuery(s: Settings): string {
  const q = new URLSearchParams({
    data: s.data,
    points: String(s.points),
    noise: String(s.noise),
    seed: String(s.seed),
    hidden: s.hidden.join("-"),
    act: s.activation,
    opt: s.optimizer,
    lr: String(s.lr),
    sched: s.schedule,
    decay: String(s.decay),
    batch: String(s.batch),
    speed: String(s.speed),
    view: s.view,
  });
  return `?${q.toString()}`;
}

/** The depth and width limits, for the form's inputs. */
export const networkLimits = { maxDepth: limits.depth[1], maxWidth: limits.width[1] } as const;

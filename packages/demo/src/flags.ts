import type { ActivationName } from "@tapegrad/nn";
import { nnTasks } from "./nnTasks.js";
import { optimizerClasses, type OptimizerName } from "@tapegrad/optim";

/** The 2-D two-class sets whose decision boundary the demo draws. */
export const planeSets = ["moons", "circles", "spirals", "xor", "blobs"] as const;
/** What `--dataset` accepts: every task (`all`), one 2-D set, or one real set. */
export const datasets = ["all", ...planeSets, "digits", "diabetes"] as const;
export const activations = ["relu", "sigmoid", "tanh", "leakyRelu"] as const satisfies readonly ActivationName[];
/** Every optimizer optim offers, by the names `createOptimizer` takes. */
export const optimizers = Object.keys(optimizerClasses) as readonly OptimizerName[];
/** What `--task` accepts: the lecture's MLP tasks (chosen by `--dataset`) or one model beyond the MLP. */
export const taskNames = ["mlp", ...nnTasks] as const;
export const scheduleNames = ["constant", "linear", "inverse", "inverseSqrt", "cosine"] as const;

export type DatasetName = (typeof datasets)[number];
export type PlaneSet = (typeof planeSets)[number];
export type { OptimizerName };
export type ScheduleName = (typeof scheduleNames)[number];
export type TaskName = (typeof taskNames)[number];

/** The demo's settings; an absent value means "each task's own default". */
export interface Flags {
  readonly help: boolean;
  readonly task: TaskName;
  readonly dataset: DatasetName;
  readonly hidden: readonly number[] | undefined;
  readonly activation: ActivationName;
  readonly optimizer: OptimizerName;
  readonly lr: number | undefined;
  readonly schedule: ScheduleName;
  readonly epochs: number | undefined;
  readonly batchSize: number;
  readonly seed: number;
  readonly out: string;
}

/** A flag the demo cannot use; `main` prints its message on one line, then the help, and exits with 2. */
export class FlagError extends Error {
  override readonly name = "FlagError";
}

export const helpText = `Usage: pnpm demo [options]

Trains the lecture's 4-layer network (input → hidden 1 → hidden 2 → output) on a two-class set in the
plane (drawing its decision boundary), on handwritten digits and on the diabetes regression set; or,
with --task, a CNN, an LSTM or an attention block on the digits.

Options:
  --task <name>         ${taskNames.join(" | ")}  (default mlp: the tasks --dataset picks;
                        the others train a CNN, an LSTM or an attention block on the digits,
                        each with its own epochs and Adam rate, and a cosine schedule
                        unless --schedule names another)
  --dataset <name>      ${datasets.join(" | ")}
                        (default all: moons, digits, diabetes)
  --hidden <n,n>        hidden layer widths, comma-separated  (default 16,16; 32,32 for digits)
  --activation <name>   ${activations.join(" | ")}  (default relu)
  --optimizer <name>    ${optimizers.join(" | ")}  (default adam)
  --lr <number>         learning rate  (default 0.01; sgd 0.05, adadelta 1;
                        a tenth of that for diabetes, which overfits fast)
  --schedule <name>     ${scheduleNames.join(" | ")}  (default constant)
  --epochs <n>          passes over the training data  (default: each set's own)
  --batch-size <n>      items per mini-batch  (default 32)
  --seed <n>            seed of the data, the weights and the batch order  (default 0)
  --out <dir>           where the pictures and the report go  (default out)
  -h, --help            show this text`;

const defaults: Flags = {
  help: false, task: "mlp", dataset: "all", hidden: undefined, activation: "relu", optimizer: "adam", lr: undefined,
  schedule: "constant", epochs: undefined, batchSize: 32, seed: 0, out: "out",
};

function oneOf<T extends string>(flag: string, value: string, allowed: readonly T[]): T {
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new FlagError(`--${flag} must be one of ${allowed.join(", ")} (got "${value}")`);
}

function integer(flag: string, value: string, min: number): number {
  const n = Number(value);
  if (value.trim() === "" || !Number.isSafeInteger(n) || n < min) throw new FlagError(`--${flag} must be an integer >= ${min} (got "${value}")`);
  return n;
}

function positive(flag: string, value: string): number {
  const n = Number(value);
  if (value.trim() === "" || !Number.isFinite(n) || n <= 0) throw new FlagError(`--${flag} must be a number > 0 (got "${value}")`);
  return n;
}

const parsers: Record<string, (value: string, flags: Flags) => Flags> = {
  task: (v, f) => ({ ...f, task: oneOf("task", v, taskNames) }),
  dataset: (v, f) => ({ ...f, dataset: oneOf("dataset", v, datasets) }),
  hidden: (v, f) => ({ ...f, hidden: v.split(",").map((w) => integer("hidden", w, 1)) }),
  activation: (v, f) => ({ ...f, activation: oneOf("activation", v, activations) }),
  optimizer: (v, f) => ({ ...f, optimizer: oneOf("optimizer", v, optimizers) }),
  lr: (v, f) => ({ ...f, lr: positive("lr", v) }),
  schedule: (v, f) => ({ ...f, schedule: oneOf("schedule", v, scheduleNames) }),
  epochs: (v, f) => ({ ...f, epochs: integer("epochs", v, 1) }),
  "batch-size": (v, f) => ({ ...f, batchSize: integer("batch-size", v, 1) }),
  seed: (v, f) => ({ ...f, seed: integer("seed", v, 0) }),
  out: (v, f) => ({ ...f, out: v }),
};

/**
 * Reads the demo's command line: `--name value` or `--name=value` for each option, `-h`/`--help`.
 * A lone `--` (which pnpm may pass through) is skipped.
 * @example
 * ```ts
 * parseFlags(["--epochs", "5", "--hidden=32,32"]).hidden; // [32, 32]
 * ```
 */
export function parseFlags(argv: readonly string[]): Flags {
  let flags = defaults;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--") continue;
    if (arg === "-h" || arg === "--help") {
      flags = { ...flags, help: true };
      continue;
    }
    const match = /^--([a-z-]+)(?:=(.*))?$/s.exec(arg);
    const parse = match === null ? undefined : parsers[match[1]!];
    if (match === null || parse === undefined) throw new FlagError(`unknown option "${arg}"`);
    const value = match[2] ?? argv[++i];
    if (value === undefined) throw new FlagError(`--${match[1]} needs a value`);
    flags = parse(value, flags);
  }
  return flags;
}

import { ShapeError, tensor, ValueError, type Tensor } from "@tapegrad/core";
import { describeCatalogue, type CatalogueRow } from "../../../test-support/catalogue.js";
import { fusedAdam } from "../src/fusedAdam.js";
import { AdaBelief, AdaDelta, Adam, AdamW, RMSprop, Scheduler, schedules, SGD, type OptimizerStateDict } from "../src/index.js";

/**
 * optim's catalogue of bad inputs: hyperparameters, parameters, gradients, state dicts and
 * schedules. Each row states the error class, the owner it names (`error.op`), the shapes carried (for
 * a ShapeError) and the option and value the message names.
 */


const ps = (): Tensor[] => [tensor([1, 2], { requiresGrad: true })];
const adamState = (state: OptimizerStateDict["state"], options: Record<string, unknown> = {}): OptimizerStateDict => ({ kind: "Adam", state, paramGroups: [{ params: [0], options }] });

const rows: readonly CatalogueRow[] = [
  // Hyperparameters.
  { bad: "negative learning rate", call: () => new SGD(ps(), { lr: -1 }), error: ValueError, op: "SGD", says: "option lr must be >= 0 (got -1)" },
  { bad: "NaN learning rate", call: () => new Adam(ps(), { lr: Number.NaN }), error: ValueError, op: "Adam", says: "option lr must be >= 0 (got NaN)" },
  { bad: "beta1 of 1", call: () => new Adam(ps(), { betas: [1, 0.999] }), error: ValueError, op: "Adam", says: "option betas[0] must be in [0, 1) (got 1)" },
  { bad: "betas that are not a pair", call: () => new AdamW(ps(), { betas: [0.9] as never }), error: ValueError, op: "AdamW", says: "option betas must be a pair [beta1, beta2] (got [0.9])" },
  { bad: "eps of 0", call: () => new Adam(ps(), { eps: 0 }), error: ValueError, op: "Adam", says: "option eps must be >= 2^-126 (got 0)" },
  { bad: "subnormal eps, which bounds no step", call: () => new AdaBelief(ps(), { betas: [0, 0.999], eps: 5e-324 }), error: ValueError, op: "AdaBelief", says: "option eps must be >= 2^-126 (got 5e-324)" },
  { bad: "centered RMSprop with alpha 0", call: () => new RMSprop(ps(), { alpha: 0, centered: true }), error: ValueError, op: "RMSprop", says: "option alpha must be >= 1e-6 when centered (got 0)" },
  { bad: "infinite momentum", call: () => new SGD(ps(), { lr: 0.1, momentum: Infinity }), error: ValueError, op: "SGD", says: "option momentum must be >= 0 (got Infinity)" },
  { bad: "Nesterov without momentum", call: () => new SGD(ps(), { lr: 0.1, nesterov: true }), error: ValueError, op: "SGD", says: "option nesterov needs momentum > 0 and dampening 0" },
  // A flag that is not a boolean was read as its truthiness: `centered: []` turned centering on (found by pnpm fuzz).
  { bad: "centered given an array", call: () => new RMSprop(ps(), { centered: [] as never }), error: ValueError, op: "RMSprop", says: "option centered must be true or false (got [])" },
  { bad: "nesterov given a string", call: () => new SGD(ps(), { lr: 0.1, momentum: 0.9, nesterov: "yes" as never }), error: ValueError, op: "SGD", says: 'option nesterov must be true or false (got "yes")' },
  { bad: "amsgrad given a number", call: () => new AdamW(ps(), { amsgrad: 1 as never }), error: ValueError, op: "AdamW", says: "option amsgrad must be true or false (got 1)" },
  { bad: "decoupled given null", call: () => new AdaBelief(ps(), { decoupled: null as never }), error: ValueError, op: "AdaBelief", says: "option decoupled must be true or false (got null)" },
  { bad: "RMSprop alpha of 1", call: () => new RMSprop(ps(), { alpha: 1 }), error: ValueError, op: "RMSprop", says: "option alpha must be in [0, 1) (got 1)" },
  { bad: "AdaDelta rho above 1", call: () => new AdaDelta(ps(), { rho: 1.5 }), error: ValueError, op: "AdaDelta", says: "option rho must be in [0, 1] (got 1.5)" },
  { bad: "negative weight decay", call: () => new AdamW(ps(), { weightDecay: -0.1 }), error: ValueError, op: "AdamW", says: "option weightDecay must be >= 0 (got -0.1)" },
  { bad: "setLr to NaN", call: () => new SGD(ps(), { lr: 0.1 }).setLr(Number.NaN), error: ValueError, op: "SGD", says: "option lr must be >= 0 (got NaN)" },
  { bad: "setLr of a group that does not exist", call: () => new SGD(ps(), { lr: 0.1 }).setLr(0.1, 3), error: ValueError, op: "SGD", says: "no parameter group 3 (there are 1)" },
  { bad: "fusedAdam with buffers of different lengths", call: () => fusedAdam({ param: new Float32Array(3), grad: new Float32Array(2), m: new Float32Array(3), s: new Float32Array(3) }, { beta1: 0.9, beta2: 0.999, eps: 1e-8, stepSize: 1e-3, correction2: 1, decay: 1 }), error: ValueError, op: "fusedAdam", says: "must have one length, got 3, 2, 3, 3" },
  // Parameters and gradients.
  { bad: "params that are not iterable", call: () => new SGD(3 as never, { lr: 0.1 }), error: ValueError, op: "SGD", says: "params must be an iterable of tensors or an array of groups (got 3)" },
  { bad: "no parameters", call: () => new SGD([], { lr: 0.1 }), error: ValueError, op: "SGD", says: "parameter group 0 is empty" },
  { bad: "a number among the parameters", call: () => new Adam([1 as never]), error: ValueError, op: "Adam", says: "parameter group 0 holds 1, not a Tensor" },
  { bad: "a computed tensor as a parameter", call: () => new SGD([tensor([1], { requiresGrad: true }).mul(2)], { lr: 0.1 }), error: ValueError, op: "SGD", says: "is computed by an op; optimizers update leaves only" },
  { bad: "a gradient of another shape", call: () => { const p = ps(); const opt = new SGD(p, { lr: 0.1 }); p[0]!.grad = tensor([1, 2, 3]); opt.step(); }, error: ShapeError, op: "SGD", shapes: [[2], [3]], says: "a parameter's gradient must have its shape" },
  // Optimizer state dicts.
  { bad: "state dict of another optimizer", call: () => new SGD(ps(), { lr: 0.1 }).loadStateDict(new Adam(ps()).stateDict()), error: ValueError, op: "SGD", says: "state dict was written by Adam, not SGD" },
  { bad: "state dict with another number of groups", call: () => new SGD(ps(), { lr: 0.1 }).loadStateDict({ kind: "SGD", state: {}, paramGroups: [] }), error: ValueError, op: "SGD", says: "state dict has 0 parameter groups, this optimizer 1" },
  { bad: "state buffer of another size", call: () => new Adam(ps()).loadStateDict(adamState({ 0: { step: 1, buffers: { expAvg: [1, 2, 3] } } })), error: ValueError, op: "Adam", says: "state expAvg of parameter 0 has 3 values, the parameter 2" },
  { bad: "state buffer holding JSON's null for a NaN", call: () => new Adam(ps()).loadStateDict(adamState({ 0: { step: 1, buffers: { expAvg: [1, null as never] } } })), error: ValueError, op: "Adam", says: "state expAvg of parameter 0 must be an array of numbers (got [1,null])" },
  { bad: "state step NaN", call: () => new Adam(ps()).loadStateDict(adamState({ 0: { step: Number.NaN, buffers: {} } })), error: ValueError, op: "Adam", says: "state step of parameter 0 must be an integer >= 0 (got NaN)" },
  { bad: "state options with a negative rate", call: () => new Adam(ps()).loadStateDict(adamState({}, { lr: -5 })), error: ValueError, op: "Adam", says: "option lr must be >= 0 (got -5)" },
  { bad: "state dict that is not an object", call: () => new Adam(ps()).loadStateDict("{}" as never), error: ValueError, op: "Adam", says: 'state dict must be an object from stateDict() (got "{}")' },
  // Schedules.
  { bad: "negative constant rate", call: () => schedules.constant(-1), error: ValueError, op: "constant", says: "option lr must be >= 0 (got -1)" },
  { bad: "cosine over 0 steps", call: () => schedules.cosine(0.1, { steps: 0 }), error: ValueError, op: "cosine", says: "option steps must be an integer >= 1 (got 0)" },
  { bad: "schedule asked for step 0", call: () => schedules.constant(0.1)(0), error: ValueError, op: "schedule", says: "step k must be an integer >= 1 (got 0)" },
  { bad: "exponential growth past the largest double", call: () => schedules.exponential(1, 2)(1_000_000), error: ValueError, op: "exponential", says: "overflows at step k = 1000000 (start 1, gamma 2)" },
  { bad: "exponential decay NaN", call: () => schedules.exponential(0.1, Number.NaN), error: ValueError, op: "exponential", says: "option gamma must be >= 0 (got NaN)" },
  { bad: "one schedule too many for the groups", call: () => new Scheduler(new SGD(ps(), { lr: 0.1 }), [schedules.constant(1), schedules.constant(1)]), error: ValueError, op: "Scheduler", says: "one schedule per parameter group (1), got 2" },
  { bad: "a schedule that returns NaN", call: () => new Scheduler(new SGD(ps(), { lr: 0.1 }), () => Number.NaN), error: ValueError, op: "SGD", says: "option lr must be >= 0 (got NaN)" },
  { bad: "scheduler state k of 0", call: () => new Scheduler(new SGD(ps(), { lr: 0.1 }), schedules.constant(1)).loadStateDict({ k: 0 }), error: ValueError, op: "Scheduler", says: "state k must be an integer >= 1 (got 0)" },
];

describeCatalogue("optim's catalogue of bad inputs", rows);

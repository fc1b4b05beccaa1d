import { buildNetwork } from "./network.js";
import type { PlaygroundData } from "./data.js";
import { defaultLr, optimizerNames, type OptimizerName, type Settings } from "./settings.js";
import { Trainer } from "./trainer.js";

/**
 * One or more networks trained side by side: all start from the same initial weights (built from the
 * settings' seed) and draws the same mini-batches in the same order, so the only difference between
 * them is the optimizer.
 */
export class Run {
  readonly trainers: readonly Trainer[];
  readonly data: PlaygroundData;

  constructor(s: Settings, data: PlaygroundData, entrants: readonly { readonly optimizer: OptimizerName; readonly lr: number }[]) {
    const initial = buildNetwork(s).stateDict();
    this.trainers = entrants.map((e) => {
      const network = buildNetwork(s);
      network.loadStateDict(initial); // every entrant starts from the same weights
      return new Trainer(network, e.optimizer, e.lr, data.train, s);
    });
    this.data = data;
    this.record();
  }

  /** Steps taken by each network. */
  get steps(): number {
    return this.trainers[0]?.steps ?? 0;
  }

  /** One step of every network (each on the same next batch). */
  step(): void {
    for (const t of this.trainers) t.step();
  }

  /** Records every network's train and test loss now. */
  record(): void {
    for (const t of this.trainers) t.record(this.data.train, this.data.test);
  }
}

/** The main view: the chosen optimizer at the chosen rate. */
export function singleRun(s: Settings, data: PlaygroundData): Run {
  return new Run(s, data, [{ optimizer: s.optimizer, lr: s.lr }]);
}

/**
 * The optimizer race: SGD, RMSprop, AdaDelta, Adam and AdaBelief, each at its own usual rate
 * (`defaultLr`, since one rate cannot suit all five) under the chosen schedule.
 */
export function raceRun(s: Settings, data: PlaygroundData): Run {
  return new Run(s, data, optimizerNames.map((optimizer) => ({ optimizer, lr: defaultLr[optimizer] })));
}

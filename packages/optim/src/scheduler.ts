import { ValueError } from "@tapegrad/core";
import type { BaseOptions, Optimizer } from "./optimizer.js";
import type { Schedule } from "./schedules.js";

/** JSON form of a {@link Scheduler}'s state. */
export interface SchedulerStateDict {
  /** The step k whose rate is set now. */
  readonly k: number;
}

/**
 * Sets an optimizer's learning rate from a schedule: α_1 on construction, then α_{k+1} at each `step()`,
 * which is called after `optimizer.step()` as with torch's schedulers. One schedule drives every group,
 * or pass one schedule per parameter group.
 *
 * @example
 * ```ts
 * const opt = new SGD(params, { lr: 1 });
 * const sched = new Scheduler(opt, schedules.inverseSqrt(1));
 * for (let k = 1; k <= 100; k++) { opt.zeroGrad(); loss().backward(); opt.step(); sched.step(); }
 * ```
 */
export class Scheduler {
  readonly #optimizer: Optimizer<BaseOptions>;
  readonly #schedules: readonly Schedule[];
  #k = 1;

  constructor(optimizer: Optimizer<BaseOptions>, schedule: Schedule | readonly Schedule[]) {
    const groups = optimizer.paramGroups.length;
    const list = typeof schedule === "function" ? Array.from({ length: groups }, () => schedule) : [...schedule];
    if (list.length !== groups) {
      throw new ValueError("Scheduler", `option schedule must hold one schedule per parameter group (${groups}), got ${list.length}`);
    }
    this.#optimizer = optimizer;
    this.#schedules = list;
    this.#apply();
  }

  /** The step k whose rate the optimizer holds now (1 before the first `step()`). */
  get k(): number {
    return this.#k;
  }

  /** Advances to the next step and sets its rate. */
  step(): void {
    this.#k += 1;
    this.#apply();
  }

  /** The scheduler's position, JSON-ready. */
  stateDict(): SchedulerStateDict {
    return { k: this.#k };
  }

  /** Restores a position from `stateDict()` and sets that step's rate. */
  loadStateDict(sd: SchedulerStateDict): void {
    if (!Number.isInteger(sd.k) || sd.k < 1) throw new ValueError("Scheduler", `state k must be an integer >= 1 (got ${sd.k})`);
    this.#k = sd.k;
    this.#apply();
  }

  #apply(): void {
    this.#schedules.forEach((s, g) => this.#optimizer.setLr(s(this.#k), g));
  }
}

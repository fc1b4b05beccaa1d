import { tensor } from "@tapegrad/core";
import { describe, expect, it } from "vitest";
import { Scheduler } from "./scheduler.js";
import { SGD } from "./sgd.js";
import { exponential, inverse, linear } from "./schedules.js";

const param = () => tensor([1], { dtype: "float64", requiresGrad: true });

describe("Scheduler", () => {
  it("sets α_1 at once and α_{k+1} after each step", () => {
    const opt = new SGD([param()], { lr: 99 });
    const sched = new Scheduler(opt, inverse(0.6));
    const seen = [opt.lr];
    for (let k = 0; k < 4; k++) {
      sched.step();
      seen.push(opt.lr);
    }
    expect(seen).toEqual([1, 2, 3, 4, 5].map((k) => 0.6 / k));
    expect(sched.k).toBe(5);
  });

  it("the step a parameter takes uses the scheduled rate", () => {
    const w = param();
    const opt = new SGD([w], { lr: 99 });
    const sched = new Scheduler(opt, linear(0.4, 0.1, 2));
    let expected = 1;
    for (let k = 1; k <= 3; k++) {
      w.grad = tensor([1], { dtype: "float64" });
      opt.step();
      expected -= linear(0.4, 0.1, 2)(k);
      sched.step();
    }
    expect(w.item()).toBeCloseTo(expected, 15);
  });

  it("drives each group by its own schedule, and refuses a count mismatch", () => {
    const opt = new SGD([{ params: [param()] }, { params: [param()] }], { lr: 1 });
    const sched = new Scheduler(opt, [inverse(1), exponential(2, 0.5)]);
    sched.step();
    expect(opt.paramGroups.map((g) => g.options.lr)).toEqual([0.5, 1]);
    expect(() => new Scheduler(opt, [inverse(1)])).toThrow("Scheduler: option schedule must hold one schedule per parameter group (2), got 1");
  });

  it("resumes from its state dict", () => {
    const opt = new SGD([param()], { lr: 1 });
    const sched = new Scheduler(opt, inverse(1));
    sched.step();
    sched.step();
    const opt2 = new SGD([param()], { lr: 1 });
    const sched2 = new Scheduler(opt2, inverse(1));
    sched2.loadStateDict(JSON.parse(JSON.stringify(sched.stateDict())));
    expect(opt2.lr).toBe(opt.lr);
    sched.step();
    sched2.step();
    expect(opt2.lr).toBe(1 / 4);
    expect(() => sched2.loadStateDict({ k: 0 })).toThrow("Scheduler: state k must be an integer >= 1 (got 0)");
  });
});

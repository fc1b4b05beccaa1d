import { describe, expect, it } from "vitest";
import { tensor, ValueError } from "@tapegrad/core";
import { Adam, createOptimizer, optimizerClasses, SGD } from "./index.js";

describe("createOptimizer", () => {
  it("makes the class a name stands for, with the options given over its defaults", () => {
    const p = [tensor([1, 2], { requiresGrad: true })];
    const sgd = createOptimizer("sgd", p, { lr: 0.05, momentum: 0.9 });
    expect(sgd).toBeInstanceOf(SGD);
    expect(sgd.paramGroups[0]!.options.momentum).toBe(0.9);
    expect(createOptimizer("adam", p)).toBeInstanceOf(Adam);
    for (const name of Object.keys(optimizerClasses) as (keyof typeof optimizerClasses)[]) {
      expect(createOptimizer(name, p)).toBeInstanceOf(optimizerClasses[name]);
    }
  });

  it("refuses an unknown name, listing the known ones", () => {
    expect(() => createOptimizer("adagrad" as never, [])).toThrow(ValueError);
    expect(() => createOptimizer("toString" as never, [])).toThrow(/unknown optimizer "toString"; one of sgd, rmsprop/);
  });
});

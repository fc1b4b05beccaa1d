// Type-level test, checked by `pnpm typecheck` (tsconfig.json includes packages/*/test); nothing here
// runs. The data sets' own types are interfaces (no index signature), and a loader must accept them
// as they are, with no cast, and type its batches by their names.
import type { Tensor } from "@tapegrad/core";
import { loadDigits, moons, type Split } from "@tapegrad/datasets";
import { expectTypeOf } from "vitest";
import { DataLoader, type Batch } from "../src/index.js";

export function loadersOverTheDataSets(): void {
  const digits = new DataLoader(loadDigits().train, { batchSize: 32, shuffle: true });
  expectTypeOf(digits).toEqualTypeOf<DataLoader<Split>>();
  for (const batch of digits) expectTypeOf(batch).toEqualTypeOf<Batch<Split>>();
  expectTypeOf(digits.gather([0])).toEqualTypeOf<{ readonly x: Tensor; readonly y: Tensor }>();
  expectTypeOf(new DataLoader(moons(), { batchSize: 8 })).toEqualTypeOf<DataLoader<Split>>();

  // Any interface of tensors fits, and so do plain records.
  interface Pairs {
    readonly input: Tensor;
    readonly target: Tensor;
  }
  expectTypeOf<DataLoader<Pairs>>().toHaveProperty("gather");
  expectTypeOf<Batch<Record<string, Tensor>>>().toEqualTypeOf<{ [name: string]: Tensor }>();

  // What is not a tensor is still refused.
  // @ts-expect-error a field that is not a tensor
  new DataLoader({ x: loadDigits().train.x, label: "digits" }, { batchSize: 1 });
}

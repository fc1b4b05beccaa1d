import { Tensor, tensor, type DType } from "@tapegrad/core";
import { AdaBelief, AdaDelta, Adam, AdamW, RMSprop, SGD, type Optimizer, type BaseOptions } from "../src/index.js";

/** The optimizer classes by name, as the reference fixtures name them. */
export const optimizers = { SGD, RMSprop, AdaDelta, Adam, AdamW, AdaBelief } as const;
export type OptimizerName = keyof typeof optimizers;

/** Builds an optimizer by name from loosely typed options (fixtures are JSON). */
export function makeOptimizer(name: OptimizerName, params: Tensor[] | { params: Tensor[] }[], options: Record<string, unknown>): Optimizer<BaseOptions> {
  const Ctor = optimizers[name] as unknown as new (p: typeof params, o: Record<string, unknown>) => Optimizer<BaseOptions>;
  return new Ctor(params, options);
}

/** The lecture's network: two hidden layers (tanh, sigmoid), logits out. */
export interface Net {
  readonly params: Tensor[];
  forward(x: Tensor): Tensor;
}

/** A net with the given flat weights, in the order w1 b1 w2 b2 w3 b3 (torch's layout: weight [out, in]). */
export function lectureNet(init: Record<string, number[] | number[][]>, dtype: DType): Net {
  const [w1, b1, w2, b2, w3, b3] = ["w1", "b1", "w2", "b2", "w3", "b3"].map((k) => tensor(init[k]!, { dtype, requiresGrad: true })) as [Tensor, Tensor, Tensor, Tensor, Tensor, Tensor];
  return {
    params: [w1, b1, w2, b2, w3, b3],
    forward: (x) => {
      const a = x.matmul(w1.transpose()).add(b1).tanh();
      const b = a.matmul(w2.transpose()).add(b2).sigmoid();
      return b.matmul(w3.transpose()).add(b3);
    },
  };
}

/** All parameter values, concatenated in order, as plain numbers. */
export function flatValues(params: readonly Tensor[]): number[] {
  return params.flatMap((p) => Array.from(p.data));
}

/**
 * The largest |a − b| / max(|b|, floor) over two equally long vectors (floor 0: purely relative, and an
 * exact zero in b must be matched exactly).
 */
export function maxRelativeError(a: readonly number[], b: readonly number[], floor = 0): number {
  if (a.length !== b.length) throw new Error(`lengths differ: ${a.length} vs ${b.length}`);
  return a.reduce((worst, v, i) => {
    const diff = Math.abs(v - b[i]!);
    const scale = Math.max(Math.abs(b[i]!), floor);
    return Math.max(worst, diff === 0 ? 0 : scale === 0 ? Infinity : diff / scale);
  }, 0);
}

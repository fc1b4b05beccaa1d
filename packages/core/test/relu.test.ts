import { describe, expect, it } from "vitest";
import { grad, relu, reluGrad, tensor } from "@tapegrad/core";
import { referenceKernels } from "../src/kernels/backend.js";
import { useKernels } from "../src/kernels/active.js";

/**
 * ReLU's edge values, on both kernel backends and both dtypes: a NaN passes through (as in PyTorch and
 * JAX), −0 becomes 0, and the derivative at 0 is 0; `reluGrad` passes a NaN cotangent only where x > 0.
 */
describe.each(["fast", "reference"] as const)("relu on the %s kernels", (backend) => {
  const run = <T>(fn: () => T): T => {
    const previous = backend === "reference" ? useKernels(referenceKernels) : null;
    try {
      return fn();
    } finally {
      if (previous) useKernels(previous);
    }
  };

  it.each(["float32", "float64"] as const)("lets NaN through, maps −0 to 0, and has derivative 0 at 0 (%s)", (dtype) => {
    run(() => {
      const out = relu(tensor([NaN, -0, -1, 0, 2], { dtype })).data;
      expect(Array.from(out)).toEqual([NaN, 0, 0, 0, 2]);
      expect(Object.is(out[1], 0)).toBe(true);
      const d = grad((x) => relu(x).sum())(tensor([-1, 0, 3], { dtype }));
      expect(d.toArray()).toEqual([0, 0, 1]);
      expect(Array.from(reluGrad(tensor([NaN, NaN, 4], { dtype }), tensor([-1, 2, 0], { dtype })).data)).toEqual([0, NaN, 0]);
    });
  });
});

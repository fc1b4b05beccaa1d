import { tensor, type Tensor } from "@tapegrad/core";
import * as ort from "onnxruntime-node";
import { expect } from "vitest";

/** Runs an ONNX model's bytes in ONNX Runtime (CPU) on tapegrad tensors; returns the outputs in order. */
export async function runOrt(bytes: Uint8Array, inputs: readonly Tensor[]): Promise<Tensor[]> {
  const session = await ort.InferenceSession.create(bytes, { graphOptimizationLevel: "disabled" });
  try {
    const feeds = Object.fromEntries(session.inputNames.map((name, i) => {
      const x = inputs[i]!;
      const type = x.dtype === "float64" ? "float64" : x.dtype === "int32" ? "int32" : "float32";
      return [name, new ort.Tensor(type, x.data.slice(), [...x.shape])];
    }));
    const results = await session.run(feeds);
    return session.outputNames.map((name) => {
      const r = results[name]!;
      const data = r.data as Float32Array | Float64Array | Int32Array;
      const dtype = data instanceof Float64Array ? "float64" : data instanceof Int32Array ? "int32" : "float32";
      return tensor(data.slice(), { shape: r.dims.map(Number), dtype });
    });
  } finally {
    await session.release();
  }
}

/** The largest magnitude in any of `tensors`, at least 1. */
export function scaleOf(...tensors: readonly Tensor[]): number {
  let scale = 1;
  for (const t of tensors) for (const v of t.data) scale = Math.max(scale, Math.abs(v));
  return scale;
}

/**
 * The agreement rule between ONNX Runtime and tapegrad: every element within `ulps` units in the last
 * place of the scale, in the output's own precision. The scale is the output's largest magnitude (at
 * least 1), or the largest value computed on the way when given (an error of a few ulps in an
 * intermediate value of 40 is carried by cos into an output of scale 1). Both compute in the same
 * precision but in different orders and with different elementary functions, so they differ by rounding.
 */
export function expectClose(actual: Tensor, expected: Tensor, ulps = 16, scale = scaleOf(expected)): void {
  expect(actual.shape).toEqual(expected.shape);
  const [a, e] = [actual.data, expected.data];
  const eps = expected.dtype === "float64" ? 2 ** -52 : 2 ** -23;
  let worst = 0;
  for (let i = 0; i < e.length; i++) worst = Math.max(worst, Math.abs(a[i]! - e[i]!) / (eps * scale));
  expect(worst, `largest difference in ulps of the scale ${scale}`).toBeLessThanOrEqual(ulps);
}

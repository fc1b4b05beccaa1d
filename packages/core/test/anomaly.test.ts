import { describe, expect, it } from "vitest";
import { AnomalyError, detectAnomaly, grad, jvp, tensor, where, type Tensor } from "@tapegrad/core";

const f64 = (v: number[]): Tensor => tensor(v, { dtype: "float64" });

function caught(fn: () => unknown): AnomalyError {
  try {
    fn();
  } catch (e) {
    if (e instanceof AnomalyError) return e;
    throw e;
  }
  throw new Error("no AnomalyError was thrown");
}

describe("detectAnomaly", () => {
  it("names the forward op that first made a NaN from finite inputs, its input shapes and the caller", () => {
    const e = caught(() => detectAnomaly(() => f64([1, -4]).mul(2).sqrt().sum()));
    expect(e.op).toBe("sqrt");
    expect(e.phase).toBe("forward");
    expect(e.inputShapes).toEqual([[2]]);
    expect(e.site).toMatch(/anomaly\.test\.ts/);
    expect(e.message).toMatch(/sqrt: produced NaN from finite inputs/);
  });

  it("blames NaN in user data on the data", () => {
    const e = caught(() => detectAnomaly(() => f64([1, Number.NaN]).mul(2)));
    expect(e.op).toBe("mul");
    expect(e.message).toMatch(/input 0 already holds NaN or infinity/);
  });

  it("names the op whose VJP made a NaN: the masked-where trap", () => {
    // where(x > 0, sqrt(x), 0): the forward output is fine, but sqrt's derivative 1/(2·sqrt(x)) is NaN at
    // x < 0, and 0 · NaN = NaN flows into x's gradient.
    const x = f64([-1, 4]);
    const trap = (y: Tensor): Tensor => where(y.gt(0), y.sqrt(), 0).sum();
    expect(Number.isNaN((grad(trap)(x).toArray() as number[])[0])).toBe(true);
    const e = caught(() => detectAnomaly(() => grad(trap)(x)));
    expect(e.op).toBe("sqrt");
    expect(e.message).toMatch(/safe input/);
    const safe = (y: Tensor): Tensor => where(y.gt(0), where(y.gt(0), y, 1).sqrt(), 0).sum();
    expect(detectAnomaly(() => grad(safe)(x)).toArray()).toEqual([0, 0.25]);
  });

  it("names the op whose VJP made an infinity, with the site recorded at the forward call", () => {
    const x = tensor([0], { dtype: "float64", requiresGrad: true });
    const e = caught(() => detectAnomaly(() => x.sqrt().sum().backward()));
    expect(e.op).toBe("sqrt");
    expect(e.phase).toBe("vjp");
    expect(e.site).toMatch(/anomaly\.test\.ts/);
  });

  it("also checks JVP tangents, and is an option of backward()", () => {
    const e = caught(() => detectAnomaly(() => jvp((y) => y.sqrt(), [f64([0])], [f64([1])])));
    expect(e.op).toBe("sqrt");
    expect(e.phase).toBe("jvp");
    const x = tensor([0], { dtype: "float64", requiresGrad: true });
    const y = x.sqrt().sum();
    expect(() => y.backward(undefined, { detectAnomaly: true })).toThrow(AnomalyError);
  });
});

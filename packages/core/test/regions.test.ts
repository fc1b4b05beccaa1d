import { describe, expect, it } from "vitest";
import { Regions } from "../src/kernels/wasm/regions.js";

describe("Regions (where resident arrays go in WebAssembly memory)", () => {
  it("reuses the lowest freed region that fits, splitting it", () => {
    const r = new Regions();
    const [a, b, c] = [r.take(64), r.take(32), r.take(16)];
    expect([a, b, c, r.end]).toEqual([0, 64, 96, 112]);
    r.release({ offset: a, bytes: 64 });
    expect(r.take(16)).toBe(0);
    expect(r.take(48)).toBe(16);
    expect(r.take(16)).toBe(112); // nothing free below the top fits
  });

  it("merges freed neighbours and lowers the top when the last region is freed", () => {
    const r = new Regions();
    const offsets = [r.take(16), r.take(16), r.take(16), r.take(16)];
    r.release({ offset: offsets[1]!, bytes: 16 });
    r.release({ offset: offsets[2]!, bytes: 16 });
    expect(r.free).toEqual([{ offset: 16, bytes: 32 }]);
    r.release({ offset: offsets[3]!, bytes: 16 }); // joins the free run, which now reaches the top
    expect([r.end, r.free]).toEqual([16, []]);
    r.release({ offset: offsets[0]!, bytes: 16 });
    expect([r.end, r.free]).toEqual([0, []]);
  });
});

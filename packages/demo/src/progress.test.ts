import { describe, expect, it } from "vitest";
import { progress } from "./progress.js";

/** Drives the callbacks through `epochs` epochs of `batches` batches of 10 items, 100 ms per batch. */
function drive(isTTY: boolean, epochs: number, batches = 3) {
  const written: string[] = [];
  let clock = 0;
  const cb = progress({ isTTY, write: (s) => void written.push(s) }, "moons", epochs, () => clock);
  for (let epoch = 1; epoch <= epochs; epoch++) {
    for (let batch = 1; batch <= batches; batch++) {
      clock += 100;
      cb.onBatchEnd!({ epoch, batch, batches, step: (epoch - 1) * batches + batch, size: 10, loss: 1 / epoch });
    }
    cb.onEpochEnd!({ epoch, epochs, loss: 1 / epoch, validation: {} });
  }
  return written;
}

describe("progress", () => {
  it("writes plain lines off a terminal: the first epoch, every fifth of the run, the last", () => {
    const lines = drive(false, 10);
    expect(lines.map((l) => /epoch +\d+\/10/.exec(l)?.[0])).toEqual(["epoch  1/10", "epoch  2/10", "epoch  4/10", "epoch  6/10", "epoch  8/10", "epoch 10/10"]);
    expect(lines.every((l) => l.endsWith("\n") && !l.includes("\r") && !l.includes("\x1b"))).toBe(true);
    expect(lines[5]).toBe("moons  epoch 10/10  loss 0.1000  100 items/s\n"); // 300 items in 3 s
  });

  it("redraws one bar in place on a terminal, ending with a full bar and a newline", () => {
    const out = drive(true, 2);
    expect(out.every((s) => s.startsWith("\r"))).toBe(true);
    expect(out.slice(0, -1).every((s) => !s.endsWith("\n"))).toBe(true);
    expect(out[0]).toContain(`[${"#".repeat(4)}${".".repeat(20)}] moons  epoch 1/2  loss 1.0000`);
    expect(out.at(-1)).toMatch(/^\r\[#{24}\] moons {2}epoch 2\/2 {2}loss 0\.5000 {2}100 items\/s\x1b\[K\n$/);
  });
});

import { Rng, randn } from "@tapegrad/core";
import { describe, expect, it } from "vitest";
import { exportOnnx } from "../src/index.js";
import { testModels } from "./models.js";
import { expectClose, runOrt } from "./ort.js";

describe("exported models in ONNX Runtime", () => {
  it.each(testModels)("runs $name as tapegrad does, at the traced batch size and at another", async ({ make, features }) => {
    const rng = new Rng(19);
    const net = make(rng);
    const bytes = exportOnnx(net, [randn([3, features], { rng })], { dynamicAxes: { 0: [0] } });
    for (const batch of [3, 8]) {
      const x = randn([batch, features], { rng });
      const [out] = await runOrt(bytes, [x]);
      expect(out!.shape).toEqual([batch, 10]);
      expectClose(out!, net.forward(x));
    }
  });

  it("without dynamicAxes, fixes the batch size (ONNX Runtime refuses another)", async () => {
    const rng = new Rng(1);
    const net = testModels[0]!.make(rng);
    const bytes = exportOnnx(net, [randn([2, 784], { rng })]);
    await expect(runOrt(bytes, [randn([3, 784], { rng })])).rejects.toThrow(/dimension|shape/i);
  });
});

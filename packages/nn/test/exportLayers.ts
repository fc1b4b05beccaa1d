/**
 * The round trip's first half: for every case of fixtures/layers, builds the tapegrad layer with
 * tapegrad's own initialisation (seeded), runs the case's inputs through it, and writes to the folder given
 * (`tsx --conditions=source packages/nn/test/exportLayers.ts DIR`) a safetensors file holding the layer's
 * `stateDict()` (as `save` writes it) under `state.`, the inputs and tapegrad's outputs. Then
 * `make_layers.py --check-roundtrip DIR` loads each state dict into the PyTorch layer and checks that
 * PyTorch computes the same outputs.
 */
import { readdirSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { manualSeed, noGrad, type Tensor } from "@tapegrad/core";
import { encodeSafetensors } from "../src/index.js";
import { builders } from "./pytorchBuilders.js";
import { numbered, readCase } from "./pytorchVectors.js";

const folder = process.argv[2];
if (folder === undefined) throw new Error("usage: exportLayers.ts OUTPUT_FOLDER");
await mkdir(folder, { recursive: true });
const names = readdirSync(new URL("./fixtures/layers/", import.meta.url)).map((f) => f.replace(/\.safetensors$/, ""));
for (const [i, name] of names.entries()) {
  const { tensors, config } = readCase(name);
  manualSeed(100 + i); // tapegrad's own initial values, not PyTorch's
  const module = builders[config.layer]!.build(config);
  const out: Record<string, Tensor> = {};
  for (const [key, t] of Object.entries(module.stateDict())) out[`state.${key}`] = t.cast(t.dtype); // a copy: calls below move BatchNorm's buffers
  config.calls.forEach((call, c) => {
    module.train(call.mode !== "eval");
    const inputs = numbered(tensors, `call${c}.input.`);
    inputs.forEach((x, k) => (out[`call${c}.input.${k}`] = x));
    noGrad(() => builders[config.layer]!.call(module, inputs, call)).forEach((o, k) => (out[`call${c}.output.${k}`] = o));
  });
  await writeFile(join(folder, `${name}.safetensors`), encodeSafetensors(out, { format: "pt", config: JSON.stringify(config) }));
}
console.log(`wrote ${names.length} cases to ${folder}`);

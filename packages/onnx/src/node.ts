import { writeFileAtomically } from "@tapegrad/core/node";
import { exportOnnx, type ExportableModule, type ExportOnnxOptions } from "./exportOnnx.js";
import type { Tensor, Tree } from "@tapegrad/core";

/**
 * Exports a model to an ONNX file (Node only): the bytes of `exportOnnx`, written atomically, so the
 * file is either the old one or the whole new one, never half-written. Returns the number of bytes.
 * @example
 * ```ts
 * await writeOnnx("model.onnx", mlp([4, 8, 2]), [zeros([1, 4])], { dynamicAxes: { 0: [0] } });
 * ```
 */
export async function writeOnnx(path: string, model: ExportableModule | ((...args: Tensor[]) => Tree), exampleArgs: readonly Tensor[], options: ExportOnnxOptions = {}): Promise<number> {
  const bytes = exportOnnx(model, exampleArgs, options);
  await writeFileAtomically(path, bytes);
  return bytes.length;
}

/// <reference lib="dom" />
import { zeros } from "@tapegrad/core";
import type { Sequential } from "@tapegrad/nn";
import { exportOnnx } from "@tapegrad/onnx";

/** The name of the downloaded file. */
export const onnxFileName = "playground.onnx";

/**
 * The network as an ONNX model: `points` `[n, 2]` in, for any n, and `logits` `[n, 1]` out (the
 * probability of class 1 is their sigmoid), its weights under their state-dict names.
 */
export function networkAsOnnx(model: Sequential): Uint8Array {
  return exportOnnx(model, [zeros([1, 2])], { dynamicAxes: { 0: [0] }, names: { inputs: ["points"], outputs: ["logits"] } });
}

/** Hands `bytes` to the browser as a file download named `filename`. */
export function offerDownload(bytes: Uint8Array, filename: string): void {
  const url = URL.createObjectURL(new Blob([bytes as Uint8Array<ArrayBuffer>], { type: "application/octet-stream" }));
  const link = document.createElement("a");
  link.href = url;
  link.download = filename;
  link.click();
  // The download has started from the URL once the click is handled; the URL can go after this turn.
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

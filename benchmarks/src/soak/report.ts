/** One heap reading of the soak run. */
export interface Sample {
  readonly step: number;
  /** `process.memoryUsage().heapUsed` after a full collection, in bytes. */
  readonly heapUsed: number;
  /**
   * `process.memoryUsage().arrayBuffers` at the same moment: tensor storage (typed arrays) and WebAssembly
   * memory live outside the JavaScript heap, so a leak of tensors shows here more than in `heapUsed`.
   */
  readonly arrayBuffers: number;
  /** The size of core's WebAssembly memory (`wasmMemoryUsage().bytes`): kernels' scratch, a jit program's arena and parameters. */
  readonly wasmMemory: number;
  /** The loss of that step, to show training was happening (NaN for the reading before the first step). */
  readonly loss: number;
}

const mb = (bytes: number): string => (bytes / 2 ** 20).toFixed(2);
const signed = (bytes: number): string => (bytes >= 0 ? "+" : "") + mb(bytes);

/**
 * An ASCII plot of heap used against step: one row per sample, a bar from the smallest reading, so growth
 * shows as bars lengthening down the page.
 */
export function asciiCurve(samples: readonly Sample[], width = 50): string {
  const lo = Math.min(...samples.map((s) => s.heapUsed));
  const hi = Math.max(...samples.map((s) => s.heapUsed));
  const span = Math.max(hi - lo, 1);
  const label = (s: Sample): string => String(s.step).padStart(6);
  return [
    `  step | heap used, MB (bar from ${mb(lo)} MB to ${mb(hi)} MB)`,
    ...samples.map((s) => `${label(s)} | ${"#".repeat(1 + Math.round(((s.heapUsed - lo) / span) * (width - 1))).padEnd(width)} ${mb(s.heapUsed)}`),
  ].join("\n");
}

/** The markdown table of the samples. */
export function sampleTable(samples: readonly Sample[], baseline: number): string {
  return [
    "| step | heap used (MB) | vs. end of warm-up (MB) | array buffers (MB) | WebAssembly memory (MB) | loss |",
    "|---:|---:|---:|---:|---:|---:|",
    ...samples.map(
      (s) => `| ${s.step} | ${mb(s.heapUsed)} | ${signed(s.heapUsed - baseline)} | ${mb(s.arrayBuffers)} | ${mb(s.wasmMemory)} | ${Number.isNaN(s.loss) ? "(before training)" : s.loss.toFixed(4)} |`,
    ),
  ].join("\n");
}

export { mb, signed };

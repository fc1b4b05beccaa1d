import { observeKernels } from "./autodiff/observers.js";
import { resetTapePeak, tapeStats } from "./autodiff/tapeStats.js";

/** What `profile` measured. */
export interface Profile<T> {
  /** The value `fn` returned. */
  result: T;
  /** Floating-point operations counted from every kernel that ran (forward, JVP and VJP work alike). */
  flops: number;
  /** The same, per primitive. */
  byOp: Record<string, { calls: number; flops: number }>;
  /** Wall-clock milliseconds. */
  ms: number;
  /**
   * The most bytes of taped values that `fn` added to the tape at once (values already taped before
   * `fn` ran are not counted): the memory reverse mode pays for keeping the forward pass.
   */
  peakTapeBytes: number;
}

/**
 * Runs `fn` and counts what it cost. Every computation in tapegrad, including the JVP and VJP rules, is
 * some primitive's kernel running, and each primitive's file states its cost from the shapes (matmul
 * 2mnk, elementwise one per element, reductions one per input element, data movement zero), so the
 * count is exact and independent of the machine.
 * @example
 * ```ts
 * const a = randn([2, 3]), b = randn([3, 4]);
 * profile(() => a.matmul(b)).flops; // 48 = 2·2·3·4
 * ```
 */
export function profile<T>(fn: () => T): Profile<T> {
  const byOp: Record<string, { calls: number; flops: number }> = {};
  let flops = 0;
  const base = tapeStats().liveBytes;
  const frame = enterPeakFrame();
  const start = performance.now();
  let result: T;
  try {
    result = observeKernels((e) => {
      const cost = e.rule.cost({ inputShapes: e.inputs.map((x) => x.shape), outShape: e.outShape, params: e.params });
      flops += cost;
      const entry = (byOp[e.rule.name] ??= { calls: 0, flops: 0 });
      entry.calls++;
      entry.flops += cost;
    }, fn);
  } finally {
    frames.pop();
  }
  const ms = performance.now() - start;
  return { result, flops, byOp, ms, peakTapeBytes: Math.max(frame.carried, tapeStats().peakBytes) - base };
}

/**
 * The tape keeps one peak, which each profile resets when it starts. So that a profile inside another
 * (adviseMode profiles, and may itself be profiled) does not lose the outer one's peak, each open
 * profile carries the largest peak seen before an inner one reset it.
 */
const frames: { carried: number }[] = [];

function enterPeakFrame(): { carried: number } {
  const outer = frames[frames.length - 1];
  if (outer) outer.carried = Math.max(outer.carried, tapeStats().peakBytes);
  resetTapePeak();
  const frame = { carried: 0 };
  frames.push(frame);
  return frame;
}

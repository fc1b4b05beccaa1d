import type { Tensor } from "../tensor.js";
import { installHooks } from "./hooks.js";

/**
 * What the tape holds right now: nodes recorded and not yet released by a backward pass, and the bytes
 * of the values they keep alive. A training loop whose every step ends in `backward()` returns both to
 * where they started, which is how tests show that the tape does not grow.
 */
export interface TapeStats {
  /** Taped op outputs whose node backward has not released yet. */
  liveNodes: number;
  /** Bytes of those outputs' values. */
  liveBytes: number;
  /** The largest `liveBytes` seen since the last `resetTapePeak()`. */
  peakBytes: number;
}

const stats: TapeStats = { liveNodes: 0, liveBytes: 0, peakBytes: 0 };

function bytesOf(t: Tensor): number {
  return t.size * (t.dtype === "float64" ? 8 : 4);
}

/** Called when an op output is taped. */
function noteRecorded(out: Tensor): void {
  stats.liveNodes++;
  stats.liveBytes += bytesOf(out);
  if (stats.liveBytes > stats.peakBytes) stats.peakBytes = stats.liveBytes;
}

/** Called when backward releases a node. */
function noteReleased(out: Tensor): void {
  stats.liveNodes--;
  stats.liveBytes -= bytesOf(out);
}

// Always on: the counts are cheap, and a count that started late would be wrong.
installHooks({ recorded: noteRecorded, released: noteReleased });

/**
 * A snapshot of the tape's size. Nodes that are never walked by backward (a forward pass whose result
 * is dropped) are not released by it; the garbage collector frees them, but they stay in this count, so
 * run evaluation under `noGrad` to keep the count meaningful.
 *
 * @example
 * ```ts
 * const before = tapeStats().liveNodes;
 * model.forward(x).sum().backward();
 * tapeStats().liveNodes === before; // true: backward released the step's tape
 * ```
 */
export function tapeStats(): Readonly<TapeStats> {
  return { ...stats };
}

/**
 * Starts a new peak measurement from the current size.
 * @example
 * ```ts
 * resetTapePeak();
 * const before = tapeStats().liveBytes;
 * grad(loss)(params);
 * tapeStats().peakBytes - before; // the most bytes the tape held during that gradient
 * ```
 */
export function resetTapePeak(): void {
  stats.peakBytes = stats.liveBytes;
}

import type { DType } from "../dtype.js";
import type { TraceGraph } from "../trace/graph.js";

/** Where each value of a program lives: a byte offset into the one arena, or none (inputs, state). */
export interface BufferPlan {
  /** Byte offset of each value's buffer in the arena; -1 for values that live elsewhere. */
  readonly offsets: readonly number[];
  /** The arena's size in bytes. */
  readonly bytes: number;
  /** The values that get arrays of their own (pinned, and written by the program). */
  readonly pinned: readonly number[];
  /** The bytes the values would take with one buffer each: what sharing saved. */
  readonly unsharedBytes: number;
}

const ALIGN = 16; // bytes: every buffer starts on a SIMD lane boundary

const bytesPer = (dtype: DType): number => (dtype === "float64" ? 8 : 4);

/**
 * Assigns the program's buffers by liveness: each value computed by the program (a node's output, a
 * gradient read, a random draw) is live from the step that writes it to the last step that reads it,
 * and values whose lives do not overlap share bytes of the arena (first fit, lowest offset). `pinned`
 * values (the outputs and the gradients left in `.grad`) outlive the call and the program itself: they
 * are not in the arena (offset -1) but listed in `pinned`, for the program to give each an array of its own.
 * `order` gives each value's writing step and `lastUse` its last reading step. A value listed in
 * `aliases` takes over the buffer of the value it maps to, which dies at the step writing it (a product
 * added into a running sum: the sum's buffer becomes the add's output).
 * @example
 * ```ts
 * const plan = planBuffers(graph, writtenAt, lastUse, pinned); // plan.bytes <= plan.unsharedBytes
 * ```
 */
export function planBuffers(
  graph: TraceGraph, writtenAt: readonly number[], lastUse: readonly number[], pinned: ReadonlySet<number>, aliases: ReadonlyMap<number, number> = new Map(),
): BufferPlan {
  const offsets = graph.values.map(() => -1);
  const planned = graph.values.filter((v) => writtenAt[v.id]! >= 0).sort((a, b) => writtenAt[a.id]! - writtenAt[b.id]!);
  const sizeOf = (id: number): number => {
    const v = graph.values[id]!;
    const n = v.shape.reduce((a, b) => a * b, 1) * bytesPer(v.dtype);
    return Math.ceil(n / ALIGN) * ALIGN;
  };
  // Live allocations, kept sorted by offset: [offset, size, end step].
  let live: [number, number, number][] = [];
  let bytes = 0;
  let unsharedBytes = 0;
  const pinnedValues: number[] = [];
  for (const v of planned) {
    const size = sizeOf(v.id);
    unsharedBytes += size;
    if (pinned.has(v.id)) {
      pinnedValues.push(v.id);
      continue;
    }
    const start = writtenAt[v.id]!;
    // A value read by the step that writes another must not share its bytes: free only what ended before.
    if (live.some(([, , end]) => end < start)) live = live.filter(([, , end]) => end >= start);
    const heir = aliases.get(v.id);
    const inherited = heir === undefined ? undefined : live.find(([begin]) => begin === offsets[heir]);
    if (heir !== undefined && inherited === undefined) throw new Error(`jit: internal error, value ${v.id} was to take over the buffer of value ${heir}, which has none`);
    if (inherited !== undefined) {
      inherited[2] = Math.max(inherited[2], lastUse[v.id]!, start); // the same bytes, living on as this value
      offsets[v.id] = inherited[0];
      continue;
    }
    let offset = 0;
    let at = 0;
    for (; at < live.length; at++) {
      const [begin, length] = live[at]!;
      if (begin - offset >= size) break;
      offset = Math.max(offset, begin + length);
    }
    live.splice(at, 0, [offset, size, Math.max(lastUse[v.id]!, start)]);
    offsets[v.id] = offset;
    bytes = Math.max(bytes, offset + size);
  }
  return { offsets, bytes, unsharedBytes, pinned: pinnedValues };
}

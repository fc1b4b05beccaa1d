/** A region of a memory: its byte offset and size. */
export interface Region {
  readonly offset: number;
  readonly bytes: number;
}

/**
 * First-fit allocation of regions at the bottom of a memory: `take` reuses the lowest freed region that
 * fits, else extends the top (`end`); `release` returns a region, merging it with free neighbours, and
 * lowers the top when the region was the last one. What lies above `end` is free for scratch.
 * @example
 * ```ts
 * const r = new Regions();
 * const a = r.take(64), b = r.take(32); // offsets 0 and 64; r.end === 96
 * r.release({ offset: b, bytes: 32 }); // r.end === 64
 * ```
 */
export class Regions {
  /** The top of the taken regions, in bytes. */
  end = 0;
  /** Freed regions below `end`, sorted by offset, none adjacent to another. */
  readonly free: Region[] = [];

  /** The offset of a region of `bytes`. */
  take(bytes: number): number {
    const i = this.free.findIndex((r) => r.bytes >= bytes);
    if (i < 0) {
      this.end += bytes;
      return this.end - bytes;
    }
    const { offset, bytes: size } = this.free[i]!;
    if (size === bytes) this.free.splice(i, 1);
    else this.free[i] = { offset: offset + bytes, bytes: size - bytes };
    return offset;
  }

  /** Gives back a region that `take` returned. */
  release(region: Region): void {
    const free = this.free;
    let at = free.findIndex((r) => r.offset > region.offset);
    if (at < 0) at = free.length;
    free.splice(at, 0, region);
    const merge = (i: number): void => {
      const [a, b] = [free[i], free[i + 1]];
      if (a !== undefined && b !== undefined && a.offset + a.bytes === b.offset) free.splice(i, 2, { offset: a.offset, bytes: a.bytes + b.bytes });
    };
    merge(at);
    if (at > 0) merge(at - 1);
    const last = free[free.length - 1];
    if (last !== undefined && last.offset + last.bytes === this.end) {
      this.end = last.offset;
      free.pop();
    }
  }
}

import { ValueError } from "./errors.js";

/**
 * A seedable random number generator: xoshiro128** seeded through splitmix32. It uses only 32-bit
 * integer arithmetic, so the same seed gives the same numbers on every machine and JavaScript engine;
 * normal draws use the Box–Muller transform on V8's own (portable) Math.log and Math.cos.
 *
 * @example
 * ```ts
 * const rng = new Rng(42);
 * rng.uniform();   // a number in [0, 1)
 * rng.normal();    // a standard normal draw
 * ```
 */
export class Rng {
  #s: Uint32Array;
  #spareNormal: number | null = null;

  constructor(seed = 0) {
    if (!Number.isInteger(seed)) throw new ValueError("Rng", `seed must be an integer, got ${seed}`);
    let x = seed >>> 0;
    const splitmix = (): number => {
      x = (x + 0x9e3779b9) >>> 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.#s = Uint32Array.of(splitmix(), splitmix(), splitmix(), splitmix());
  }

  /** The next 32 random bits as an unsigned integer. */
  nextUint32(): number {
    const s = this.#s;
    const result = Math.imul(rotl(Math.imul(s[1]!, 5) >>> 0, 7), 9) >>> 0;
    const t = (s[1]! << 9) >>> 0;
    s[2]! ^= s[0]!;
    s[3]! ^= s[1]!;
    s[1]! ^= s[2]!;
    s[0]! ^= s[3]!;
    s[2]! ^= t;
    s[3] = rotl(s[3]!, 11);
    return result;
  }

  /** A uniform draw from [0, 1) with 32 bits of resolution. */
  uniform(): number {
    return this.nextUint32() / 4294967296;
  }

  /** A uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.uniform() * n);
  }

  /** A standard normal draw (Box–Muller; the second value of each pair is kept for the next call). */
  normal(): number {
    if (this.#spareNormal !== null) {
      const v = this.#spareNormal;
      this.#spareNormal = null;
      return v;
    }
    const u = 1 - this.uniform(); // in (0, 1], so log(u) is finite
    const v = this.uniform();
    const r = Math.sqrt(-2 * Math.log(u));
    this.#spareNormal = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  /** A uniformly random permutation of 0..n-1 (Fisher–Yates). */
  permutation(n: number): number[] {
    const p = Array.from({ length: n }, (_, i) => i);
    for (let i = n - 1; i > 0; i--) {
      const j = this.int(i + 1);
      [p[i], p[j]] = [p[j]!, p[i]!];
    }
    return p;
  }

  /** The generator's whole state, to save and restore a run exactly. */
  getState(): number[] {
    return [...this.#s, this.#spareNormal ?? Number.NaN];
  }

  /** Restores a state from `getState()`. */
  setState(state: readonly number[]): void {
    if (state.length !== 5) throw new ValueError("Rng", `a state has 5 entries, got ${state.length}`);
    this.#s = Uint32Array.from(state.slice(0, 4));
    this.#spareNormal = Number.isNaN(state[4]) ? null : state[4]!;
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

/** The generator that creation functions use when no `rng` is given; `manualSeed` resets it. */
export let defaultRng = new Rng(0);

/**
 * Reseeds the default generator, as `torch.manual_seed` does.
 * @example
 * ```ts
 * manualSeed(1); const a = randn([2]); manualSeed(1); const b = randn([2]); // a and b are equal
 * ```
 */
export function manualSeed(seed: number): void {
  defaultRng = new Rng(seed);
}

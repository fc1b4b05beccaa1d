import { Rng, Tensor, tensor, ShapeError, ValueError, zeros } from "@tapegrad/core";

/**
 * A dataset: named tensors whose first axis indexes the same items (`{ x, y }`), the one dataset type of
 * tapegrad (each part of a loaded data set, a {@link Split}, is one). `D` is the dataset's own type: a
 * mapped type over its keys, rather than an index signature, so interfaces with tensor fields (such as
 * `Split`) fit as they are; `Dataset` alone is any record of tensors.
 *
 * Data loading lives here, with the data sets, rather than with the optimizers: a loader is about the
 * data (its items, their order, batches of them), and `@tapegrad/optim` only re-exports it.
 * @example
 * ```ts
 * const data: Dataset<{ x: Tensor; y: Tensor }> = { x: randn([10, 2]), y: zeros([10]) };
 * ```
 */
export type Dataset<D = Record<string, Tensor>> = { readonly [K in keyof D]: Tensor };

/** A mini-batch: the same names, each tensor holding the batch's rows. */
export type Batch<D extends Dataset<D>> = { [K in keyof D]: Tensor };

/** Options of {@link DataLoader}. */
export interface DataLoaderOptions {
  /** Items per batch (≥ 1). */
  batchSize: number;
  /** Draw a fresh random order for each epoch; default false (items in order). */
  shuffle?: boolean;
  /** Seed of the loader's own generator; default 0. */
  seed?: number;
  /** Drop an epoch's last batch when it is smaller than `batchSize`; default false. */
  dropLast?: boolean;
}

/** JSON form of a loader's position: its generator, the current epoch's order and how far into it. */
export interface DataLoaderStateDict {
  readonly rng: readonly (number | null)[];
  readonly epoch: number;
  readonly order: readonly number[] | null;
  readonly cursor: number;
}

/**
 * Mini-batches drawn without replacement, as the lecture (§3) describes: each epoch is a fresh random
 * permutation of the D items, batch 1 takes the first b of it, each next batch the next b of those left,
 * and when all are used all are put back. The loader owns a seeded {@link Rng}, so one seed gives the same
 * batches on every machine, and its state (generator, order, position) is in `stateDict()`: a resumed
 * run draws exactly the batches it would have drawn.
 *
 * Iterating gives the rest of the current epoch (a whole new one if the last was finished), so a loop
 * that stops early continues where it stopped, like the lecture's stream of draws.
 *
 * @example
 * ```ts
 * const loader = new DataLoader({ x: X, y: Y }, { batchSize: 32, shuffle: true, seed: 0 });
 * for (const { x, y } of loader) { opt.zeroGrad(); loss(model(x), y).backward(); opt.step(); }
 * ```
 */
export class DataLoader<D extends Dataset<D>> {
  /** Number of items D. */
  readonly length: number;
  /** The dataset's names and tensors, in key order. */
  readonly #columns: readonly (readonly [string, Tensor])[];
  readonly #batchSize: number;
  readonly #shuffle: boolean;
  readonly #dropLast: boolean;
  readonly #rng: Rng;
  #epoch = 0;
  #order: number[] | null = null;
  #cursor = 0;

  constructor(data: D, options: DataLoaderOptions) {
    // Object.keys lists the string keys, the only ones a dataset has (symbols name no tensor).
    const columns = (Object.keys(data) as (keyof D & string)[]).map((name) => [name, data[name]] as const);
    const names = columns.map(([name]) => name);
    if (names.length === 0) throw new ValueError("DataLoader", `option data must name at least one tensor (got {})`);
    // Typed as tensors, but JavaScript callers can pass anything: checked here, once.
    const lengths = columns.map(([n, t]) => {
      if (!(t instanceof Tensor) || t.shape.length === 0) {
        throw new ValueError("DataLoader", `data.${n} must be a tensor with an item axis first (got ${String(t)})`);
      }
      return t.shape[0]!;
    });
    const first = lengths[0]!;
    const bad = lengths.findIndex((n) => n !== first);
    if (bad >= 0) {
      throw new ShapeError("DataLoader", `data.${names[0]} has ${first} items but data.${names[bad]} has ${lengths[bad]}`, columns.map(([, t]) => t.shape));
    }
    if (first === 0) throw new ValueError("DataLoader", `option data holds no items (data.${names[0]} has length 0)`);
    this.length = first;
    this.#columns = columns;
    const batchSize = options.batchSize;
    if (!Number.isInteger(batchSize) || batchSize < 1) throw new ValueError("DataLoader", `option batchSize must be an integer >= 1 (got ${String(batchSize)})`);
    this.#batchSize = batchSize;
    this.#shuffle = options.shuffle ?? false;
    this.#dropLast = options.dropLast ?? false;
    const seed = options.seed ?? 0;
    if (!Number.isSafeInteger(seed)) throw new ValueError("DataLoader", `option seed must be an integer (got ${seed})`);
    this.#rng = new Rng(seed);
  }

  /** Epochs begun so far (1 during the first). */
  get epoch(): number {
    return this.#epoch;
  }

  /** Batches in one full epoch. */
  get batchesPerEpoch(): number {
    return this.#dropLast ? Math.floor(this.length / this.#batchSize) : Math.ceil(this.length / this.#batchSize);
  }

  /**
   * The item indices of the next batch, starting a new epoch (a fresh permutation) when the current one
   * is used up. Null when `dropLast` leaves no full batch at all.
   */
  nextIndices(): number[] | null {
    if (this.#order === null || this.#remaining() === 0) this.#startEpoch();
    if (this.#remaining() === 0) return null;
    const order = this.#order!;
    const take = Math.min(this.#batchSize, order.length - this.#cursor);
    const indices = order.slice(this.#cursor, this.#cursor + take);
    this.#cursor += take;
    return indices;
  }

  /** The rest of the current epoch's batches (a whole epoch if the last one was finished). */
  *[Symbol.iterator](): IterableIterator<Batch<D>> {
    do {
      const indices = this.nextIndices();
      if (indices === null) return;
      yield this.gather(indices);
    } while (this.#remaining() > 0);
  }

  /** The items at `indices`, one tensor per name, rows in the given order. */
  gather(indices: readonly number[]): Batch<D> {
    const bad = indices.findIndex((i) => !Number.isInteger(i) || i < 0 || i >= this.length);
    if (bad >= 0) throw new ValueError("DataLoader", `gather: index ${indices[bad]} (at ${bad}) is not an item in [0, ${this.length})`);
    const out: Record<string, Tensor> = {};
    for (const [name, t] of this.#columns) {
      const row = t.size / t.shape[0]!;
      const src = t.data;
      // Each column keeps its dtype: int32 class labels stay int32 indices.
      const dst = zeros([indices.length * row], { dtype: t.dtype }).data;
      indices.forEach((item, b) => dst.set(src.subarray(item * row, (item + 1) * row), b * row));
      out[name] = tensor(dst, { shape: [indices.length, ...t.shape.slice(1)] });
    }
    return out as Batch<D>;
  }

  /** The loader's position, JSON-ready. */
  stateDict(): DataLoaderStateDict {
    const rng = this.#rng.getState().map((v) => (Number.isNaN(v) ? null : v));
    return { rng, epoch: this.#epoch, order: this.#order === null ? null : [...this.#order], cursor: this.#cursor };
  }

  /** Restores a position from `stateDict()` of a loader over a dataset of the same length. */
  loadStateDict(sd: DataLoaderStateDict): void {
    checkLoaderState(sd, this.length);
    this.#rng.setState(sd.rng.map((v) => v ?? Number.NaN));
    this.#epoch = sd.epoch;
    this.#order = sd.order === null ? null : [...sd.order];
    this.#cursor = sd.cursor;
  }

  /** Items left in this epoch that can still form a batch. */
  #remaining(): number {
    const left = this.#order === null ? 0 : this.#order.length - this.#cursor;
    return this.#dropLast && left < this.#batchSize ? 0 : left;
  }

  #startEpoch(): void {
    this.#epoch += 1;
    this.#order = this.#shuffle ? this.#rng.permutation(this.length) : Array.from({ length: this.length }, (_, i) => i);
    this.#cursor = 0;
  }
}

/**
 * Checks a loader state read from outside (a JSON file) before anything changes: a generator state of
 * four 32-bit words and a spare normal (or null), a whole epoch count, an order that is a permutation of
 * the dataset's items (any other index would gather rows that do not exist), and a cursor inside it.
 */
function checkLoaderState(sd: DataLoaderStateDict, length: number): void {
  const fail = (what: string, value: unknown): never => {
    throw new ValueError("DataLoader", `state ${what} (got ${typeof value === "number" ? value : (JSON.stringify(value)?.slice(0, 80) ?? String(value))})`);
  };
  if (typeof sd !== "object" || sd === null) return fail("must be an object from stateDict()", sd);
  const { rng, epoch, order, cursor } = sd;
  const word = (v: unknown): boolean => Number.isInteger(v) && (v as number) >= 0 && (v as number) < 2 ** 32;
  if (!Array.isArray(rng) || rng.length !== 5 || !rng.slice(0, 4).every(word) || !(rng[4] === null || typeof rng[4] === "number")) {
    fail("rng must be four 32-bit words and a number or null", rng);
  }
  if (!Number.isSafeInteger(epoch) || epoch < 0) fail("epoch must be an integer >= 0", epoch);
  if (order !== null) {
    if (!Array.isArray(order)) return fail("order must be null or an array", order);
    if (order.length !== length) throw new ValueError("DataLoader", `state order has ${order.length} items, the dataset ${length}`);
    const seen = new Set(order);
    if (seen.size !== length || !order.every((i) => Number.isInteger(i) && i >= 0 && i < length)) fail(`order must be a permutation of 0..${length - 1}`, order);
  }
  if (!Number.isInteger(cursor) || cursor < 0 || cursor > (order?.length ?? 0)) fail(`cursor must be an integer inside the epoch's ${order?.length ?? 0} items`, cursor);
}

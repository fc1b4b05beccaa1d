/**
 * @tapegrad/datasets: small real data sets shipped inside the package (digits, breast cancer, iris,
 * diabetes; attribution in `data/PROVENANCE.md` and the `.rst` files) with seeded train/test splits, and
 * seeded synthetic two-class sets in the plane for decision-boundary pictures; and {@link DataLoader}, which
 * draws seeded mini-batches from any of them without replacement.
 *
 * @example
 * ```ts
 * import { DataLoader, loadDigits, moons } from "@tapegrad/datasets";
 * const { train, test, classNames } = loadDigits({ seed: 0, standardize: true });
 * const { x, y } = moons({ n: 200, noise: 0.1, seed: 0 });
 * for (const batch of new DataLoader(train, { batchSize: 32, shuffle: true, seed: 0 })) step(batch.x, batch.y);
 * ```
 * @packageDocumentation
 */
export type { TrainTestSplit, LoadOptions, Split } from "./types.js";
export { DataLoader } from "./dataLoader.js";
export type { Dataset, Batch, DataLoaderOptions, DataLoaderStateDict } from "./dataLoader.js";
export { loadDigits, loadBreastCancer, loadIris, loadDiabetes } from "./real.js";
export type { SyntheticOptions } from "./synthetic/generate.js";
export { moons } from "./synthetic/moons.js";
export { circles } from "./synthetic/circles.js";
export { spirals } from "./synthetic/spirals.js";
export { xor } from "./synthetic/xor.js";
export { blobs } from "./synthetic/blobs.js";

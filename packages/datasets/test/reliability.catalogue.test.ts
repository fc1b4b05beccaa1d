import { ShapeError, tensor, ValueError } from "@tapegrad/core";
import { describeCatalogue, type CatalogueRow } from "../../../test-support/catalogue.js";
import { DataLoader } from "../src/index.js";

/**
 * datasets' catalogue of bad inputs: the DataLoader's options, data, indices and states. Each row states
 * the error class, the owner it names (`error.op`), the shapes carried (for a ShapeError) and what the
 * message says.
 */

const data = { x: tensor([[1], [2], [3]]), y: tensor([0, 1, 0]) };
const loaderState = { rng: [1, 2, 3, 4, null], epoch: 1, order: [0, 1, 2], cursor: 0 };

const rows: readonly CatalogueRow[] = [
  { bad: "batch size 0", call: () => new DataLoader(data, { batchSize: 0 }), error: ValueError, op: "DataLoader", says: "option batchSize must be an integer >= 1 (got 0)" },
  { bad: "batch size NaN", call: () => new DataLoader(data, { batchSize: Number.NaN }), error: ValueError, op: "DataLoader", says: "option batchSize must be an integer >= 1 (got NaN)" },
  { bad: "seed NaN", call: () => new DataLoader(data, { batchSize: 1, seed: Number.NaN }), error: ValueError, op: "DataLoader", says: "option seed must be an integer (got NaN)" },
  { bad: "no tensors", call: () => new DataLoader({}, { batchSize: 1 }), error: ValueError, op: "DataLoader", says: "option data must name at least one tensor" },
  { bad: "tensors of different lengths", call: () => new DataLoader({ x: tensor([1, 2]), y: tensor([1]) }, { batchSize: 1 }), error: ShapeError, op: "DataLoader", shapes: [[2], [1]], says: "data.x has 2 items but data.y has 1" },
  { bad: "a scalar as a dataset", call: () => new DataLoader({ x: tensor(1) }, { batchSize: 1 }), error: ValueError, op: "DataLoader", says: "data.x must be a tensor with an item axis first (got float32[])" },
  { bad: "gather of an index past the items", call: () => new DataLoader(data, { batchSize: 1 }).gather([0, 5]), error: ValueError, op: "DataLoader", says: "gather: index 5 (at 1) is not an item in [0, 3)" },
  { bad: "gather of a NaN index", call: () => new DataLoader(data, { batchSize: 1 }).gather([Number.NaN]), error: ValueError, op: "DataLoader", says: "gather: index NaN (at 0) is not an item" },
  { bad: "loader state whose order is not a permutation", call: () => new DataLoader(data, { batchSize: 1 }).loadStateDict({ ...loaderState, order: [0, 1, 7] }), error: ValueError, op: "DataLoader", says: "state order must be a permutation of 0..2 (got [0,1,7])" },
  { bad: "loader state with a NaN cursor", call: () => new DataLoader(data, { batchSize: 1 }).loadStateDict({ ...loaderState, cursor: Number.NaN }), error: ValueError, op: "DataLoader", says: "state cursor must be an integer inside the epoch's 3 items (got NaN)" },
  { bad: "loader state with a short generator state", call: () => new DataLoader(data, { batchSize: 1 }).loadStateDict({ ...loaderState, rng: [1, 2, 3] }), error: ValueError, op: "DataLoader", says: "state rng must be four 32-bit words and a number or null (got [1,2,3])" },
];

describeCatalogue("datasets' catalogue of bad inputs", rows);

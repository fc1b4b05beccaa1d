import { ValueError } from "@tapegrad/core";
import { readDataFile } from "./files.js";
import { splitTable, type Table } from "./split.js";
import { parseRows } from "./table.js";
import type { TrainTestSplit, LoadOptions } from "./types.js";

/**
 * Reads a scikit-learn style CSV whose first line is `rows,features,class names…` and whose last column
 * is the class index, and checks the counts the header promises.
 */
function labelledCsv(file: string): Table {
  const text = readDataFile(file);
  const newline = text.indexOf("\n");
  const [rows, features, ...classNames] = text.slice(0, newline).trim().split(",");
  const data = parseRows(text.slice(newline + 1), file, Number(features) + 1, /,/, 2);
  if (data.length !== Number(rows)) throw new ValueError("datasets", `${file}: header promises ${rows} rows, found ${data.length}`);
  return {
    features: data.map((r) => r.slice(0, -1)),
    targets: data.map((r) => r[r.length - 1]!),
    classNames,
  };
}

/**
 * Handwritten digits: 1797 images of 8×8 pixels (values 0..16) flattened to 64 features, 10 classes.
 * UCI "Optical Recognition of Handwritten Digits" via scikit-learn; see `data/digits.rst`.
 * @example
 * ```ts
 * const { train, test } = loadDigits({ seed: 0, standardize: true });
 * train.x.shape; // [1438, 64]
 * test.y.shape;  // [359]
 * ```
 */
export function loadDigits(options?: LoadOptions): TrainTestSplit {
  const data = parseRows(readDataFile("digits.csv.gz"), "digits.csv.gz", 65, /,/);
  const table = {
    features: data.map((r) => r.slice(0, 64)),
    targets: data.map((r) => r[64]!),
    classNames: Array.from({ length: 10 }, (_, i) => String(i)),
  };
  return splitTable("loadDigits", table, options);
}

/**
 * Breast cancer Wisconsin (diagnostic): 569 examples, 30 features, classes malignant (0) and benign (1).
 * See `data/breast_cancer.rst`.
 * @example
 * ```ts
 * const { train, classNames } = loadBreastCancer({ standardize: true });
 * train.x.shape; // [455, 30]
 * classNames;    // ["malignant", "benign"]
 * ```
 */
export function loadBreastCancer(options?: LoadOptions): TrainTestSplit {
  return splitTable("loadBreastCancer", labelledCsv("breast_cancer.csv"), options);
}

/**
 * Fisher's iris: 150 examples, 4 features, classes setosa, versicolor, virginica. See `data/iris.rst`.
 * @example
 * ```ts
 * loadIris().train.x.shape; // [120, 4]
 * ```
 */
export function loadIris(options?: LoadOptions): TrainTestSplit {
  return splitTable("loadIris", labelledCsv("iris.csv"), options);
}

/**
 * Diabetes (regression): 442 patients, 10 raw baseline variables (age, sex, bmi, bp, s1..s6), and a
 * measure of disease progression one year later as the target. See `data/diabetes.rst`.
 * @example
 * ```ts
 * const { train } = loadDiabetes({ standardize: true });
 * train.x.shape; // [354, 10]
 * train.y.shape; // [354]
 * ```
 */
export function loadDiabetes(options?: LoadOptions): TrainTestSplit {
  const features = parseRows(readDataFile("diabetes_data_raw.csv.gz"), "diabetes_data_raw.csv.gz", 10, / +/);
  const targets = parseRows(readDataFile("diabetes_target.csv.gz"), "diabetes_target.csv.gz", 1, / +/).map((r) => r[0]!);
  if (features.length !== targets.length) {
    throw new ValueError("loadDiabetes", `${features.length} feature rows but ${targets.length} targets`);
  }
  return splitTable("loadDiabetes", { features, targets, classNames: [] }, options);
}

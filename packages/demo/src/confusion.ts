import type { Tensor } from "@tapegrad/core";

/**
 * The confusion matrix of `[n, classes]` scores against `[n]` class indices: entry [t][p] counts the
 * items of true class t predicted as p (the largest score), so the diagonal holds the right answers.
 * @example
 * ```ts
 * confusion(tensor([[2, 1], [0, 3], [5, 1]]), tensor([0, 1, 1])); // [[1, 0], [1, 1]]
 * ```
 */
export function confusion(scores: Tensor, target: Tensor): number[][] {
  const [n, classes] = scores.shape as [number, number];
  const m = Array.from({ length: classes }, () => new Array<number>(classes).fill(0));
  const predicted = scores.argmax(-1).data; // the first largest score on ties
  for (let i = 0; i < n; i++) m[target.data[i]!]![predicted[i]!]! += 1;
  return m;
}

/**
 * A confusion matrix as aligned text: predicted classes across, true classes down.
 * @example
 * ```ts
 * formatConfusion([[1, 0], [1, 1]], ["a", "b"]);
 * ```
 */
export function formatConfusion(m: readonly (readonly number[])[], names: readonly string[]): string {
  const width = Math.max(3, ...m.flat().map((v) => String(v).length), ...names.map((s) => s.length));
  const cell = (s: string): string => s.padStart(width);
  const header = `${"true \\ predicted".padEnd(17)}${names.map(cell).join(" ")}`;
  return [header, ...m.map((row, t) => `${names[t]!.padEnd(17)}${row.map((v) => cell(String(v))).join(" ")}`)].join("\n");
}

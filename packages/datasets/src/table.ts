import { ValueError } from "@tapegrad/core";

/**
 * Parses rows of numbers separated by `separator` (a regular expression, so runs of spaces count as one).
 * Blank lines are skipped; every row must have `columns` numbers, and a malformed one is reported with
 * its file and line, because a silently shifted column would corrupt every later result.
 * @internal
 */
export function parseRows(text: string, source: string, columns: number, separator: RegExp, firstLine = 1): number[][] {
  const rows: number[][] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    if (line.trim() === "") return;
    const fields = line.trim().split(separator);
    const values = fields.map(Number);
    if (fields.length !== columns || values.some((v) => !Number.isFinite(v))) {
      throw new ValueError("datasets", `${source} line ${i + firstLine}: expected ${columns} numbers, got "${line.slice(0, 80)}"`);
    }
    rows.push(values);
  });
  return rows;
}

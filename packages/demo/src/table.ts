/**
 * Rows of strings as a text table: columns padded to their widest cell, a rule under the header.
 * @example
 * ```ts
 * textTable([["task", "time"], ["moons", "1.2 s"]]);
 * // task   time
 * // -----  -----
 * // moons  1.2 s
 * ```
 */
export function textTable(rows: readonly (readonly string[])[]): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? "").length)));
  const line = (r: readonly string[]): string => r.map((cell, c) => cell.padEnd(widths[c]!)).join("  ").trimEnd();
  return [line(rows[0]!), widths.map((w) => "-".repeat(w)).join("  "), ...rows.slice(1).map(line)].join("\n");
}

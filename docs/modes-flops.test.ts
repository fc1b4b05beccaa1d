import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { CHART_AT, countGrid } from "../benchmarks/src/modes/grid.js";
import { flopCharts, flopSection, readmeSentence } from "../benchmarks/src/modes/report.js";

/**
 * The counted FLOPs on the pages are written by the modes benchmark (`pnpm bench:modes`), and here they are
 * recomputed at HEAD: the whole grid's counts (about a second; nothing is timed), then the same tables,
 * sentences and charts the benchmark writes. A change to the code that changes a count fails this test
 * until the benchmark has been run again. Times are not checked: they depend on the machine, and the page
 * labels them with the commit and machine they came from.
 */
const root = new URL("../", import.meta.url);
const read = (path: string): string => readFileSync(fileURLToPath(new URL(path, root)), "utf8");

/** The text between `<!-- name:begin -->` and `<!-- name:end -->`, without the newlines next to the markers. */
function between(text: string, name: string): string {
  const [begin, end] = [`<!-- ${name}:begin -->`, `<!-- ${name}:end -->`];
  const [a, b] = [text.indexOf(begin), text.indexOf(end)];
  if (a < 0 || b < a) throw new Error(`no ${begin} … ${end} markers`);
  return text.slice(a + begin.length, b).replace(/^\n/, "").replace(/\n$/, "");
}

describe("the modes benchmark's FLOP counts on the pages", () => {
  const cells = countGrid("sigmoid");
  const stale = "is stale: run `pnpm bench:modes` (or fix the code)";

  it("docs/forward-vs-reverse.md: the FLOP tables and the sentences about them", () => {
    expect(between(read("docs/forward-vs-reverse.md"), "modes-flops"), `the FLOP section ${stale}`).toBe(flopSection(cells));
  });

  it("README.md: the sentence on the fitted slopes", () => {
    expect(between(read("README.md"), "modes-flops"), `the README's modes sentence ${stale}`).toBe(readmeSentence(cells));
  });

  it("docs/img: the FLOP charts", () => {
    for (const [name, svg] of Object.entries(flopCharts(cells, CHART_AT.s, CHART_AT.n))) {
      expect(read(`docs/img/${name}`), `docs/img/${name} ${stale}`).toBe(svg + "\n");
    }
  });
});

/**
 * The forward-vs-reverse benchmark (docs/forward-vs-reverse.md): the lecture's network, the full
 * parameter gradient computed three ways over a grid of widths n and depths s, counted FLOPs and median
 * times, log-log slopes, and a markdown table and SVG charts written into docs/.
 *
 *   pnpm --filter @tapegrad/benchmarks bench:modes            full grid, writes docs/
 *   pnpm --filter @tapegrad/benchmarks bench:modes --quick    n ≤ 16, s ≤ 2, prints only
 *   pnpm --filter @tapegrad/benchmarks bench:modes --flops-only   counts only (a second), rewrites the FLOP parts
 *
 * Options: --activation sigmoid|relu (default sigmoid; relu prints only), --budget <seconds per run> (default 60),
 * --no-write (print only). The FLOP tables it writes are recomputed by docs/modes-flops.test.ts.
 */
import { readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { availableParallelism, cpus, loadavg } from "node:os";
import { execFileSync } from "node:child_process";
import { threads } from "@tapegrad/core";
import { measureCell, RateBook, type Cell } from "./measure.js";
import { lectureNetwork, type Activation } from "./network.js";
import { CHART_AT, countGrid, GRID, QUICK_GRID } from "./grid.js";
import { flopCharts, flopSection, localSlopeTable, readmeSentence, slopes, slopeTable, timeCharts, timeTable } from "./report.js";

const argv = process.argv.slice(2);
const flag = (name: string): boolean => argv.includes(name);
const option = (name: string, fallback: string): string => {
  const i = argv.indexOf(name);
  return i >= 0 && argv[i + 1] !== undefined ? argv[i + 1]! : fallback;
};

const quick = flag("--quick");
const activation = option("--activation", "sigmoid") as Activation;
if (activation !== "sigmoid" && activation !== "relu") throw new Error(`--activation must be sigmoid or relu, got ${activation}`);
const budgetMs = Number(option("--budget", "60")) * 1000;
// The page reports the sigmoid network: a relu run prints its tables and writes nothing.
const write = !quick && !flag("--no-write") && activation === "sigmoid";
const grid = quick ? QUICK_GRID : GRID;
const [NS, SS] = [grid.ns, grid.ss];

const docs = new URL("../../../docs/", import.meta.url);

/** Replaces the text between `<!-- name:begin -->` and `<!-- name:end -->` in `file`. */
function writeBetween(file: URL, name: string, body: string): void {
  const [begin, end] = [`<!-- ${name}:begin -->`, `<!-- ${name}:end -->`];
  const text = readFileSync(file, "utf8");
  const [a, b] = [text.indexOf(begin), text.indexOf(end)];
  if (a < 0 || b < a) throw new Error(`${file.pathname} lacks the ${begin} … ${end} markers`);
  writeFileSync(file, text.slice(0, a + begin.length) + "\n" + body + "\n" + text.slice(b));
}

/** Writes the deterministic part: the FLOP section of the page, the README's sentence and the FLOP charts. */
function writeFlops(cells: readonly Cell[]): void {
  writeBetween(new URL("forward-vs-reverse.md", docs), "modes-flops", flopSection(cells));
  writeBetween(new URL("../README.md", docs), "modes-flops", readmeSentence(cells));
  mkdirSync(new URL("img/", docs), { recursive: true });
  for (const [name, svg] of Object.entries(flopCharts(cells, CHART_AT.s, CHART_AT.n))) writeFileSync(new URL(`img/${name}`, docs), svg + "\n");
}

// --flops-only: count every cell's FLOPs (about a second, nothing timed) and rewrite only what they
// determine. Run it after a change to the code that changes a count; docs/modes-flops.test.ts says when.
if (flag("--flops-only")) {
  if (activation !== "sigmoid") throw new Error("--flops-only writes the page's sigmoid tables; leave out --activation");
  writeFlops(countGrid("sigmoid"));
  console.log("wrote the FLOP section of docs/forward-vs-reverse.md, the README's modes sentence and docs/img/modes-flops-*.svg");
  process.exit(0);
}

// The commit measured, read before the run starts (the tree may change while it runs).
const commit = ((): string => {
  try {
    const head = execFileSync("git", ["rev-parse", "--short", "HEAD"], { encoding: "utf8" }).trim();
    // Say so when the code measured is not exactly that commit.
    const dirty = execFileSync("git", ["status", "--porcelain", "--untracked-files=no"], { encoding: "utf8" }).trim() !== "";
    return dirty ? `${head} with uncommitted changes` : head;
  } catch {
    return "unknown";
  }
})();
const started = performance.now();
const rates = new RateBook();
const cells: Cell[] = [];

console.log(`tapegrad modes benchmark: ${activation} network, n ∈ {${NS}}, s ∈ {${SS}}, runs over ${budgetMs / 1000} s skipped`);
// A throwaway cell first, so that V8's compilation is not timed as part of the smallest cells.
measureCell(lectureNetwork(4, 1, activation), { budgetMs, repeatMs: 200, tangentElements: grid.tangentElements }, new RateBook());
for (const s of SS) {
  for (const n of NS) {
    const cell = measureCell(lectureNetwork(n, s, activation), { budgetMs, repeatMs: 3000, tangentElements: grid.tangentElements }, rates);
    cells.push(cell);
    const t = (m: Cell["reverse"]): string => (m.ms === null ? `skip(${m.skipped})` : `${m.ms.toFixed(1)}ms`);
    console.log(
      `n=${String(n).padStart(2)} s=${s} P=${String(cell.params).padStart(5)}  reverse ${cell.reverse.flops} FLOPs ${t(cell.reverse)}  ` +
        `jacfwd ${cell.jacfwd.flops}${cell.jacfwd.predicted ? "*" : ""} ${t(cell.jacfwd)}  jvp-loop ${cell.jvpLoop.flops}${cell.jvpLoop.predicted ? "*" : ""} ${t(cell.jvpLoop)}`,
    );
  }
}

const fits = slopes(cells);
const skipped = cells.flatMap((c) => [
  ...(c.jacfwd.ms === null ? [`jacfwd at n=${c.n}, s=${c.s} (${c.jacfwd.skipped})`] : []),
  ...(c.jvpLoop.ms === null ? [`jvp-loop at n=${c.n}, s=${c.s} (${c.jvpLoop.skipped})`] : []),
]);
const totalS = (performance.now() - started) / 1000;
// Times are only as good as the machine was quiet: say how busy it was.
const load = `load average ${loadavg()[1]!.toFixed(1)} over the last 5 minutes on ${availableParallelism()} cores`;

// The timed part of the page: what depends on the machine and the run, labelled with both.
const timeSection = [
  `Measured on ${new Date().toISOString().slice(0, 10)} at commit ${commit}, Node ${process.version}, ${cpus()[0]?.model.trim() ?? "unknown CPU"},`,
  `${activation} activations, float64, tapegrad's default kernels with ${threads()} matmul thread(s); whole run ${totalS.toFixed(0)} s,`,
  `${load}. Times are medians over the number of runs in parentheses; the FLOP counts above do not depend on any of this.`,
  "",
  "Skipped (time box " + `${budgetMs / 1000} s): ` + (skipped.length > 0 ? skipped.join("; ") + "." : "none."),
  "",
  "#### Slopes of the times (joint least-squares fit over the cells that ran)",
  "",
  slopeTable(fits, "time"),
  "",
  "#### Every cell",
  "",
  timeTable(cells),
  "",
  "![time against n](img/modes-time-n.svg)",
].join("\n");

console.log("\n" + slopeTable(fits, "FLOPs") + "\n\n" + slopeTable(fits, "time") + "\n\n" + localSlopeTable(cells));
if (skipped.length > 0) console.log(`\nskipped: ${skipped.join("; ")}`);
console.log(`\nwhole run: ${totalS.toFixed(0)} s (${load})`);

if (write) {
  const page = new URL("forward-vs-reverse.md", docs);
  writeFlops(cells);
  writeBetween(page, "modes-times", timeSection);
  for (const [name, svg] of Object.entries(timeCharts(cells, CHART_AT.s))) writeFileSync(new URL(`img/${name}`, docs), svg + "\n");
  console.log(`wrote ${page.pathname}, the README's modes sentence and docs/img/modes-*.svg`);
}

/**
 * The forward-vs-reverse benchmark (docs/forward-vs-reverse.md): the lecture's network, the full
 * parameter gradient computed three ways over a grid of widths n and depths s, counted FLOPs and median
 * times, log-log slopes, and a markdown table and SVG charts written into docs/.
 *
 *   pnpm --filter @tapegrad/benchmarks bench:modes            full grid, writes docs/
 *   pnpm --filter @tapegrad/benchmarks bench:modes --quick    n ≤ 16, s ≤ 2, prints only
 *
 * Options: --activation sigmoid|relu (default sigmoid), --budget <seconds per run> (default 60),
 * --no-write (print only).
 */
import { readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { availableParallelism, loadavg } from "node:os";
import { execFileSync } from "node:child_process";
import { threads } from "@tapegrad/core";
import { measureCell, RateBook, type Cell } from "./measure.js";
import { lectureNetwork, type Activation } from "./network.js";
import { cellTable, charts, localSlopeTable, perLayerTable, slopes, slopeTable } from "./report.js";

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
const write = !quick && !flag("--no-write");
const NS = quick ? [4, 8, 16] : [4, 8, 16, 32, 64];
const SS = quick ? [1, 2] : [1, 2, 4, 8];

const docs = new URL("../../../docs/", import.meta.url);
const started = performance.now();
const rates = new RateBook();
const cells: Cell[] = [];

console.log(`tapegrad modes benchmark: ${activation} network, n ∈ {${NS}}, s ∈ {${SS}}, runs over ${budgetMs / 1000} s skipped`);
// A throwaway cell first, so that V8's compilation is not timed as part of the smallest cells.
measureCell(lectureNetwork(4, 1, activation), { budgetMs, repeatMs: 200, tangentElements: 2 ** 21 }, new RateBook());
for (const s of SS) {
  for (const n of NS) {
    const cell = measureCell(lectureNetwork(n, s, activation), { budgetMs, repeatMs: 3000, tangentElements: 2 ** 21 }, rates);
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
const commit = ((): string => {
  try {
    return execFileSync("git", ["rev-parse", "--short", "HEAD"], { encoding: "utf8" }).trim();
  } catch {
    return "unknown";
  }
})();
const section = [
  `Measured on ${new Date().toISOString().slice(0, 10)} at commit ${commit}, Node ${process.version}, ${activation} activations, float64,`,
  `tapegrad's default kernels with ${threads()} matmul thread(s); whole run ${totalS.toFixed(0)} s, ${load}.`,
  `FLOPs marked * were not run to the end (time-boxed at ${budgetMs / 1000} s): they are exact extrapolations (adviseMode for`,
  `jacfwd; one counted JVP × the parameter count for the loop), so the FLOP fits use every cell, and the time fits only`,
  `the cells that ran.`,
  "",
  "Skipped: " + (skipped.length > 0 ? skipped.join("; ") + "." : "none."),
  "",
  "### Slopes (joint least-squares fit of log cost = c + α log n + β log s)",
  "",
  slopeTable(fits),
  "",
  "The last-pair columns are the slopes between n = 32 and 64 (at the largest s) and between s = 4 and 8",
  "(at the largest n): where the lower-order terms matter least.",
  "",
  "### FLOPs added per extra hidden layer",
  "",
  perLayerTable(cells),
  "",
  "### Local FLOP slopes (one fit per row and column of the grid)",
  "",
  localSlopeTable(cells),
  "",
  "### Every cell",
  "",
  cellTable(cells),
  "",
  "![FLOPs against n](img/modes-flops-n.svg)",
  "![FLOPs against s](img/modes-flops-s.svg)",
  "![time against n](img/modes-time-n.svg)",
].join("\n");

console.log("\n" + slopeTable(fits) + "\n\n" + localSlopeTable(cells));
if (skipped.length > 0) console.log(`\nskipped: ${skipped.join("; ")}`);
console.log(`\nwhole run: ${totalS.toFixed(0)} s (${load})`);

if (write) {
  const page = new URL("forward-vs-reverse.md", docs);
  const [begin, end] = ["<!-- modes-results:begin -->", "<!-- modes-results:end -->"];
  const text = readFileSync(page, "utf8");
  const [a, b] = [text.indexOf(begin), text.indexOf(end)];
  if (a < 0 || b < a) throw new Error(`${page.pathname} lacks the ${begin} … ${end} markers`);
  writeFileSync(page, text.slice(0, a + begin.length) + "\n" + section + "\n" + text.slice(b));
  mkdirSync(new URL("img/", docs), { recursive: true });
  for (const [name, svg] of Object.entries(charts(cells, 2, 16))) writeFileSync(new URL(`img/${name}`, docs), svg + "\n");
  console.log(`wrote ${page.pathname} and docs/img/modes-*.svg`);
}

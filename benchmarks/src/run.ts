/**
 * `pnpm bench`: runs every benchmark case in this process, framework after framework, and prints a
 * markdown table per case (median and interquartile range of ms per step, each median as a multiple of
 * tapegrad's). The same report goes to benchmarks/RESULTS.md.
 *
 * For each case: first a correctness check (each framework runs `checkSteps` steps from the same start and
 * its results must match the first framework's within the case's `rtol`), then the timing, each framework
 * from a fresh setup. A framework that fails is reported as failed, with its error, not dropped.
 *
 * Options: `--quick` (fewer samples, for trying changes), `--case <name>` (one case only), `--framework
 * <text>` (only the frameworks whose name contains the text; for profiling one of them).
 */
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { measureInterleaved, timeOnce, type MeasureOptions } from "./harness.js";
import { caseTable, checkLines, machineInfo, type CaseResult, type Row } from "./report.js";
import type { BenchCase, Runner } from "./types.js";
import { trainStepMlp } from "./cases/trainStepMlp.js";
import { trainStepCnn } from "./cases/trainStepCnn.js";
import { matmulCases } from "./cases/matmul.js";
import { smallOps, smallOpsJax } from "./cases/smallOps.js";
import { conv2dCases } from "./cases/conv2d.js";
import { trainStepLstm } from "./cases/trainStepLstm.js";

/** All cases, in the order they run. Add a case here. */
const CASES: BenchCase[] = [trainStepMlp, trainStepCnn, trainStepLstm, ...conv2dCases, ...matmulCases, smallOps, smallOpsJax];

const args = process.argv.slice(2);
const quick = args.includes("--quick");
const caseFilter = args.includes("--case") ? args[args.indexOf("--case") + 1] : undefined;
const frameworkFilter = args.includes("--framework") ? args[args.indexOf("--framework") + 1] : undefined;

const MEASURE: MeasureOptions = quick
  ? { warmup: 2, minSamples: 5, maxSamples: 20, budgetMs: 2_000, blockMs: 250 }
  : { warmup: 5, minSamples: 15, maxSamples: 400, budgetMs: 12_000, blockMs: 500 };

const errorText = (e: unknown): string => (e instanceof Error ? `${e.name}: ${e.message}` : String(e)).split("\n")[0]!.slice(0, 200);

async function runCase(all: BenchCase): Promise<CaseResult> {
  const c = { ...all, frameworks: all.frameworks.filter((f) => frameworkFilter === undefined || f.framework.includes(frameworkFilter)) };
  const rows: Row[] = c.frameworks.map((f) => ({
    framework: f.framework,
    ...(f.note === undefined ? {} : { note: f.note }),
    ...(f.comparable === false ? { comparable: false } : {}),
  }));

  // 1. Correctness: the same steps from the same start must give the same results. The first step of
  //    each framework is timed here too: cold, it includes lazy initialisation and any compilation.
  console.error(`[${c.name}] correctness check, ${c.checkSteps} steps per framework`);
  for (const [i, f] of c.frameworks.entries()) {
    const row = rows[i]!;
    try {
      const runner = await f.setup();
      const values: number[] = [];
      row.firstStepMs = await timeOnce(async () => values.push(await runner.step()));
      for (let k = 1; k < c.checkSteps; k++) values.push(await runner.step());
      runner.dispose();
      row.check = values;
    } catch (e) {
      row.error = errorText(e);
      console.error(`  ${f.framework}: FAILED: ${row.error}`);
    }
  }
  const ref = rows[0]?.check;
  for (const row of rows) {
    if (row.check === undefined || ref === undefined || row.comparable === false) continue;
    row.checkRelDiff = Math.max(...row.check.map((v, k) => Math.abs(v - ref[k]!) / Math.max(Math.abs(ref[k]!), 1e-30)));
    row.checkOk = row.checkRelDiff <= c.rtol && row.check.every(Number.isFinite);
  }
  for (const line of checkLines({ ...c, rows })) console.error(`  ${line}`);

  // 2. Timing: every framework that passed from a fresh setup, all timed in turns.
  console.error(`[${c.name}] timing (frameworks take turns)`);
  const timed: { row: Row; runner: Runner }[] = [];
  for (const [i, f] of c.frameworks.entries()) {
    const row = rows[i]!;
    if (row.check === undefined) continue; // failed above
    try {
      timed.push({ row, runner: await f.setup() });
    } catch (e) {
      row.error = errorText(e);
      console.error(`  ${f.framework}: setup FAILED: ${row.error}`);
    }
  }
  const before = timed.map(({ runner }) => runner.liveObjects?.());
  try {
    const stats = await measureInterleaved(timed.map((t) => t.runner), MEASURE);
    timed.forEach(({ row, runner }, k) => {
      row.stats = stats[k]!;
      const [b, a] = [before[k], runner.liveObjects?.()];
      if (b !== undefined && a !== undefined) row.live = [b, a];
      console.error(`  ${row.framework}: median ${row.stats.median.toFixed(2)} ms, IQR ${row.stats.iqr.toFixed(2)} ms, ${row.stats.samples.length} samples`);
    });
  } catch (e) {
    for (const { row } of timed) row.error = `timing failed: ${errorText(e)}`;
    console.error(`  timing FAILED: ${errorText(e)}`);
  }
  for (const { runner } of timed) runner.dispose();
  return { name: c.name, description: c.description, rtol: c.rtol, rows };
}

function render(results: CaseResult[], started: Date, seconds: number): string {
  const out: string[] = [];
  for (const r of results) {
    out.push(`## ${r.name}`, "", r.description + ".", "", ...caseTable(r), "");
    out.push(`Correctness check (loss of each of the first steps from the same start; must agree within ${r.rtol} relative):`, "");
    out.push(...checkLines(r), "");
    const notes = r.rows.filter((row) => row.note !== undefined || row.live !== undefined);
    if (notes.length > 0) {
      out.push("Notes:", "");
      for (const row of notes) {
        const live = row.live === undefined ? "" : ` Live framework objects before/after timing: ${row.live[0]}/${row.live[1]}.`;
        out.push(`- ${row.framework}: ${row.note ?? ""}.${live}`);
      }
      out.push("");
    }
  }
  out.push("Machine:", "", ...machineInfo().map((l) => `- ${l}`));
  out.push(`- run ${started.toISOString()}, ${seconds.toFixed(0)} s in all${quick ? ", --quick (few samples)" : ""}`, "");
  out.push(
    `Medians over the timed steps after ${MEASURE.warmup} warm-up steps (at least ${MEASURE.minSamples} samples, ` +
      `sampling stops after ${MEASURE.budgetMs / 1000} s of steps); the IQR shows the spread. All frameworks run in one Node ` +
      `process and take turns in blocks of about ${MEASURE.blockMs} ms, so load from elsewhere falls on all of them alike.`,
  );
  return out.join("\n");
}

async function main(): Promise<void> {
  const started = new Date();
  const cases = CASES.filter((c) => caseFilter === undefined || c.name === caseFilter);
  if (cases.length === 0) throw new Error(`no case named ${caseFilter}; cases: ${CASES.map((c) => c.name).join(", ")}`);
  const results: CaseResult[] = [];
  for (const c of cases) results.push(await runCase(c));
  const seconds = (performance.now() - t0) / 1000;
  const body = render(results, started, seconds);
  console.log(body);
  if (quick || caseFilter !== undefined || frameworkFilter !== undefined) {
    console.error("RESULTS.md not written: --quick, --case and --framework runs are partial");
  } else {
    const file = fileURLToPath(new URL("../RESULTS.md", import.meta.url));
    const header = [
      "# Benchmark results",
      "",
      "Written by `pnpm bench` (from the repository root: `npx -y pnpm@12.21.0 bench`, which runs",
      "`tsx --conditions=source src/run.ts` in `benchmarks/`). Regenerate rather than edit.",
      "",
    ];
    writeFileSync(file, header.join("\n") + "\n" + body + "\n");
    console.error(`wrote ${file}`);
  }
  const bad = results.flatMap((r) => r.rows).filter((row) => row.checkOk === false);
  if (bad.length > 0) {
    console.error(`correctness check failed for: ${bad.map((row) => row.framework).join(", ")}`);
    process.exitCode = 1;
  }
}

const t0 = performance.now();
main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});

import { execFileSync } from "node:child_process";
import os from "node:os";
import type { Stats } from "./harness.js";

/** One framework's outcome in one case. */
export interface Row {
  framework: string;
  note?: string;
  /** Results of the correctness check steps (losses), when they ran. */
  check?: number[];
  /** Largest relative difference from the reference framework over the check steps. */
  checkRelDiff?: number;
  checkOk?: boolean;
  /** The very first step after setup, in ms: lazy initialisation, kernel compilation and jit tracing included. */
  firstStepMs?: number;
  stats?: Stats;
  /** False for a row that times a part of the work; the correctness check leaves it out. */
  comparable?: false;
  /** Framework-owned live objects before and after timing (leak check), when the framework counts them. */
  live?: [number, number];
  error?: string;
}

export interface CaseResult {
  name: string;
  description: string;
  rtol: number;
  rows: Row[];
}

const fmt = (v: number, digits = 2): string => (v >= 100 ? v.toFixed(1) : v >= 10 ? v.toFixed(digits) : v.toFixed(digits + 1));

/** Machine facts to print with every table. */
export function machineInfo(): string[] {
  const cpus = os.cpus();
  return [
    `CPU: ${cpus[0]?.model.trim() ?? "?"} (${cpus.length} logical cores visible), ${Math.round(os.totalmem() / 2 ** 30)} GiB RAM`,
    `Node ${process.version} (V8 ${process.versions.v8}), ${os.platform()} ${os.arch()} ${os.release()}`,
    `tapegrad source: ${sourceState()}`,
    `load average at start (1/5/15 min): ${os.loadavg().map((l) => l.toFixed(2)).join(" / ")}`,
  ];
}

/** The commit the tapegrad packages come from, and whether they differ from it (they run from source). */
function sourceState(): string {
  try {
    const git = (...args: string[]): string => execFileSync("git", args, { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
    const commit = git("rev-parse", "--short", "HEAD");
    const dirty = git("status", "--porcelain", "--", ":/packages").length > 0;
    return `git ${commit}${dirty ? ", with uncommitted changes under packages/" : ""}`;
  } catch {
    return "unknown (not a git checkout)";
  }
}

/** The markdown table of one case: median and IQR per step, and each median as a multiple of the first row's. */
export function caseTable(result: CaseResult): string[] {
  const ref = result.rows[0]?.stats?.median;
  const lines = [
    `| framework | median ms/step | IQR ms (q1–q3) | samples | time ÷ ${result.rows[0]?.framework ?? "reference"} | first step, cold (ms) | check |`,
    "|---|---:|---:|---:|---:|---:|---|",
  ];
  for (const r of result.rows) {
    if (r.error !== undefined && r.stats === undefined) {
      lines.push(`| ${r.framework} | failed | — | — | — | — | ${r.error.replaceAll("|", "\\|").replaceAll("\n", " ")} |`);
      continue;
    }
    const s = r.stats!;
    const ratio = ref !== undefined ? `${fmt(s.median / ref)}×` : "—";
    const check = r.comparable === false ? "not compared (times a part)" : r.checkOk === undefined ? "not run" : `${r.checkOk ? "ok" : "MISMATCH"} (max rel. diff ${r.checkRelDiff!.toExponential(1)})`;
    lines.push(
      `| ${r.framework} | ${fmt(s.median)} | ${fmt(s.iqr)} (${fmt(s.q1)}–${fmt(s.q3)}) | ${s.samples.length} | ${ratio} | ` +
        `${r.firstStepMs === undefined ? "—" : fmt(r.firstStepMs)} | ${check} |`,
    );
  }
  return lines;
}

/** Losses of the correctness check, one line per framework. */
export function checkLines(result: CaseResult): string[] {
  return result.rows.map((r) =>
    r.check === undefined
      ? `- ${r.framework}: no check (${r.error ?? "not run"})`
      : `- ${r.framework}: ${r.check.map((v) => v.toPrecision(8)).join(", ")}` +
        (r.checkRelDiff === undefined ? "" : ` (max rel. diff ${r.checkRelDiff.toExponential(2)})`),
  );
}

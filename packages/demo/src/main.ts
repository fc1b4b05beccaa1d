/**
 * tapegrad's demo (`pnpm demo`): the lecture's 4-layer network trained with `train` from
 * `@tapegrad/optim` on a two-class set in the plane (drawing its decision boundary), on handwritten digits
 * and on diabetes, then a summary table and a report with pictures in `out/`; or, with `--task`, a CNN,
 * an LSTM or an attention block on the digits. `--help` lists the flags.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { isAbsolute, relative, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { FlagError, helpText, parseFlags, type Flags, type PlaneSet } from "./flags.js";
import { lossSvg } from "./lossSvg.js";
import type { Sink } from "./progress.js";
import { reportHtml, settingsLine, summaryRows } from "./report.js";
import { textTable } from "./table.js";
import { nnTask, type NnTaskName } from "./nnTasks.js";
import { diabetesTask, digitsTask, planeTask, type TaskResult } from "./tasks.js";

/** Where the demo writes and which directory its printed paths are relative to. */
export interface Io {
  readonly stdout: Sink;
  readonly stderr: Sink;
  readonly cwd: string;
}

/** A path relative to `cwd` when it lies below it, absolute otherwise. */
function shortPath(cwd: string, path: string): string {
  const rel = relative(cwd, path);
  return rel.startsWith("..") || isAbsolute(rel) ? path : rel;
}

/** The tasks a `--dataset` value selects, in the order they run. */
function tasksFor(flags: Flags, out: Sink): (() => TaskResult)[] {
  const plane = (set: PlaneSet) => () => planeTask(set, flags, out);
  const digits = () => digitsTask(flags, out);
  const diabetes = () => diabetesTask(flags, out);
  if (flags.task !== "mlp") return [() => nnTask(flags.task as NnTaskName, flags, out)];
  if (flags.dataset === "all") return [plane("moons"), digits, diabetes];
  if (flags.dataset === "digits") return [digits];
  if (flags.dataset === "diabetes") return [diabetes];
  return [plane(flags.dataset)];
}

/** Writes the pictures and the report under the output directory; returns the paths written. */
function writeArtefacts(flags: Flags, results: readonly TaskResult[], dir: string): string[] {
  mkdirSync(dir, { recursive: true });
  const written: string[] = [];
  const put = (name: string, content: string | Buffer): string => {
    writeFileSync(resolve(dir, name), content);
    written.push(resolve(dir, name));
    return name;
  };
  const withPicture = results.find((r) => r.png !== undefined);
  const boundary = withPicture === undefined ? undefined : put(`boundary-${withPicture.name}.png`, withPicture.png!);
  const pictures = results.flatMap((r) => (r.pictures ?? []).map((p) => put(p.name, p.png)));
  const loss = put("loss.svg", lossSvg(results.map((r) => ({
    title: r.name,
    series: [
      { name: "train", values: r.history.loss, colour: "#2166ac" },
      { name: "test", values: r.history.validation.loss ?? [], colour: "#d6604d", dashed: true },
    ],
  }))));
  put("report.html", reportHtml(flags, results, { ...(boundary !== undefined && { boundary }), loss, pictures }));
  return written;
}

/**
 * Runs the demo with the given command-line arguments; returns the exit code (2 for bad flags, after a
 * one-line error and the help text on stderr).
 * @example
 * ```ts
 * process.exitCode = main(["--epochs", "5"], { stdout: process.stdout, stderr: process.stderr, cwd: process.cwd() });
 * ```
 */
export function main(argv: readonly string[], io: Io): number {
  let flags: Flags;
  try {
    flags = parseFlags(argv);
  } catch (e) {
    if (!(e instanceof FlagError)) throw e;
    io.stderr.write(`error: ${e.message}\n\n${helpText}\n`);
    return 2;
  }
  if (flags.help) {
    io.stdout.write(`${helpText}\n`);
    return 0;
  }
  const say = (line = ""): void => io.stdout.write(`${line}\n`);
  say(`tapegrad demo: the lecture's network, ${settingsLine(flags)}`);
  const tasks = tasksFor(flags, io.stdout);
  const results = tasks.map((task, i) => {
    say(`\n[${i + 1}/${tasks.length}]`);
    const result = task();
    if (result.confusion !== undefined) say(`\n${result.name}: confusion matrix on the test part\n${result.confusion}`);
    return result;
  });
  say(`\n${textTable(summaryRows(results))}\n`);
  for (const path of writeArtefacts(flags, results, resolve(io.cwd, flags.out))) say(`wrote ${shortPath(io.cwd, path)}`);
  return 0;
}

// Run when started as a program (`tsx src/main.ts`), not when a test imports `main`. pnpm runs the script
// in this package's directory; INIT_CWD is where the user typed the command, so out/ lands there.
if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  process.exitCode = main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, cwd: process.env.INIT_CWD ?? process.cwd() });
}

import type { Flags } from "./flags.js";
import type { TaskResult } from "./tasks.js";

const escape = (s: string): string => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/**
 * The run's shared settings in one line.
 * @example
 * ```ts
 * settingsLine(parseFlags([])); // "relu, adam, constant schedule, batch 32, seed 0"
 * ```
 */
export function settingsLine(flags: Flags): string {
  const lr = flags.lr === undefined ? "" : ` (lr ${flags.lr})`;
  return `${flags.activation}, ${flags.optimizer}${lr}, ${flags.schedule} schedule, batch ${flags.batchSize}, seed ${flags.seed}`;
}

/** The summary as rows of cells, header first: shared by the terminal table and the HTML report. */
export function summaryRows(results: readonly TaskResult[]): string[][] {
  const digits = (v: number): string => (v >= 100 ? v.toFixed(0) : v.toFixed(3));
  return [
    ["task", "network", "epochs", "train loss", "result", "baseline", "time"],
    ...results.map((r) => [
      r.name, r.network ?? r.sizes.join("-"), String(r.epochs), r.history.loss.at(-1)!.toFixed(4),
      `${r.metric.name} ${digits(r.metric.value)}`, `${r.metric.baselineName} ${digits(r.metric.baseline)}`, `${r.seconds.toFixed(1)} s`,
    ]),
  ];
}

/**
 * A small self-contained HTML page showing the run: settings, the summary table, the boundary picture,
 * the loss curves and the confusion matrix. Pictures are linked by file name, so keep them beside it.
 * @example
 * ```ts
 * writeFileSync("out/report.html", reportHtml(flags, results, { boundary: "boundary-moons.png", loss: "loss.svg" }));
 * ```
 */
export function reportHtml(flags: Flags, results: readonly TaskResult[], files: { boundary?: string; loss: string; pictures?: readonly string[] }): string {
  const [head, ...rows] = summaryRows(results);
  const table = `<table><tr>${head!.map((h) => `<th>${h}</th>`).join("")}</tr>` +
    rows.map((r) => `<tr>${r.map((c) => `<td>${escape(c)}</td>`).join("")}</tr>`).join("") + `</table>`;
  const settings = `The lecture's network: ${settingsLine(flags)}.`;
  const matrices = results.filter((r) => r.confusion !== undefined).map((r) => `<h2>${r.name}: confusion matrix (test)</h2><pre>${escape(r.confusion!)}</pre>`);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>tapegrad demo</title>
<style>body{font-family:sans-serif;max-width:1000px;margin:2em auto;color:#222}table{border-collapse:collapse}
td,th{padding:4px 10px;border-bottom:1px solid #ddd;text-align:left}img{max-width:100%}</style></head>
<body><h1>tapegrad demo: the lecture's network</h1><p>${escape(settings)}</p>${table}
${files.boundary === undefined ? "" : `<h2>Decision boundary</h2><p>Colour: the network's probability of class 1 (orange 0, white ½, blue 1); dark line: p = ½; dots: training points.</p><img src="${files.boundary}" alt="decision boundary">`}
<h2>Loss per epoch</h2><img src="${files.loss}" alt="loss curves">
${(files.pictures ?? []).map((p) => `<h2>${escape(p)}</h2><img src="${p}" alt="${escape(p)}">`).join("\n")}
${matrices.join("\n")}
</body></html>
`;
}

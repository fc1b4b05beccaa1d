import { jointLogFit, logLogSlope } from "./fit.js";
import type { Cell, Measure } from "./measure.js";
import { logLogChart, type Series } from "./svg.js";

/** The three methods, in the order the tables show them, with the lecture's expected exponents. */
export const METHODS = [
  { key: "reverse", label: "reverse (one backward)", color: "#1f77b4", expect: { n: 2, s: 1 } },
  { key: "jacfwd", label: "forward, jacfwd (batched)", color: "#d62728", expect: { n: 4, s: 2 } },
  { key: "jvpLoop", label: "forward, one jvp per parameter", color: "#ff7f0e", expect: { n: 4, s: 2 } },
] as const;

type MethodKey = (typeof METHODS)[number]["key"];

const pick = (cell: Cell, key: MethodKey): Measure => cell[key];
const num = (v: number): string => (v >= 1e6 ? v.toExponential(2).replace("e+", "e") : String(Math.round(v)));
const msText = (m: Measure): string => (m.ms === null ? `skipped (${m.skipped})` : m.ms < 10 ? m.ms.toFixed(2) : m.ms.toFixed(0));
const slope = (v: number): string => (Number.isNaN(v) ? "–" : v.toFixed(2));

/**
 * The per-cell FLOP table: counted FLOPs of each method and two ratios. Deterministic: the same at every
 * run of the same code, whether or not a method was timed (a skipped cell's count is an exact
 * extrapolation), so docs/modes-flops.test.ts recomputes it and compares it with the page.
 */
export function flopTable(cells: readonly Cell[]): string {
  const head = "| n | s | parameters | reverse FLOPs | jacfwd FLOPs | jvp-loop FLOPs | jacfwd / reverse | jvp loop / jacfwd |";
  const rows = cells.map((c) =>
    [c.n, c.s, c.params, num(c.reverse.flops), num(c.jacfwd.flops), num(c.jvpLoop.flops), num(c.jacfwd.flops / c.reverse.flops),
      (c.jvpLoop.flops / c.jacfwd.flops).toFixed(2)].join(" | "),
  );
  return [head, "|" + "---|".repeat(8), ...rows.map((r) => `| ${r} |`)].join("\n");
}

/** The per-cell time table: median ms of each method and the number of runs; these depend on the machine. */
export function timeTable(cells: readonly Cell[]): string {
  const head = "| n | s | reverse ms (runs) | jacfwd ms (runs) | jvp-loop ms (runs) |";
  const t = (m: Measure): string => (m.ms === null ? `skipped (${m.skipped})` : `${msText(m)} (${m.runs})`);
  const rows = cells.map((c) => [c.n, c.s, t(c.reverse), t(c.jacfwd), t(c.jvpLoop)].join(" | "));
  return [head, "|" + "---|".repeat(5), ...rows.map((r) => `| ${r} |`)].join("\n");
}

/** A log-log slope between two cells, with the cells it came from. */
export interface PairSlope {
  readonly value: number;
  /** e.g. "n 32→64 at s=8" */
  readonly cells: string;
}

export interface Slopes {
  readonly method: string;
  readonly quantity: "FLOPs" | "time";
  readonly n: number;
  readonly s: number;
  /** The exponent of (s + 1), the number of weight layers, instead of s. */
  readonly layers: number;
  /**
   * The slope in n between the two largest widths, at the largest depth where both have a value; and the
   * slope in s between the two largest depths, at the largest width where both have a value.
   */
  readonly lastN: PairSlope | null;
  readonly lastS: PairSlope | null;
  readonly expect: { n: number; s: number };
}

/**
 * The slope between the two largest values of `x` among the cells that have a value of `y`, taken in the
 * group (fixed other coordinate) with the largest key where both are present. Labelled with its cells.
 */
function lastPair(cells: readonly Cell[], x: (c: Cell) => number, group: (c: Cell) => number, y: (c: Cell) => number | null,
  xName: string, groupName: string): PairSlope | null {
  const xs = [...new Set(cells.map(x))].sort((a, b) => a - b);
  if (xs.length < 2) return null;
  const [xa, xb] = xs.slice(-2) as [number, number];
  const groups = [...new Set(cells.map(group))].sort((a, b) => b - a);
  for (const g of groups) {
    const at = (v: number): number | null => {
      const cell = cells.find((c) => group(c) === g && x(c) === v);
      const value = cell ? y(cell) : null;
      return value !== null && value > 0 ? value : null;
    };
    const [ya, yb] = [at(xa), at(xb)];
    if (ya === null || yb === null) continue;
    return { value: logLogSlope([[xa, ya], [xb, yb]]), cells: `${xName} ${xa}→${xb} at ${groupName}=${g}` };
  }
  return null;
}

/** Joint log-log fits of each method's FLOPs (all cells: skipped ones carry exact counts) and times (cells run). */
export function slopes(cells: readonly Cell[]): Slopes[] {
  return METHODS.flatMap((m) =>
    (["FLOPs", "time"] as const).map((quantity) => {
      const y = (c: Cell): number | null => (quantity === "FLOPs" ? pick(c, m.key).flops : pick(c, m.key).ms);
      const pts = cells.map((c) => ({ c, v: y(c) })).filter((p): p is { c: Cell; v: number } => p.v !== null && p.v > 0);
      const [n, s] = jointLogFit(pts.map((p) => ({ a: p.c.n, b: p.c.s, y: p.v })));
      const [, layers] = jointLogFit(pts.map((p) => ({ a: p.c.n, b: p.c.s + 1, y: p.v })));
      const lastN = lastPair(cells, (c) => c.n, (c) => c.s, y, "n", "s");
      const lastS = lastPair(cells, (c) => c.s, (c) => c.n, y, "s", "n");
      return { method: m.label, quantity, n, s, layers, lastN, lastS, expect: m.expect };
    }),
  );
}

const pair = (p: PairSlope | null): string => (p === null ? "–" : `${slope(p.value)} (${p.cells})`);

/** The slope table for one quantity: whole-grid fits and the labelled last-pair slopes. */
export function slopeTable(rows: readonly Slopes[], quantity: "FLOPs" | "time"): string {
  const head = "| method | slope in n | slope in s | slope in s + 1 (layers) | n: last pair | s: last pair | lecture (n, s) |";
  return [
    `${head}`,
    "|---|---|---|---|---|---|---|",
    ...rows
      .filter((r) => r.quantity === quantity)
      .map((r) => `| ${r.method} | ${slope(r.n)} | ${slope(r.s)} | ${slope(r.layers)} | ${pair(r.lastN)} | ${pair(r.lastS)} | ${r.expect.n}, ${r.expect.s} |`),
  ].join("\n");
}

/**
 * Integer coefficients [a, b, c] of a·x² + b·x + c through the first three points, or null when the
 * points are fewer, the coefficients are not integers, or a later point does not lie on the curve.
 */
export function exactQuadratic(points: readonly (readonly [number, number])[]): [number, number, number] | null {
  if (points.length < 3) return null;
  const [[x0, y0], [x1, y1], [x2, y2]] = points as [readonly [number, number], readonly [number, number], readonly [number, number]];
  const d01 = (y1 - y0) / (x1 - x0);
  const d12 = (y2 - y1) / (x2 - x1);
  const a = (d12 - d01) / (x2 - x0);
  const b = d01 - a * (x0 + x1);
  const c = y0 - a * x0 * x0 - b * x0;
  const coef = [a, b, c].map((v) => Math.round(v)) as [number, number, number];
  if (coef.some((v, i) => Math.abs(v - [a, b, c][i]!) > 1e-6)) return null;
  return points.every(([x, y]) => coef[0] * x * x + coef[1] * x + coef[2] === y) ? coef : null;
}

/** a·n² + b·n + c written out, zero terms left out. */
export function polynomial([a, b, c]: readonly number[], x = "n"): string {
  const terms = [[a!, `${x}²`], [b!, x], [c!, ""]] as const;
  const parts = terms.filter(([k]) => k !== 0).map(([k, v], i) => {
    const mag = Math.abs(k) === 1 && v !== "" ? v : `${Math.abs(k)}${v}`;
    return i === 0 ? (k < 0 ? "−" : "") + mag : (k < 0 ? " − " : " + ") + mag;
  });
  return parts.length === 0 ? "0" : parts.join("");
}

/**
 * What the FLOP columns say, in sentences: the exact per-layer cost and closed form of reverse mode where
 * the counts have one, and the ranges of the ratios between the methods. Written by the benchmark and
 * checked by docs/modes-flops.test.ts, so that the page's prose numbers come from the code too.
 */
export function flopSummary(cells: readonly Cell[]): string {
  const ns = [...new Set(cells.map((c) => c.n))].sort((a, b) => a - b);
  const ss = [...new Set(cells.map((c) => c.s))].sort((a, b) => a - b);
  const at = (n: number, s: number): Cell | undefined => cells.find((c) => c.n === n && c.s === s);
  const lines: string[] = [];
  // Reverse mode: is the cost per extra layer the same at every depth, and a polynomial in n?
  const perLayer = ns.map((n) => {
    const incs = ss.slice(1).map((s, i) => {
      const [a, b] = [at(n, ss[i]!), at(n, s)];
      return a && b ? (b.reverse.flops - a.reverse.flops) / (s - ss[i]!) : Number.NaN;
    });
    return incs.every((v) => v === incs[0]) ? incs[0]! : Number.NaN;
  });
  const layerPoly = perLayer.every((v) => Number.isInteger(v)) ? exactQuadratic(ns.map((n, i) => [n, perLayer[i]!] as const)) : null;
  if (layerPoly === null) {
    lines.push("- Reverse mode: the FLOPs added per extra hidden layer are not the same at every depth, or not a quadratic in n (see the per-layer table).");
  } else {
    const constant = ns.map((n) => [n, at(n, ss[0]!)!.reverse.flops - ss[0]! * perLayer[ns.indexOf(n)]!] as const);
    const constPoly = exactQuadratic(constant);
    lines.push(
      `- Reverse mode: every extra hidden layer adds exactly ${polynomial(layerPoly)} FLOPs, the same at every depth ` +
        `(${perLayer.join(", ")} for n = ${ns.join(", ")}).` +
        (constPoly === null ? "" : ` Over the whole grid the count is exactly s · (${polynomial(layerPoly)}) + ${polynomial(constPoly)}: affine in s.`),
    );
  }
  const range = (vs: number[], digits: number): string => {
    const [lo, hi] = [Math.min(...vs), Math.max(...vs)];
    return `${lo.toFixed(digits)}–${hi.toFixed(digits)}`;
  };
  lines.push(`- jacfwd counts ${range(cells.map((c) => c.jacfwd.flops / c.reverse.flops), 0)} times the FLOPs of reverse mode across the grid.`);
  lines.push(`- The loop of one jvp per parameter counts ${range(cells.map((c) => c.jvpLoop.flops / c.jacfwd.flops), 2)} times the FLOPs of jacfwd.`);
  return lines.join("\n");
}

/** The README's one sentence on the modes benchmark: the whole-grid FLOP slopes. */
export function readmeSentence(cells: readonly Cell[]): string {
  const fits = slopes(cells).filter((r) => r.quantity === "FLOPs");
  const [rev, fwd] = [fits.find((r) => r.method.startsWith("reverse"))!, fits.find((r) => r.method.includes("jacfwd"))!];
  const ns = [...new Set(cells.map((c) => c.n))].sort((a, b) => a - b);
  const ss = [...new Set(cells.map((c) => c.s))].sort((a, b) => a - b);
  const pairs = (r: Slopes): string => `${slope(r.lastN?.value ?? Number.NaN)} and ${slope(r.lastS?.value ?? Number.NaN)}`;
  return [
    "Forward against reverse mode on the lecture's network (`bench:modes`, counted FLOPs). Fitted over widths",
    `n = ${ns[0]}…${ns.at(-1)} and depths s = ${ss[0]}…${ss.at(-1)}, reverse mode's FLOPs grow with slope ${slope(rev.n)} in width and ${slope(rev.s)} in depth,`,
    `forward mode's (\`jacfwd\`) with ${slope(fwd.n)} and ${slope(fwd.s)}; the lecture's O(sn²) and O(s²n⁴) predict 2 and 1, 4 and 2. The`,
    `fits fall short because of lower-order terms that matter at these sizes; between the two largest widths`,
    `and the two largest depths the slopes are ${pairs(rev)} (reverse) and ${pairs(fwd)} (forward). See`,
    "[docs/forward-vs-reverse.md](docs/forward-vs-reverse.md).",
  ].join("\n");
}

/**
 * The deterministic part of the page: everything computed from counted FLOPs alone. The benchmark writes it
 * between the modes-flops markers, and docs/modes-flops.test.ts recomputes it at HEAD and compares.
 */
export function flopSection(cells: readonly Cell[]): string {
  const fits = slopes(cells);
  return [
    "### Counted FLOPs",
    "",
    "Counted by `profile` from each primitive's shapes, so they do not depend on the machine or the run. A cell",
    "whose method was not run to the end (time box) still has its exact count: `adviseMode`'s prediction for",
    "jacfwd, one counted JVP times the parameter count for the loop, and the cells that ran confirm both to the FLOP.",
    "",
    flopSummary(cells),
    "",
    "#### Slopes of the counted FLOPs (joint least-squares fit of log FLOPs = c + α log n + β log s)",
    "",
    slopeTable(fits, "FLOPs"),
    "",
    "The last-pair columns are the slope between the two largest widths and between the two largest depths,",
    "where the lower-order terms matter least; each names the two cells it was taken between.",
    "",
    "#### FLOPs added per extra hidden layer",
    "",
    perLayerTable(cells),
    "",
    "#### Local FLOP slopes (one fit per row and column of the grid)",
    "",
    localSlopeTable(cells),
    "",
    "#### Every cell",
    "",
    flopTable(cells),
    "",
    "![FLOPs against n](img/modes-flops-n.svg)",
    "![FLOPs against s](img/modes-flops-s.svg)",
  ].join("\n");
}

/**
 * FLOPs added per extra hidden layer between consecutive depths, at each width: constant for a cost
 * linear in s (reverse mode), growing in proportion to s for a cost quadratic in s (forward mode).
 */
export function perLayerTable(cells: readonly Cell[]): string {
  const ns = [...new Set(cells.map((c) => c.n))].sort((a, b) => a - b);
  const ss = [...new Set(cells.map((c) => c.s))].sort((a, b) => a - b);
  const steps = ss.slice(1).map((s, i) => [ss[i]!, s] as const);
  const lines = [`| method | n | ${steps.map(([a, b]) => `per layer, s ${a}→${b}`).join(" | ")} |`, "|---|---|" + "---|".repeat(steps.length)];
  for (const m of METHODS) {
    for (const n of ns) {
      const at = (s: number): number | undefined => cells.find((c) => c.n === n && c.s === s)?.[m.key].flops;
      const cols = steps.map(([a, b]) => {
        const [fa, fb] = [at(a), at(b)];
        return fa === undefined || fb === undefined ? "–" : num((fb - fa) / (b - a));
      });
      lines.push(`| ${m.label} | ${n} | ${cols.join(" | ")} |`);
    }
  }
  return lines.join("\n");
}

/** Slopes in n at each s, and in s at each n, one fit per row of the grid: how the exponent drifts with size. */
export function localSlopeTable(cells: readonly Cell[]): string {
  const ns = [...new Set(cells.map((c) => c.n))];
  const ss = [...new Set(cells.map((c) => c.s))];
  const lines = [`| method (FLOPs) | ${ss.map((s) => `n-slope at s=${s}`).join(" | ")} | ${ns.map((n) => `s-slope at n=${n}`).join(" | ")} |`];
  lines.push("|---|" + "---|".repeat(ss.length + ns.length));
  for (const m of METHODS) {
    const bys = ss.map((s) => slope(logLogSlope(cells.filter((c) => c.s === s).map((c) => [c.n, pick(c, m.key).flops] as const))));
    const byn = ns.map((n) => slope(logLogSlope(cells.filter((c) => c.n === n).map((c) => [c.s, pick(c, m.key).flops] as const))));
    lines.push(`| ${m.label} | ${[...bys, ...byn].join(" | ")} |`);
  }
  return lines.join("\n");
}

const chartSeries = (xs: readonly Cell[], x: (c: Cell) => number, y: (m: Measure) => number | null): Series[] =>
  METHODS.map((m) => ({
    label: m.label.replace(/ \(.*\)/, "").replace("forward, ", "fwd, ").replace("one jvp per parameter", "jvp loop"),
    color: m.color,
    points: xs.map((c) => [x(c), y(pick(c, m.key))] as const).filter((p): p is [number, number] => p[1] !== null && p[1] > 0),
  }));

const guide = (xs: readonly number[], from: number, power: number, label: string): Series => ({
  label,
  color: "#888",
  dashed: true,
  points: xs.map((x) => [x, from * (x / xs[0]!) ** power] as const),
});

/** The FLOP charts, deterministic like the FLOP tables: FLOPs against n (at one s) and against s (at one n). */
export function flopCharts(cells: readonly Cell[], sFixed: number, nFixed: number): Record<string, string> {
  const ns = [...new Set(cells.map((c) => c.n))].sort((a, b) => a - b);
  const ss = [...new Set(cells.map((c) => c.s))].sort((a, b) => a - b);
  const atS = cells.filter((c) => c.s === sFixed).sort((a, b) => a.n - b.n);
  const atN = cells.filter((c) => c.n === nFixed).sort((a, b) => a.s - b.s);
  const firstN = atS[0]?.reverse.flops ?? 1;
  const firstS = atN[0]?.reverse.flops ?? 1;
  return {
    "modes-flops-n.svg": logLogChart(`Counted FLOPs of the full gradient, s = ${sFixed}`, "hidden width n", "FLOPs", ns,
      [...chartSeries(atS, (c) => c.n, (m) => m.flops), guide(ns, firstN, 2, "∝ n²"), guide(ns, atS[0]?.jacfwd.flops ?? 1, 4, "∝ n⁴")]),
    "modes-flops-s.svg": logLogChart(`Counted FLOPs of the full gradient, n = ${nFixed}`, "hidden layers s", "FLOPs", ss,
      [...chartSeries(atN, (c) => c.s, (m) => m.flops), guide(ss, firstS, 1, "∝ s"), guide(ss, atN[0]?.jacfwd.flops ?? 1, 2, "∝ s²")]),
  };
}

/** The time chart: median time against n (at one s), from the cells that ran. */
export function timeCharts(cells: readonly Cell[], sFixed: number): Record<string, string> {
  const ns = [...new Set(cells.map((c) => c.n))].sort((a, b) => a - b);
  const atS = cells.filter((c) => c.s === sFixed).sort((a, b) => a.n - b.n);
  return {
    "modes-time-n.svg": logLogChart(`Median time of the full gradient, s = ${sFixed}`, "hidden width n", "milliseconds", ns,
      chartSeries(atS, (c) => c.n, (m) => m.ms)),
  };
}

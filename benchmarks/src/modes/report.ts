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

/** The per-cell table: counted FLOPs and median ms of each method, and the forward/reverse FLOP ratio. */
export function cellTable(cells: readonly Cell[]): string {
  const head = "| n | s | parameters | reverse FLOPs | reverse ms | jacfwd FLOPs | jacfwd ms | jvp-loop FLOPs | jvp-loop ms | jacfwd / reverse FLOPs |";
  const rows = cells.map((c) =>
    [c.n, c.s, c.params, num(c.reverse.flops), msText(c.reverse), num(c.jacfwd.flops) + (c.jacfwd.predicted ? "*" : ""), msText(c.jacfwd),
      num(c.jvpLoop.flops) + (c.jvpLoop.predicted ? "*" : ""), msText(c.jvpLoop), num(c.jacfwd.flops / c.reverse.flops)].join(" | "),
  );
  return [head, "|" + "---|".repeat(10), ...rows.map((r) => `| ${r} |`)].join("\n");
}

export interface Slopes {
  readonly method: string;
  readonly quantity: "FLOPs" | "time";
  readonly n: number;
  readonly s: number;
  /** The exponent of (s + 1), the number of weight layers, instead of s. */
  readonly layers: number;
  /** Slope between the two largest n (at the largest s), and between the two largest s (at the largest n). */
  readonly lastN: number;
  readonly lastS: number;
  readonly expect: { n: number; s: number };
}

/** Log-log slope between the last two of `cells` (sorted by `x`), or NaN. */
function lastPair(cells: readonly Cell[], x: (c: Cell) => number, y: (c: Cell) => number | null): number {
  const pts = [...cells].sort((a, b) => x(a) - x(b)).map((c) => [x(c), y(c)] as const).filter((p): p is [number, number] => p[1] !== null && p[1] > 0);
  return pts.length < 2 ? Number.NaN : logLogSlope(pts.slice(-2));
}

/** Joint log-log fits of each method's FLOPs (all cells: skipped ones carry exact counts) and times (cells run). */
export function slopes(cells: readonly Cell[]): Slopes[] {
  return METHODS.flatMap((m) =>
    (["FLOPs", "time"] as const).map((quantity) => {
      const pts = cells
        .map((c) => ({ c, v: quantity === "FLOPs" ? pick(c, m.key).flops : pick(c, m.key).ms }))
        .filter((p): p is { c: Cell; v: number } => p.v !== null && p.v > 0);
      const [n, s] = jointLogFit(pts.map((p) => ({ a: p.c.n, b: p.c.s, y: p.v })));
      const [, layers] = jointLogFit(pts.map((p) => ({ a: p.c.n, b: p.c.s + 1, y: p.v })));
      const y = (c: Cell): number | null => (quantity === "FLOPs" ? pick(c, m.key).flops : pick(c, m.key).ms);
      const [maxN, maxS] = [Math.max(...cells.map((c) => c.n)), Math.max(...cells.map((c) => c.s))];
      const lastN = lastPair(cells.filter((c) => c.s === maxS), (c) => c.n, y);
      const lastS = lastPair(cells.filter((c) => c.n === maxN), (c) => c.s, y);
      return { method: m.label, quantity, n, s, layers, lastN, lastS, expect: m.expect };
    }),
  );
}

export function slopeTable(rows: readonly Slopes[]): string {
  const head = "| method | measured | slope in n | slope in s | slope in s + 1 (layers) | n: last pair | s: last pair | lecture (n, s) |";
  return [
    head,
    "|---|---|---|---|---|---|---|---|",
    ...rows.map((r) => `| ${r.method} | ${r.quantity} | ${slope(r.n)} | ${slope(r.s)} | ${slope(r.layers)} | ${slope(r.lastN)} | ${slope(r.lastS)} | ${r.expect.n}, ${r.expect.s} |`),
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

/** Charts: FLOPs against n (at one s), FLOPs against s (at one n), and time against n (at one s). */
export function charts(cells: readonly Cell[], sFixed: number, nFixed: number): Record<string, string> {
  const ns = [...new Set(cells.map((c) => c.n))].sort((a, b) => a - b);
  const ss = [...new Set(cells.map((c) => c.s))].sort((a, b) => a - b);
  const series = (xs: readonly Cell[], x: (c: Cell) => number, y: (m: Measure) => number | null): Series[] =>
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
  const atS = cells.filter((c) => c.s === sFixed).sort((a, b) => a.n - b.n);
  const atN = cells.filter((c) => c.n === nFixed).sort((a, b) => a.s - b.s);
  const nFlops = series(atS, (c) => c.n, (m) => m.flops);
  const sFlops = series(atN, (c) => c.s, (m) => m.flops);
  const firstN = atS[0]?.reverse.flops ?? 1;
  const firstS = atN[0]?.reverse.flops ?? 1;
  return {
    "modes-flops-n.svg": logLogChart(`Counted FLOPs of the full gradient, s = ${sFixed}`, "hidden width n", "FLOPs", ns,
      [...nFlops, guide(ns, firstN, 2, "∝ n²"), guide(ns, atS[0]?.jacfwd.flops ?? 1, 4, "∝ n⁴")]),
    "modes-flops-s.svg": logLogChart(`Counted FLOPs of the full gradient, n = ${nFixed}`, "hidden layers s", "FLOPs", ss,
      [...sFlops, guide(ss, firstS, 1, "∝ s"), guide(ss, atN[0]?.jacfwd.flops ?? 1, 2, "∝ s²")]),
    "modes-time-n.svg": logLogChart(`Median time of the full gradient, s = ${sFixed}`, "hidden width n", "milliseconds", ns,
      series(atS, (c) => c.n, (m) => m.ms)),
  };
}

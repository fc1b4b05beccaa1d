/**
 * Draws docs/img/optimizer-paths.svg: the path each optimizer takes on the Rosenbrock function
 * f(x, y) = (1 − x)² + 100 (y − x²)², computed by tapegrad (core's autodiff for the gradient, this
 * package's optimizers for the steps). The SVG is written as text: contour lines by marching squares
 * and one polyline per optimizer.
 *
 * Run: npx tsx --conditions=source packages/optim/scripts/paths.ts
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { tensor, type Tensor } from "@tapegrad/core";
import { AdaBelief, AdaDelta, Adam, AdamW, RMSprop, SGD, type BaseOptions, type Optimizer } from "../src/index.js";

const STEPS = 1000;
const START: [number, number] = [-1.5, 2.2];
const [X0, X1, Y0, Y1] = [-2, 2, -1, 3];
/** Panel side, gap between panels, columns: seven path panels and one panel of f against the step. */
const [SIDE, GAP, COLS, TOP] = [260, 40, 4, 50];
const MARK_EVERY = 100;

const rosenbrock = (x: number, y: number): number => (1 - x) ** 2 + 100 * (y - x * x) ** 2;

/** The same function on tensors, so that backward() gives its gradient. */
function rosenbrockTensor(p: Tensor): Tensor {
  const x = p.slice([0], [1]);
  const y = p.slice([1], [1]);
  return x.neg().add(1).square().add(y.sub(x.square()).square().mul(100)).sum();
}

const runs: { name: string; color: string; make: (p: Tensor[]) => Optimizer<BaseOptions> }[] = [
  { name: "SGD (lr 1e-3)", color: "#1f77b4", make: (p) => new SGD(p, { lr: 1e-3 }) },
  { name: "SGD momentum 0.9 (lr 5e-4)", color: "#17becf", make: (p) => new SGD(p, { lr: 5e-4, momentum: 0.9 }) },
  { name: "RMSprop (lr 1e-2)", color: "#ff7f0e", make: (p) => new RMSprop(p, { lr: 1e-2 }) },
  { name: "AdaDelta (lr 1, ρ 0.95)", color: "#8c564b", make: (p) => new AdaDelta(p, { rho: 0.95 }) },
  { name: "Adam (lr 0.05)", color: "#d62728", make: (p) => new Adam(p, { lr: 0.05 }) },
  { name: "AdamW (lr 0.05, λ 0.1)", color: "#e377c2", make: (p) => new AdamW(p, { lr: 0.05, weightDecay: 0.1 }) },
  { name: "AdaBelief (lr 0.05)", color: "#2ca02c", make: (p) => new AdaBelief(p, { lr: 0.05 }) },
];

function path(make: (p: Tensor[]) => Optimizer<BaseOptions>): [number, number][] {
  const p = tensor(START, { dtype: "float64", requiresGrad: true });
  const opt = make([p]);
  const points: [number, number][] = [[...START]];
  for (let k = 0; k < STEPS; k++) {
    opt.zeroGrad();
    rosenbrockTensor(p).backward();
    opt.step();
    points.push([p.data[0]!, p.data[1]!]);
  }
  return points;
}

/** Plot coordinates inside a panel (0..SIDE), from the surface's coordinates. */
const sx = (x: number): number => ((x - X0) / (X1 - X0)) * SIDE;
const sy = (y: number): number => ((Y1 - y) / (Y1 - Y0)) * SIDE;
const fmt = (v: number): string => v.toFixed(1);

/** Contour segments of f at `level` on an n×n grid (marching squares; saddles split either way, fine at this scale). */
function contour(level: number, n: number): string {
  const xs = Array.from({ length: n + 1 }, (_, i) => X0 + ((X1 - X0) * i) / n);
  const ys = Array.from({ length: n + 1 }, (_, j) => Y0 + ((Y1 - Y0) * j) / n);
  const f = xs.map((x) => ys.map((y) => rosenbrock(x, y)));
  const cross = (xa: number, ya: number, fa: number, xb: number, yb: number, fb: number): [number, number] => {
    const t = (level - fa) / (fb - fa);
    return [xa + t * (xb - xa), ya + t * (yb - ya)];
  };
  let d = "";
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const [x0, x1, y0, y1] = [xs[i]!, xs[i + 1]!, ys[j]!, ys[j + 1]!];
      const [a, b, c, e] = [f[i]![j]!, f[i + 1]![j]!, f[i + 1]![j + 1]!, f[i]![j + 1]!]; // corners counter-clockwise
      const edges: [number, number][] = [];
      if (a < level !== b < level) edges.push(cross(x0, y0, a, x1, y0, b));
      if (b < level !== c < level) edges.push(cross(x1, y0, b, x1, y1, c));
      if (c < level !== e < level) edges.push(cross(x1, y1, c, x0, y1, e));
      if (e < level !== a < level) edges.push(cross(x0, y1, e, x0, y0, a));
      for (let k = 0; k + 1 < edges.length; k += 2) {
        const [[xa, ya], [xb, yb]] = [edges[k]!, edges[k + 1]!];
        d += `M${fmt(sx(xa))} ${fmt(sy(ya))}L${fmt(sx(xb))} ${fmt(sy(yb))}`;
      }
    }
  }
  return d;
}

/** The top-left corner of panel i. */
const corner = (i: number): [number, number] => [GAP + (i % COLS) * (SIDE + GAP), TOP + Math.floor(i / COLS) * (SIDE + GAP + 10)];

const levels = [0.03, 0.3, 3, 30, 300, 3000];
const width = COLS * (SIDE + GAP) + GAP;
const height = TOP + 2 * (SIDE + GAP + 10);
const svg: string[] = [
  `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="13">`,
  `<rect width="100%" height="100%" fill="white"/>`,
  `<defs><clipPath id="panel"><rect width="${SIDE}" height="${SIDE}"/></clipPath>`,
  `<g id="surface"><rect width="${SIDE}" height="${SIDE}" fill="#fafafa" stroke="#999"/><g fill="none" clip-path="url(#panel)">`,
  ...levels.map((level, i) => `<path d="${contour(level, 140)}" stroke="hsl(220, 15%, ${50 + 7 * i}%)" stroke-width="0.8"/>`),
  `</g><circle cx="${fmt(sx(1))}" cy="${fmt(sy(1))}" r="4" fill="none" stroke="black" stroke-width="1.5"/>`,
  `<circle cx="${fmt(sx(START[0]))}" cy="${fmt(sy(START[1]))}" r="3.5" fill="black"/></g></defs>`,
  `<text x="${GAP}" y="24" font-size="16">Paths on Rosenbrock f = (1 − x)² + 100 (y − x²)² from (${START.join(", ")}) (●) toward the minimum (1, 1) (○); ${STEPS} steps, a dot every ${MARK_EVERY}</text>`,
];
const curves: { color: string; f: number[] }[] = [];
runs.forEach(({ name, color, make }, i) => {
  const points = path(make);
  const [px, py] = corner(i);
  const last = points[points.length - 1]!;
  const marks = points.filter((_, k) => k > 0 && k % MARK_EVERY === 0);
  svg.push(`<g transform="translate(${px} ${py})"><use xlink:href="#surface" href="#surface"/>`);
  svg.push(`<g clip-path="url(#panel)"><polyline fill="none" points="${points.map(([x, y]) => `${fmt(sx(x))},${fmt(sy(y))}`).join(" ")}" stroke="${color}" stroke-width="2"/>`);
  svg.push(...marks.map(([x, y]) => `<circle cx="${fmt(sx(x))}" cy="${fmt(sy(y))}" r="2.5" fill="${color}"/>`), `</g>`);
  svg.push(`<text x="0" y="-8" fill="${color}" font-weight="bold">${name}</text>`);
  svg.push(`<text x="${SIDE - 4}" y="${SIDE - 8}" text-anchor="end" fill="#333" font-size="11">f = ${rosenbrock(last[0], last[1]).toExponential(1)}</text></g>`);
  curves.push({ color, f: points.map(([x, y]) => rosenbrock(x, y)) });
});

// Panel 8: log10 f against the step, every optimizer, over the whole range of f that any of them reaches
// (a fixed floor would hide the methods that go below it).
const [lx, ly] = corner(runs.length);
const everyF = curves.flatMap(({ f }) => f);
const [lo, hi] = [Math.floor(Math.log10(Math.min(...everyF))), Math.ceil(Math.log10(Math.max(...everyF)))];
const cy = (f: number): number => ((hi - Math.log10(f)) / (hi - lo)) * SIDE;
svg.push(`<g transform="translate(${lx} ${ly})"><rect width="${SIDE}" height="${SIDE}" fill="#fafafa" stroke="#999"/>`);
svg.push(`<text x="0" y="-8" font-weight="bold">f against the step (log scale)</text>`);
const labelEvery = Math.ceil((hi - lo) / 8);
for (let e = lo; e <= hi; e++) {
  svg.push(`<line x1="0" x2="${SIDE}" y1="${fmt(cy(10 ** e))}" y2="${fmt(cy(10 ** e))}" stroke="#ddd"/>`);
  if ((e - lo) % labelEvery === 0) svg.push(`<text x="-4" y="${fmt(cy(10 ** e) + 4)}" text-anchor="end" font-size="10">1e${e}</text>`);
}
for (const { color, f } of curves) {
  svg.push(`<polyline fill="none" stroke="${color}" stroke-width="1.5" points="${f.map((v, k) => `${fmt((k / STEPS) * SIDE)},${fmt(cy(v))}`).join(" ")}"/>`);
}
svg.push(`<text x="${SIDE}" y="${SIDE + 14}" text-anchor="end" font-size="10">step ${STEPS}</text><text x="0" y="${SIDE + 14}" font-size="10">0</text></g>`);
svg.push(`</svg>`);

const out = new URL("../../../docs/img/optimizer-paths.svg", import.meta.url);
mkdirSync(new URL(".", out), { recursive: true });
writeFileSync(out, svg.join("\n") + "\n");
console.log(`wrote ${out.pathname}; f axis 1e${lo} to 1e${hi}`);
for (const [i, { f }] of curves.entries()) {
  const min = Math.min(...f);
  console.log(`${runs[i]!.name}: f = ${f[STEPS]!.toExponential(2)} at step ${STEPS}, lowest ${min.toExponential(2)} at step ${f.indexOf(min)}`);
}

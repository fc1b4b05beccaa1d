/** A minimal log-log line chart as an SVG string: no dependencies, readable in any browser or on GitHub. */

export interface Series {
  readonly label: string;
  readonly points: readonly (readonly [number, number])[];
  readonly color: string;
  readonly dashed?: boolean;
}

const W = 640;
const H = 400;
const M = { left: 70, right: 170, top: 40, bottom: 50 };

const fmt = (v: number): string => (v >= 1e4 || v < 1e-2 ? v.toExponential(0).replace("e+", "e") : String(+v.toPrecision(3)));

/** Draws `series` on log-log axes; x ticks at `xTicks`, y ticks at the powers of ten in range. */
export function logLogChart(title: string, xLabel: string, yLabel: string, xTicks: readonly number[], series: readonly Series[]): string {
  const all = series.flatMap((s) => s.points);
  const [x0, x1] = [Math.min(...xTicks), Math.max(...xTicks)];
  const [y0, y1] = [Math.min(...all.map((p) => p[1])), Math.max(...all.map((p) => p[1]))];
  const [ly0, ly1] = [Math.floor(Math.log10(y0)), Math.ceil(Math.log10(y1))];
  const px = (x: number): number => M.left + ((Math.log(x) - Math.log(x0)) / (Math.log(x1) - Math.log(x0) || 1)) * (W - M.left - M.right);
  const py = (y: number): number => H - M.bottom - ((Math.log10(y) - ly0) / (ly1 - ly0 || 1)) * (H - M.top - M.bottom);
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${M.left}" y="22" font-size="14" font-weight="bold">${title}</text>`,
  ];
  for (let e = ly0; e <= ly1; e++) {
    const y = py(10 ** e);
    out.push(`<line x1="${M.left}" x2="${W - M.right}" y1="${y}" y2="${y}" stroke="#ddd"/>`, `<text x="${M.left - 6}" y="${y + 4}" text-anchor="end">1e${e}</text>`);
  }
  for (const t of xTicks) {
    const x = px(t);
    out.push(`<line x1="${x}" x2="${x}" y1="${M.top}" y2="${H - M.bottom}" stroke="#eee"/>`, `<text x="${x}" y="${H - M.bottom + 16}" text-anchor="middle">${fmt(t)}</text>`);
  }
  out.push(
    `<text x="${(M.left + W - M.right) / 2}" y="${H - 12}" text-anchor="middle">${xLabel}</text>`,
    `<text transform="translate(16 ${(M.top + H - M.bottom) / 2}) rotate(-90)" text-anchor="middle">${yLabel}</text>`,
  );
  series.forEach((s, i) => {
    if (s.points.length === 0) return;
    const d = s.points.map(([x, y], k) => `${k === 0 ? "M" : "L"}${px(x).toFixed(1)},${py(y).toFixed(1)}`).join(" ");
    out.push(`<path d="${d}" fill="none" stroke="${s.color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="5,4"' : ""}/>`);
    if (!s.dashed) for (const [x, y] of s.points) out.push(`<circle cx="${px(x).toFixed(1)}" cy="${py(y).toFixed(1)}" r="3" fill="${s.color}"/>`);
    const ly = M.top + 10 + i * 18;
    out.push(
      `<line x1="${W - M.right + 12}" x2="${W - M.right + 36}" y1="${ly}" y2="${ly}" stroke="${s.color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="5,4"' : ""}/>`,
      `<text x="${W - M.right + 42}" y="${ly + 4}">${s.label}</text>`,
    );
  });
  out.push("</svg>");
  return out.join("\n");
}

/** One line of a panel: a name for the legend, its values per epoch, and how to stroke it. */
export interface Series {
  readonly name: string;
  readonly values: readonly number[];
  readonly colour: string;
  readonly dashed?: boolean;
}

/** One chart: a title and its lines, drawn against epochs from 1. */
export interface Panel {
  readonly title: string;
  readonly series: readonly Series[];
}

const [W, H] = [320, 220];
const PAD = { left: 52, right: 12, top: 30, bottom: 36 };

const escape = (s: string): string => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
const fmt = (v: number): string => (Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 1 ? v.toFixed(2) : v.toPrecision(2));

/** One panel as an SVG group shifted to `dx`: frame, axis labels, a polyline per series, a legend. */
function panel({ title, series }: Panel, dx: number): string {
  const all = series.flatMap((s) => s.values).filter(Number.isFinite);
  const top = Math.max(...all, 1e-12);
  const epochs = Math.max(...series.map((s) => s.values.length), 2);
  const [w, h] = [W - PAD.left - PAD.right, H - PAD.top - PAD.bottom];
  const px = (e: number): number => PAD.left + ((e - 1) / (epochs - 1)) * w;
  const py = (v: number): number => PAD.top + h - (Math.max(0, v) / top) * h;
  const lines = series.map((s, k) => {
    const pts = s.values.map((v, e) => `${px(e + 1).toFixed(1)},${py(v).toFixed(1)}`).join(" ");
    const dash = s.dashed === true ? ` stroke-dasharray="5 3"` : "";
    const key = `<line x1="${W - 120}" x2="${W - 100}" y1="${PAD.top + 10 + 16 * k}" y2="${PAD.top + 10 + 16 * k}" stroke="${s.colour}" stroke-width="2"${dash}/>` +
      `<text x="${W - 95}" y="${PAD.top + 14 + 16 * k}">${escape(s.name)}</text>`;
    return `<polyline points="${pts}" fill="none" stroke="${s.colour}" stroke-width="2"${dash}/>${key}`;
  });
  return `<g transform="translate(${dx},0)">` +
    `<text x="${W / 2}" y="18" text-anchor="middle" font-weight="bold">${escape(title)}</text>` +
    `<rect x="${PAD.left}" y="${PAD.top}" width="${w}" height="${h}" fill="none" stroke="#999"/>` +
    `<text x="${PAD.left - 6}" y="${PAD.top + 4}" text-anchor="end">${fmt(top)}</text>` +
    `<text x="${PAD.left - 6}" y="${PAD.top + h + 4}" text-anchor="end">0</text>` +
    `<text x="${PAD.left}" y="${PAD.top + h + 16}" text-anchor="middle">1</text>` +
    `<text x="${PAD.left + w}" y="${PAD.top + h + 16}" text-anchor="middle">${epochs}</text>` +
    `<text x="${PAD.left + w / 2}" y="${H - 6}" text-anchor="middle">epoch</text>` +
    lines.join("") + `</g>`;
}

/**
 * Loss curves as an SVG document, one panel per task side by side, each from 0 to its largest value.
 * @example
 * ```ts
 * lossSvg([{ title: "moons", series: [{ name: "train", values: [0.7, 0.3, 0.1], colour: "#2166ac" }] }]);
 * ```
 */
export function lossSvg(panels: readonly Panel[]): string {
  const width = W * Math.max(panels.length, 1);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${H}" viewBox="0 0 ${width} ${H}" ` +
    `font-family="sans-serif" font-size="11" fill="#222"><rect width="100%" height="100%" fill="#fff"/>` +
    panels.map((p, i) => panel(p, i * W)).join("") + `</svg>\n`;
}

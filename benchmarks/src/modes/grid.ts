import { countCell, type Cell } from "./measure.js";
import { lectureNetwork, type Activation } from "./network.js";

/** The grid the benchmark measures and the docs report: widths, depths, and the jacfwd chunk budget. */
export const GRID = { ns: [4, 8, 16, 32, 64], ss: [1, 2, 4, 8], tangentElements: 2 ** 21 } as const;
/** The widths and depths of `--quick`. */
export const QUICK_GRID = { ns: [4, 8, 16], ss: [1, 2], tangentElements: 2 ** 21 } as const;
/** The charts' fixed depth (FLOPs and time against n) and fixed width (FLOPs against s). */
export const CHART_AT = { s: 2, n: 16 } as const;

/** Counted FLOPs of every cell of `grid`, in the benchmark's order (s outer, n inner), nothing timed. */
export function countGrid(activation: Activation, grid: { ns: readonly number[]; ss: readonly number[]; tangentElements: number } = GRID): Cell[] {
  return grid.ss.flatMap((s) => grid.ns.map((n) => countCell(lectureNetwork(n, s, activation), grid.tangentElements)));
}

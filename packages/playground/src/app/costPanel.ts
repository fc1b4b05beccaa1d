/// <reference lib="dom" />
import type { GradientCost } from "./cost.js";
import { formatCount } from "./format.js";

function cell(row: HTMLTableRowElement, text: string): void {
  row.insertCell().textContent = text;
}

/**
 * Fills the cost panel's table with one row per mode and the ratio of their counted FLOPs. The exact
 * counts also go into `data-reverse-flops`, `data-forward-flops` and `data-parameters` on `root`.
 */
export function showCost(root: HTMLElement, cost: GradientCost): void {
  const table = document.createElement("table");
  const head = table.createTHead().insertRow();
  for (const h of ["mode", "what runs", "FLOPs (counted)", "time"]) head.append(Object.assign(document.createElement("th"), { textContent: h }));
  const body = table.createTBody();
  const reverse = body.insertRow();
  cell(reverse, "reverse (grad)");
  cell(reverse, `one taped forward pass, one backward pass (tape peak ${formatCount(cost.reverse.peakTapeBytes)}B)`);
  cell(reverse, formatCount(cost.reverse.flops));
  cell(reverse, `${cost.reverse.ms.toFixed(1)} ms`);
  const forward = body.insertRow();
  cell(forward, "forward (jacfwd)");
  cell(forward, `one tangent per parameter: ${cost.parameters} directions`);
  cell(forward, formatCount(cost.forward.flops));
  cell(forward, cost.forward.ms === null ? "not run: too slow for the page; FLOPs extrapolated exactly by adviseMode" : `${cost.forward.ms.toFixed(1)} ms`);

  const summary = document.createElement("p");
  summary.className = "ratio";
  summary.textContent = `Forward mode counts ${cost.ratio.toFixed(1)}× the FLOPs of reverse mode for the full gradient of the loss on ${cost.batch} points with respect to ${cost.parameters} parameters.`;
  root.replaceChildren(table, summary);
  root.dataset["parameters"] = String(cost.parameters);
  root.dataset["reverseFlops"] = String(cost.reverse.flops);
  root.dataset["forwardFlops"] = String(cost.forward.flops);
}

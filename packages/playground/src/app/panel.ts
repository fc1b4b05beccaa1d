/// <reference lib="dom" />
import type { PlaygroundData } from "./data.js";
import { drawCurves, drawField, drawPoints } from "./draw.js";
import { probabilityField } from "./field.js";
import { formatLoss } from "./format.js";
import type { Trainer } from "./trainer.js";

/** Sizes of one panel in CSS pixels, and the resolution of its probability grid. */
export interface PanelSize {
  readonly boundary: number;
  readonly curveHeight: number;
  readonly cells: number;
}

/**
 * One network on screen: its decision boundary with the points, its loss curves and its latest train and
 * test loss. The losses are also kept in `data-` attributes (`data-step`, `data-train-loss`,
 * `data-test-loss`) so that scripts and tests read the exact numbers rather than rounded text.
 */
export class Panel {
  readonly element: HTMLElement;
  readonly #boundary: CanvasRenderingContext2D;
  readonly #curves: CanvasRenderingContext2D;
  readonly #train: HTMLOutputElement;
  readonly #test: HTMLOutputElement;
  readonly #cells: number;

  constructor(title: string, size: PanelSize) {
    this.element = document.createElement("figure");
    this.element.className = "panel";
    this.element.style.width = `${size.boundary + 2}px`;
    const caption = document.createElement("figcaption");
    caption.textContent = title;
    const boundary = canvas("boundary", size.boundary, size.boundary);
    const curves = canvas("curves", size.boundary, size.curveHeight);
    const losses = document.createElement("p");
    losses.className = "losses";
    this.#train = output("train");
    this.#test = output("test");
    losses.append("train loss ", this.#train, " · test loss ", this.#test);
    this.element.append(caption, boundary, curves, losses);
    this.#boundary = boundary.getContext("2d")!;
    this.#curves = curves.getContext("2d")!;
    this.#cells = size.cells;
  }

  /** Redraws everything from the trainer's network and its latest recorded losses. */
  update(trainer: Trainer, data: PlaygroundData): void {
    drawField(this.#boundary, probabilityField(trainer.model, data.region, this.#cells), this.#cells);
    drawPoints(this.#boundary, data.train, data.region, "white");
    drawPoints(this.#boundary, data.test, data.region, "black");
    drawCurves(this.#curves, trainer.history);
    const last = trainer.history.at(-1);
    if (last === undefined) return;
    this.element.dataset["step"] = String(last.step);
    this.element.dataset["trainLoss"] = String(last.train);
    this.element.dataset["testLoss"] = String(last.test);
    this.#train.value = formatLoss(last.train);
    this.#test.value = formatLoss(last.test);
  }
}

function canvas(className: string, width: number, height: number): HTMLCanvasElement {
  const c = document.createElement("canvas");
  c.className = className;
  c.width = width;
  c.height = height;
  return c;
}

function output(className: string): HTMLOutputElement {
  const o = document.createElement("output");
  o.className = className;
  return o;
}

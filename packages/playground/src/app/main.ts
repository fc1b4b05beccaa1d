/// <reference lib="dom" />
/**
 * The playground page: reads the settings from the URL, trains in slices of `speed` steps per animation
 * frame so the page stays responsive, and redraws the panels after each slice.
 */
import { slice } from "@tapegrad/core";
import { populate, readForm, watchForm, writeForm } from "./controls.js";
import { gradientCost } from "./cost.js";
import { showCost } from "./costPanel.js";
import { makeData } from "./data.js";
import { networkAsOnnx, offerDownload, onnxFileName } from "./onnxDownload.js";
import { Panel, type PanelSize } from "./panel.js";
import { raceRun, singleRun, type Run } from "./run.js";
import { optimizerLabels, parseSettings, settingsToQuery, type Settings } from "./settings.js";

const mainSize: PanelSize = { boundary: 360, curveHeight: 110, cells: 60 };
const raceSize: PanelSize = { boundary: 170, curveHeight: 70, cells: 34 };

function byId<T extends HTMLElement>(id: string, type: new () => T): T {
  const el = document.getElementById(id);
  if (!(el instanceof type)) throw new Error(`the page has no #${id}`);
  return el;
}

const form = byId("settings", HTMLFormElement);
const panels = byId("panels", HTMLElement);
const play = byId("play", HTMLButtonElement);
const reset = byId("reset", HTMLButtonElement);
const downloadOnnx = byId("download-onnx", HTMLButtonElement);
const stepOut = byId("step", HTMLOutputElement);
const costRoot = byId("cost-table", HTMLElement);
const errorBox = byId("error", HTMLElement);

let settings: Settings = parseSettings(location.search);
let run: Run;
let views: Panel[] = [];
let running = false;
let costTimer: ReturnType<typeof setTimeout> | undefined;

function render(): void {
  run.trainers.forEach((t, i) => views[i]!.update(t, run.data));
  stepOut.value = String(run.steps);
  document.body.dataset["step"] = String(run.steps);
}

/** Counts the gradient's cost once per rebuild, not per step: the count depends on the shapes only. */
function scheduleCost(): void {
  clearTimeout(costTimer);
  costRoot.textContent = "counting…";
  delete costRoot.dataset["forwardFlops"];
  // After the first paint, so a large network's count never delays the page.
  costTimer = setTimeout(() => {
    const { x, y } = run.data.train;
    const b = Math.min(settings.batch, x.shape[0]!);
    guard(() => showCost(costRoot, gradientCost(run.trainers[0]!.model, slice(x, [0, 0], [b, 2]), slice(y, [0], [b]))));
  }, 50);
}

function rebuild(): void {
  const data = makeData(settings);
  const race = settings.view === "race";
  run = race ? raceRun(settings, data) : singleRun(settings, data);
  views = run.trainers.map((t) => {
    const panel = new Panel(race ? `${optimizerLabels[t.name]}, rate ${t.lr}` : `decision boundary: ${optimizerLabels[t.name]}`, race ? raceSize : mainSize);
    panel.element.dataset["optimizer"] = t.name;
    return panel;
  });
  panels.replaceChildren(...views.map((v) => v.element));
  panels.className = settings.view;
  render();
  scheduleCost();
}

function setRunning(on: boolean): void {
  running = on;
  play.textContent = on ? "Pause" : "Train";
  document.body.dataset["running"] = String(on);
  if (on) requestAnimationFrame(frame);
}

function frame(): void {
  if (!running) return;
  guard(() => {
    for (let i = 0; i < settings.speed; i++) run.step();
    run.record();
    render();
  });
  if (running) requestAnimationFrame(frame);
}

/** Shows an error instead of leaving a half-drawn page, and stops training. */
function guard(fn: () => void): void {
  try {
    fn();
  } catch (error) {
    setRunning(false);
    errorBox.textContent = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    errorBox.hidden = false;
    throw error;
  }
}

populate(form);
writeForm(form, settings);
watchForm(form, (s) => {
  const restart = JSON.stringify({ ...s, speed: 0 }) !== JSON.stringify({ ...settings, speed: 0 });
  settings = s;
  history.replaceState(null, "", settingsToQuery(s));
  if (restart) rebuild();
});
play.addEventListener("click", () => setRunning(!running));
reset.addEventListener("click", () => {
  settings = readForm(form);
  rebuild();
});
// The first panel's network (in the race, SGD's) as it is now.
downloadOnnx.addEventListener("click", () => guard(() => offerDownload(networkAsOnnx(run.trainers[0]!.model), onnxFileName)));
history.replaceState(null, "", settingsToQuery(settings));
rebuild();
document.body.dataset["ready"] = "true";

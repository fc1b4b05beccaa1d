/// <reference lib="dom" />
import {
  activationNames, dataSetNames, defaultLr, defaultNoise, optimizerNames, parseSettings, scheduleNames, settingsToQuery, viewNames,
  networkLimits, type Settings,
} from "./settings.js";

/** The choices of each `<select>`, by its name (the setting's query key). */
const choices: Readonly<Record<string, readonly string[]>> = {
  data: dataSetNames, act: activationNames, opt: optimizerNames, sched: scheduleNames, view: viewNames,
};

function field(form: HTMLFormElement, name: string): HTMLInputElement | HTMLSelectElement {
  const el = form.elements.namedItem(name);
  if (!(el instanceof HTMLInputElement || el instanceof HTMLSelectElement)) throw new Error(`the form has no field "${name}"`);
  return el;
}

/** Fills the form's `<select>`s with their choices; call once. */
export function populate(form: HTMLFormElement): void {
  for (const [name, names] of Object.entries(choices)) {
    field(form, name).replaceChildren(...names.map((n) => new Option(n, n)));
  }
}

/** Shows `s` in the form. */
export function writeForm(form: HTMLFormElement, s: Settings): void {
  const values = new URLSearchParams(settingsToQuery(s));
  for (const [name, value] of values) field(form, name).value = name === "hidden" ? s.hidden.join(", ") : value;
  field(form, "depth").value = String(s.hidden.length);
}

/**
 * The settings the form shows, validated the same way a link is: the fields are named by the query keys,
 * so the form is read as a query string. Widths may be typed with commas or spaces.
 */
export function readForm(form: HTMLFormElement): Settings {
  const q = new URLSearchParams();
  for (const name of new URLSearchParams(settingsToQuery(parseSettings(""))).keys()) q.set(name, field(form, name).value);
  q.set("hidden", q.get("hidden")!.split(/[\s,;x-]+/).filter((w) => w !== "").join("-"));
  return parseSettings(q.toString());
}

/**
 * Calls `onChange` with the new settings whenever a field changes. Changing the depth adds or drops
 * layers (a new layer copies the last width); choosing another data set or optimizer also resets the
 * noise or the rate to what suits it.
 */
export function watchForm(form: HTMLFormElement, onChange: (s: Settings) => void): void {
  form.addEventListener("change", (event) => {
    const name = event.target instanceof HTMLInputElement || event.target instanceof HTMLSelectElement ? event.target.name : "";
    let s = readForm(form);
    if (name === "depth") {
      const depth = Math.max(0, Math.min(networkLimits.maxDepth, Math.round(Number(field(form, "depth").value)) || 0));
      const hidden = Array.from({ length: depth }, (_, i) => s.hidden[i] ?? s.hidden.at(-1) ?? 8);
      s = { ...s, hidden };
    } else if (name === "data") {
      s = { ...s, noise: defaultNoise[s.data] };
    } else if (name === "opt") {
      s = { ...s, lr: defaultLr[s.optimizer] };
    }
    writeForm(form, s);
    onChange(s);
  });
  form.addEventListener("submit", (event) => event.preventDefault());
}

import { tensor, ValueError, type Tensor } from "@tapegrad/core";
import type { DataLoaderStateDict } from "@tapegrad/datasets";
import type { OptimizerStateDict, SchedulerStateDict } from "@tapegrad/optim";
import { writeFileAtomically } from "@tapegrad/core/node";
import { decodeTensor, encodeTensor, type EncodedTensor } from "./checkpointFormat.js";

/** A value that survives `JSON.stringify` and `JSON.parse` unchanged. */
export type JsonValue = null | boolean | number | string | readonly JsonValue[] | { readonly [key: string]: JsonValue };

/** Anything with a state dict of type `S` (an optimizer, a `DataLoader`, a `Scheduler`). */
export interface Stateful<S> {
  stateDict(): S;
  loadStateDict(state: S): unknown;
}

/** A model as checkpoints see it: named tensors out and in (any `@tapegrad/nn` `Module` fits). */
export interface CheckpointModel {
  stateDict(): Readonly<Record<string, Tensor>>;
  loadStateDict(state: Readonly<Record<string, Tensor>>): unknown;
}

/** The objects a checkpoint holds the state of; only `model` is required. */
export interface CheckpointParts {
  model: CheckpointModel;
  optimizer?: Stateful<OptimizerStateDict>;
  loader?: Stateful<DataLoaderStateDict>;
  scheduler?: Stateful<SchedulerStateDict>;
}

/** What `saveCheckpoint` writes: the parts, the training step reached and any JSON the caller adds. */
export interface CheckpointContents extends CheckpointParts {
  /** Steps completed (an integer ≥ 0); `loadCheckpoint` returns it so the loop resumes from there. */
  step: number;
  /** The caller's own JSON (a run name, a best loss). */
  extra?: JsonValue;
}

/** What `loadCheckpoint` returns besides restoring the parts. */
export interface LoadedCheckpoint {
  readonly step: number;
  readonly extra: JsonValue | undefined;
}

const FORMAT = "tapegrad-checkpoint";
const VERSION = 1;
const PART_NAMES = ["optimizer", "loader", "scheduler"] as const;
type PartName = (typeof PART_NAMES)[number];

/** The document on disk. */
interface CheckpointDocument {
  format: typeof FORMAT;
  version: typeof VERSION;
  step: number;
  model: Record<string, EncodedTensor>;
  optimizer: OptimizerStateDict | null;
  loader: DataLoaderStateDict | null;
  scheduler: SchedulerStateDict | null;
  extra: JsonValue | null;
}

/**
 * Saves a model, its optimizer, its data loader and its schedule in one file, atomically: the file at
 * `path` is always either the previous checkpoint or this one, complete, whenever the process dies (the
 * bytes go to a temporary file in the same directory, are fsync'd, renamed over `path`, and the directory
 * is fsync'd). Node only.
 *
 * The file is one JSON document. The optimizer, loader and schedule states are JSON already (and exact:
 * every float32 and float64 value is a JSON number); the model's tensors are stored as their little-endian
 * bytes in base64, which keeps NaN, infinities and −0 that JSON numbers cannot hold. One document read and
 * parsed whole makes a torn checkpoint impossible to load by accident: a truncated file is not valid JSON.
 * @example
 * ```ts
 * await saveCheckpoint("run.ckpt", { model, optimizer: opt, loader, step });
 * ```
 */
export async function saveCheckpoint(path: string, contents: CheckpointContents): Promise<void> {
  const { model, step, extra } = contents;
  if (!Number.isSafeInteger(step) || step < 0) throw new ValueError("saveCheckpoint", `option step must be an integer >= 0 (got ${String(step)})`);
  const document: CheckpointDocument = {
    format: FORMAT,
    version: VERSION,
    step,
    model: Object.fromEntries(Object.entries(model.stateDict()).map(([name, t]) => [name, encodeTensor(t)])),
    optimizer: contents.optimizer?.stateDict() ?? null,
    loader: contents.loader?.stateDict() ?? null,
    scheduler: contents.scheduler?.stateDict() ?? null,
    extra: extra ?? null,
  };
  await writeFileAtomically(path, JSON.stringify(document));
}

/**
 * Restores the parts from a file written by `saveCheckpoint` and returns the step it was saved at. The
 * whole file is checked before anything changes, and if a part refuses its state (a model of other
 * shapes, an optimizer of another class) every part is put back as it was, so a failed load loses
 * nothing. A part passed here must have been saved; a saved part not passed is ignored.
 * @example
 * ```ts
 * const { step } = await loadCheckpoint("run.ckpt", { model, optimizer: opt, loader });
 * for (let k = step; k < 1000; k++) trainStep();
 * ```
 */
export async function loadCheckpoint(path: string, parts: CheckpointParts): Promise<LoadedCheckpoint> {
  const { readFile } = await import("node:fs/promises");
  const document = parseDocument(path, await readFile(path, "utf8"));
  const model = Object.fromEntries(Object.entries(document.model).map(([name, e]) => [name, decodeTensor(`${path} model["${name}"]`, e)]));
  for (const name of PART_NAMES) {
    if (parts[name] !== undefined && document[name] === null) throw new ValueError("loadCheckpoint", `${path} holds no ${name} state, but parts.${name} was passed`);
  }
  const before = snapshot(parts);
  try {
    parts.model.loadStateDict(model);
    for (const name of PART_NAMES) restorePart(parts, name, document);
  } catch (e) {
    parts.model.loadStateDict(before.model);
    for (const name of PART_NAMES) restorePart(parts, name, before);
    throw e;
  }
  return { step: document.step, extra: document.extra ?? undefined };
}

/** Copies of every part's state, to put back if a load fails half way. The model's tensors share its storage, hence the copy. */
function snapshot(parts: CheckpointParts): { model: Record<string, Tensor> } & Record<PartName, unknown> {
  const model = Object.fromEntries(Object.entries(parts.model.stateDict()).map(([n, t]) => [n, tensor(t.data, { shape: t.shape })]));
  return { model, optimizer: parts.optimizer?.stateDict() ?? null, loader: parts.loader?.stateDict() ?? null, scheduler: parts.scheduler?.stateDict() ?? null };
}

function restorePart(parts: CheckpointParts, name: PartName, from: Record<PartName, unknown>): void {
  const part = parts[name] as Stateful<unknown> | undefined;
  if (part !== undefined && from[name] !== null) part.loadStateDict(from[name]);
}

/** Parses and checks the envelope; the parts' own `loadStateDict` check their contents. */
function parseDocument(path: string, text: string): CheckpointDocument {
  const fail = (message: string): never => {
    throw new ValueError("loadCheckpoint", `${path}: ${message}`);
  };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    return fail(`not a complete checkpoint (${(e as Error).message})`);
  }
  const doc = parsed as Partial<CheckpointDocument> | null;
  if (typeof doc !== "object" || doc === null || doc.format !== FORMAT) return fail(`not a tapegrad checkpoint (no "format": "${FORMAT}")`);
  if (doc.version !== VERSION) return fail(`checkpoint version ${String(doc.version)} is not supported (this tapegrad reads version ${VERSION})`);
  if (!Number.isSafeInteger(doc.step) || doc.step! < 0) return fail(`step must be an integer >= 0 (got ${JSON.stringify(doc.step)})`);
  if (typeof doc.model !== "object" || doc.model === null) return fail(`model must be an object of tensors`);
  for (const name of PART_NAMES) {
    if (typeof doc[name] !== "object") return fail(`${name} must be a state object or null (got ${JSON.stringify(doc[name])})`);
  }
  return doc as CheckpointDocument;
}

/**
 * Global switches of the autodiff machinery: whether ops are taped, and which forward-mode levels are
 * open. They live in one module so that every part of the engine reads the same state.
 */

let gradEnabled = true;

/** Whether ops on tensors that require grad are recorded on the tape right now. */
export function isGradEnabled(): boolean {
  return gradEnabled;
}

/**
 * Runs `fn` without recording anything on the tape, as PyTorch's `torch.no_grad()`. Forward-mode
 * tangents still propagate: they are not part of the tape.
 *
 * @example
 * ```ts
 * const w = tensor([1, 2], { requiresGrad: true });
 * const y = noGrad(() => w.mul(2)); // y.requiresGrad === false
 * ```
 */
export function noGrad<T>(fn: () => T): T {
  return withGradEnabled(false, fn);
}

/** Runs `fn` with taping switched on or off, restoring the previous setting afterwards. */
export function withGradEnabled<T>(enabled: boolean, fn: () => T): T {
  const previous = gradEnabled;
  gradEnabled = enabled;
  try {
    return fn();
  } finally {
    gradEnabled = previous;
  }
}

/**
 * Forward-mode levels. Each `jvp` call opens a level with a fresh id, larger than every id before it, so
 * nested calls have larger ids than the calls around them. A dual tensor is tagged with the level that
 * made it; an op always unpacks its inputs at the largest level among them first, so tangents of
 * different `jvp` calls are never added together (Autodidax's answer to perturbation confusion).
 */
const openLevels: number[] = [];
let lastLevel = 0;

/** The open levels that are vmap's: they batch values but differentiate nothing. */
const mapLevels = new Set<number>();

/** Opens a level: a `jvp`'s, or with `map` a `vmap`'s (which does not make code inside it "differentiated"). */
export function openLevel(map = false): number {
  openLevels.push(++lastLevel);
  if (map) mapLevels.add(lastLevel);
  return lastLevel;
}

export function closeLevel(level: number): void {
  const top = openLevels.pop();
  mapLevels.delete(level);
  if (top !== level) throw new Error(`internal: forward-mode level ${level} closed out of order`);
}

export function isLevelOpen(level: number): boolean {
  return openLevels.includes(level);
}

/** How many differentiation transforms are running around the current code (grad and jvp alike). */
let transformDepth = 0;

export function insideTransform(): boolean {
  return transformDepth > 0 || openLevels.some((l) => !mapLevels.has(l));
}

export function withinTransform<T>(fn: () => T): T {
  transformDepth++;
  try {
    return fn();
  } finally {
    transformDepth--;
  }
}
